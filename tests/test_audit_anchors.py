"""Audit anchors outside the database: `peerdesk audit verify` names tail truncation, rewriting and
dropped triggers, each with its own exit code — on SQLite and PostgreSQL, as an intruder holding the
database key would do it (straight SQL on the file or server, behind PeerDesk's back)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from peerdesk import cli
from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import audit
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.conftest import TEST_KEY

PASSWORD = "long-enough-pw"
# `peerdesk audit verify` exit codes (services/audit_protection.py), as a scheduled job sees them
EXIT_BROKEN, EXIT_TRUNCATED, EXIT_REWRITTEN, EXIT_TRIGGERS, EXIT_ANCHOR_INVALID = 4, 5, 6, 7, 8


@pytest.fixture
def office(db, tmp_path, monkeypatch):
    """The `db` fixture as the command line finds it, with an administrator and some history."""
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    if db.target.is_sqlite:  # tmp_path/peerdesk.db is the default file; its key typed as a recovery key
        monkeypatch.delenv("PEERDESK_DATABASE_URL", raising=False)
        monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", TEST_KEY.raw_hex)
    else:
        monkeypatch.setenv("PEERDESK_DATABASE_URL", db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PEERDESK_USER", "admin")
    monkeypatch.setenv("PEERDESK_PASSWORD", PASSWORD)
    with db.begin(SYSTEM) as s:
        f.user(s, "admin", (Role.ADMINISTRATOR,))
        for i in range(6):
            f.workplace(s, name=f"Avdelning {i}")
    return db


@pytest.fixture
def peerdesk(capsys):
    """`peerdesk ARGS…` in this process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse: an unknown command or option
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


# ---------------------------------------------------------------- what an intruder with the key does
def drop_triggers(db) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
            conn.execute(text("DROP TRIGGER audit_event_no_truncate ON audit_event"))


def put_triggers_back(db) -> None:
    """A careful intruder leaves the table looking as it did."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for op in ("UPDATE", "DELETE"):
                conn.execute(text(f"CREATE TRIGGER audit_event_no_{op.lower()} BEFORE {op} ON audit_event "
                                  "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"))
        else:
            conn.execute(text("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                              "FOR EACH ROW EXECUTE FUNCTION peerdesk_audit_append_only()"))
            conn.execute(text("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
                              "FOR EACH STATEMENT EXECUTE FUNCTION peerdesk_audit_append_only()"))


def delete_newest(db, n: int) -> None:
    with db.engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM audit_event ORDER BY id DESC LIMIT :n"), {"n": n}).scalars().all()
        conn.execute(text(f"DELETE FROM audit_event WHERE id IN ({', '.join(map(str, ids))})"))


def delete_and_recompute(db, actions: tuple[str, ...]) -> int:
    """Remove every entry of these kinds and recompute the whole chain, so that it holds again."""
    table = m.AuditEvent.__table__
    with db.engine.begin() as conn:
        gone = conn.execute(table.delete().where(table.c.action.in_(actions))).rowcount
        prev = None
        for row in conn.execute(select(table).order_by(table.c.id)).mappings().all():
            h = audit.entry_hash(prev, row["at"], row["user_id"], row["username"], row["action"], row["table_name"],
                                 row["record_id"], row["fields"])
            conn.execute(table.update().where(table.c.id == row["id"]).values(prev_hash=prev, hash=h))
            prev = h
    return gone


def sensitive_history(db) -> None:
    """Reads of notes, exports and failed logins: what someone would want gone."""
    from peerdesk.errors import AccessDenied
    from peerdesk.services.auth import login

    with db.begin(SYSTEM) as s:
        audit.record(s, "read_notes", "supervision_session", 1)
        audit.record(s, "export", "peer_supporter", None, {"rows": 15})
    with pytest.raises(AccessDenied):
        login(db, "admin", "wrong password")
    with db.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning sen")


# ---------------------------------------------------------------- the tests
def test_tail_truncation_is_named_and_has_its_own_exit_code(office, peerdesk):
    code, out, _ = peerdesk("audit", "anchor", "--code")
    assert code == 0 and "Anchor saved" in out
    paper = out.strip().rsplit(" ", 1)[-1]  # the code someone writes down
    assert peerdesk("audit", "verify")[0] == 0
    drop_triggers(office)
    delete_newest(office, 3)
    code, out, err = peerdesk("audit", "verify")
    assert "unbroken" in out  # the chain alone cannot see it
    assert code == EXIT_TRUNCATED == 5, err
    assert "cut off" in err and "no longer protected" in err
    assert len([line for line in err.splitlines() if line.startswith("peerdesk: ")]) == 2  # one readable line each


def test_truncation_is_found_from_the_paper_code_and_a_backup_when_the_anchors_file_is_gone(office, peerdesk, tmp_path):
    from peerdesk.storage.anchors import anchors_file

    code, out, _ = peerdesk("audit", "anchor", "--code")
    paper = out.strip().rsplit(" ", 1)[-1]
    backup = tmp_path / "kept-elsewhere.db"
    assert peerdesk("backup", "-o", str(backup))[0] == 0
    drop_triggers(office)
    delete_newest(office, 4)
    put_triggers_back(office)
    anchors_file(office.target).unlink()  # the intruder removes the anchors beside the database too
    assert peerdesk("audit", "verify", "--code", paper)[0] == EXIT_TRUNCATED
    code, _, err = peerdesk("audit", "verify", "--anchor", str(backup))
    assert code == EXIT_TRUNCATED and "kept-elsewhere.db" in err


def test_rewriting_the_chain_after_deleting_entries_is_found_against_the_anchor(office, peerdesk):
    sensitive_history(office)
    assert peerdesk("audit", "anchor")[0] == 0
    with office.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning efter ankaret")
    drop_triggers(office)
    assert delete_and_recompute(office, ("read_notes", "export", "login_failed")) >= 3
    put_triggers_back(office)
    code, out, err = peerdesk("audit", "verify")
    assert "unbroken" in out  # the recomputed chain holds, the triggers are back …
    assert code == EXIT_REWRITTEN == 6, err  # … but the anchor remembers other hashes
    assert "rewritten" in err and "no longer protected" not in err


def test_dropped_triggers_are_named_by_verify_and_db_info(office, peerdesk):
    assert peerdesk("audit", "anchor")[0] == 0
    drop_triggers(office)
    code, out, err = peerdesk("audit", "verify")
    assert code == EXIT_TRIGGERS == 7 and "no longer protected" in err and "unbroken" in out
    code, out, _ = peerdesk("db", "info")
    assert code == 0 and "WARNING: the protection against change and deletion is missing" in out
    info = json.loads(peerdesk("db", "info", "--json")[1])
    assert info["audit_triggers_missing"] and info["office_id"]


@pytest.mark.parametrize("backend", ["postgresql"])  # PostgreSQL can disable a trigger; SQLite can only drop it
def test_a_disabled_postgresql_trigger_counts_as_missing(office, peerdesk):
    with office.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    code, _, err = peerdesk("audit", "verify")
    assert code == EXIT_TRIGGERS and "audit_event_append_only" in err


def test_an_untouched_trail_verifies_against_every_anchor_and_db_info_says_so(office, peerdesk):
    for _ in range(3):
        assert peerdesk("audit", "anchor")[0] == 0
        with office.begin(SYSTEM) as s:
            f.workplace(s)
    code, out, err = peerdesk("audit", "verify")
    assert code == 0, err
    assert "Compared with" in out and "all match" in out
    assert "anchors match" in peerdesk("db", "info")[1]


def test_a_forged_anchor_line_is_refused(office, peerdesk):
    from peerdesk.storage.anchors import anchors_file

    assert peerdesk("audit", "anchor")[0] == 0
    path = anchors_file(office.target)
    line = json.loads(path.read_text().splitlines()[-1])
    line["count"] += 100
    with open(path, "a") as fh:
        fh.write(json.dumps(line) + "\n")
    code, _, err = peerdesk("audit", "verify")
    assert code == EXIT_ANCHOR_INVALID and "not signed" in err


def test_the_exit_codes_are_the_documented_ones():
    from peerdesk.services import audit_protection as ap

    assert (ap.EXIT_BROKEN, ap.EXIT_TRUNCATED, ap.EXIT_REWRITTEN, ap.EXIT_TRIGGERS, ap.EXIT_ANCHOR_INVALID) == (
        EXIT_BROKEN, EXIT_TRUNCATED, EXIT_REWRITTEN, EXIT_TRIGGERS, EXIT_ANCHOR_INVALID)


def test_anchors_file_is_private(office, peerdesk):
    import os
    import stat

    from peerdesk.storage.anchors import anchors_file

    assert peerdesk("audit", "anchor")[0] == 0
    mode = stat.S_IMODE(os.stat(anchors_file(office.target)).st_mode)
    assert mode == 0o600
