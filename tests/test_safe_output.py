"""The all-or-nothing output helper (storage/safe_output.py) and the services that use it, without Qt."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import PeerDeskError, StorageError
from peerdesk.services import consent_forms, office_export
from peerdesk.storage import safe_output
from tests import factories as f


@pytest.fixture(autouse=True)
def data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def admin_actor(db):
    from peerdesk.services.access import SYSTEM, Actor

    with db.begin(SYSTEM) as s:
        u = f.user(s, f"admin{_audit_count(db)}", (m.Role.ADMINISTRATOR,))
        return Actor(u.id, u.username, frozenset({m.Role.ADMINISTRATOR}))


def make_study(db):
    from peerdesk.services.access import SYSTEM

    with db.begin(SYSTEM) as s:
        return f.study(s).id


def _audit_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(m.AuditEvent))


def test_a_file_is_renamed_into_place_only_when_its_unit_of_work_commits(sqlite_db, out_dir):
    target = out_dir / "out.csv"
    with sqlite_db.begin(admin_actor(sqlite_db)) as s:
        out = safe_output.session_output(s, target)
        with out.writing() as temp:
            temp.write_text("a;b\n")
        assert not target.exists() and out.temp.exists()
        assert stat.S_IMODE(out.temp.stat().st_mode) == 0o600 and out.temp.name.startswith(".peerdesk-tmp-")
    assert target.read_text() == "a;b\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in out_dir.iterdir()] == ["out.csv"]


def test_a_rollback_or_an_interrupt_removes_the_file_and_records_nothing(sqlite_db, out_dir):
    actor = admin_actor(sqlite_db)
    before = _audit_count(sqlite_db)
    for error in (ValueError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            with sqlite_db.begin(actor) as s:
                office_export.export_all(s, out_dir / "office.zip")
                raise error  # after the zip is written, before the commit
        assert list(out_dir.iterdir()) == []
    assert _audit_count(sqlite_db) == before


@pytest.mark.parametrize("where, message", [("missing/out.zip", "does not exist"), (".", "is a folder")])
def test_a_target_that_cannot_be_written_says_why(sqlite_db, out_dir, where, message):
    with pytest.raises(StorageError) as caught:
        with sqlite_db.begin(admin_actor(sqlite_db)) as s:
            office_export.export_all(s, out_dir / where)
    assert message in str(caught.value) and "Nothing was saved" in str(caught.value)


def test_the_next_start_removes_what_a_killed_writer_left(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "export.zip"
    code = ("from peerdesk.storage.safe_output import PendingOutput\n"
            f"out = PendingOutput({str(target)!r})\nout.temp.write_bytes(b'personal data')\nimport os; os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code], check=False, env={**os.environ})
    left = list(tmp_path.glob(".peerdesk-tmp-*"))
    assert len(left) == 1  # a SIGKILL-like end: nothing could clean up
    private = safe_output.private_dir() / "p-999999-x"  # a print folder of a process that is gone
    private.mkdir()
    (private / "consent-forms.pdf").write_bytes(b"%PDF")
    mine = safe_output.private_dir() / f"p-{os.getpid()}-y"  # this process's own: still in use
    mine.mkdir()
    assert safe_output.clean_stale() >= 2
    assert not list(tmp_path.glob(".peerdesk-tmp-*")) and not private.exists() and mine.exists()
    assert not list((tmp_path / "data" / "pending-outputs").glob("*.json"))


def test_two_printers_at_once_never_issue_one_number_twice(db, out_dir):
    """The numbers are unique in the database: the second batch, computed from the same highest
    number while the first is not yet committed, fails cleanly and leaves no PDF."""
    actor = admin_actor(db)
    study_id = make_study(db)
    first_path, second_path = out_dir / "first.pdf", out_dir / "second.pdf"
    printed = threading.Event()
    outcome: dict = {}

    def second() -> None:
        printed.wait(30)
        try:
            with db.begin(actor) as s:
                consent_forms.print_blank_forms(s, study_id, None, 3, second_path)
            outcome["second"] = "committed"
        except Exception as exc:  # IntegrityError (PostgreSQL) or "locked"/snapshot (SQLite): refused either way
            outcome["second"] = exc

    s1 = db.session(actor)
    with s1.begin():
        s1.scalar(select(func.count()).select_from(m.ConsentForm))  # both read the same highest number
        thread = threading.Thread(target=second)
        thread.start()
        consent_forms.print_blank_forms(s1, study_id, None, 3, first_path)
        printed.set()
        thread.join(0.5)
    s1.close()
    thread.join(60)
    with db.session() as s:
        numbers = [n for (n,) in s.execute(select(m.ConsentForm.form_number).where(m.ConsentForm.study_id == study_id))]
    assert len(numbers) == len(set(numbers))
    assert first_path.exists()
    if outcome["second"] == "committed":  # it waited for the first and took the next numbers
        assert second_path.exists() and len(numbers) == 6
    else:
        assert not second_path.exists() and len(numbers) == 3
    assert not list(out_dir.glob(".peerdesk-tmp-*"))


def test_a_failed_consent_print_records_no_number(sqlite_db, out_dir):
    actor = admin_actor(sqlite_db)
    study_id = make_study(sqlite_db)
    with pytest.raises(PeerDeskError):
        with sqlite_db.begin(actor) as s:
            consent_forms.print_blank_forms(s, study_id, None, 5, out_dir / "nowhere" / "forms.pdf")
    with sqlite_db.session() as s:
        assert s.scalar(select(func.count()).select_from(m.ConsentForm)) == 0
