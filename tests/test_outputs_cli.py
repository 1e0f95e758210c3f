"""Every file the command line writes is all-or-nothing and audited first (storage/safe_output.py).

Run as a script runs them (subprocesses), against a real full disk (a small tmpfs mounted for the
test, as root), a read-only folder (a read-only tmpfs: root may write anywhere else), a folder that
does not exist, and SIGKILL/SIGTERM at random moments. Afterwards: no output or temporary file with
personal data is left, no form number is reused, and the audit trail's export and print entries
match exactly the files that exist.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.test_cli import ROOT, run

FILLER = "filler"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("office")), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    done = run(env, "demo")
    assert done.returncode == 0, done.stderr
    return env


def _audit(env) -> list[dict]:
    """The stored audit trail without logins (this read is itself one more export entry), newest first."""
    out = run(env, "audit", "export", "--codes")
    assert out.returncode == 0, out.stderr
    return [r for r in csv.DictReader(io.StringIO(out.stdout)) if r["action"] != "login"]


def _count(rows, action, table=None) -> int:
    return sum(1 for r in rows if r["action"] == action and (table is None or r["table_name"] == table))


def _mount(folder: Path, options: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True).returncode == 0


@pytest.fixture
def full_disk(tmp_path):
    folder = tmp_path / "full"
    if not _mount(folder, "size=64k"):
        pytest.skip("mounting a small tmpfs needs root")
    fd = os.open(folder / FILLER, os.O_WRONLY | os.O_CREAT)  # every block taken: the disk is full
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def read_only(tmp_path):
    folder = tmp_path / "readonly"
    if not _mount(folder, "ro,size=64k"):
        pytest.skip("mounting a read-only tmpfs needs root")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


def _commands(folder: Path) -> list[tuple[str, ...]]:
    """Every command that writes a file for a person, aimed at `folder`."""
    return [
        ("export-all", "-o", str(folder / "office.zip")),
        ("consent", "print", "--study", "1", "--copies", "50", "-o", str(folder / "forms.pdf")),
        ("consent", "print", "--study", "1", "--person", "1", "-o", str(folder / "form.pdf")),
        ("report", "round", "1", "-o", str(folder / "round.pdf")),
        ("export-round", "2", "--instrument", "RKI", "-o", str(folder / "round.csv")),
        ("extract", "--person", "1", "-o", str(folder / "extract.pdf")),
        ("extract", "--person", "1", "--json", str(folder / "extract.json")),
        ("audit", "export", "-o", str(folder / "audit.csv")),
        ("supervision", "summary", "--from", "2025-01-01", "--to", "2025-12-31", "-o", str(folder / "summary.pdf")),
    ]


def _assert_nothing_saved(office, folder: Path, expected: str) -> None:
    before = _audit(office)
    for args in _commands(folder):
        result = run(office, *args)
        assert result.returncode == 1, (args, result.stdout)
        assert expected in result.stderr and "unexpected" not in result.stderr.lower(), (args, result.stderr)
        assert "Nothing was saved" in result.stderr, (args, result.stderr)
    if folder.exists():
        assert [p.name for p in folder.iterdir() if p.name != FILLER] == []  # neither the file nor a temporary one
    after = _audit(office)
    # the only new entry is the first _audit's own export: no export, print or report run was recorded
    assert len(after) == len(before) + 1
    assert after[0]["action"] == "export" and after[0]["table_name"] == "audit_event"


def test_a_full_disk_saves_nothing_and_records_nothing(office, full_disk):
    _assert_nothing_saved(office, full_disk, "The disk is full")


def test_a_read_only_folder_saves_nothing_and_records_nothing(office, read_only):
    _assert_nothing_saved(office, read_only, "may not write in the folder")


def test_a_missing_folder_saves_nothing_and_records_nothing(office, tmp_path):
    _assert_nothing_saved(office, tmp_path / "no" / "such", "does not exist")


def test_consent_numbers_after_a_failed_print_are_not_reused_and_the_next_print_records_them(office, tmp_path, full_disk):
    failed = run(office, "consent", "print", "--study", "1", "--copies", "50", "-o", str(full_disk / "forms.pdf"))
    assert failed.returncode == 1 and [p.name for p in full_disk.iterdir()] == [FILLER]
    first = run(office, "consent", "print", "--study", "1", "--copies", "3", "-o", str(tmp_path / "a.pdf"))
    second = run(office, "consent", "print", "--study", "1", "--copies", "3", "-o", str(tmp_path / "b.pdf"))
    assert first.returncode == 0 and second.returncode == 0, (first.stderr, second.stderr)
    numbers = _numbers_in(tmp_path / "a.pdf") + _numbers_in(tmp_path / "b.pdf")
    assert len(numbers) == 6 and len(set(numbers)) == 6


def test_every_output_is_private_to_its_owner(office, tmp_path):
    for args in _commands(tmp_path):
        result = run(office, *args)
        assert result.returncode == 0, (args, result.stderr)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(["office.zip", "forms.pdf", "form.pdf", "round.pdf", "round.csv", "extract.pdf", "extract.json",
                            "audit.csv", "summary.pdf"])
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_export_all_encrypted_opens_only_with_its_password_and_import_all_reads_it(office, tmp_path):
    archive = tmp_path / "kontoret.zip"
    secret = {**office, "PEERDESK_EXPORT_PASSWORD": "rätt lösenord 17"}
    plain = run(office, "export-all", "-o", str(tmp_path / "plain.zip"))
    assert "NOT encrypted" in plain.stdout and "--encrypt" in plain.stdout
    no_password = run(office, "export-all", "--encrypt", "-o", str(archive))
    assert no_password.returncode == 1 and "PEERDESK_EXPORT_PASSWORD" in no_password.stderr and not archive.exists()
    done = run(secret, "export-all", "--encrypt", "-o", str(archive))
    assert done.returncode == 0, done.stderr
    assert "encrypted" in done.stdout and "NOT" not in done.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as zf:  # every entry encrypted (AES: compression method 99)
        assert all(info.flag_bits & 0x1 and info.compress_type == 99 for info in zf.infolist())
        with pytest.raises(RuntimeError):
            zf.read("people.csv" if "people.csv" in zf.namelist() else "peer_supporter.csv")
    if shutil.which("7z"):  # the office opens it with 7-Zip
        listed = subprocess.run(["7z", "t", "-prätt lösenord 17", str(archive)], capture_output=True, text=True)
        assert listed.returncode == 0 and "Everything is Ok" in listed.stdout
        wrong = subprocess.run(["7z", "t", "-pfel", str(archive)], capture_output=True, text=True)
        assert wrong.returncode != 0

    new = tmp_path / "new"
    fresh = {**office, "PEERDESK_DATA_DIR": str(new)}
    for env, message in (({**fresh}, "needs a password"), ({**fresh, "PEERDESK_EXPORT_PASSWORD": "fel"}, "Wrong password")):
        refused = run(env, "import-all", str(archive))
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert not (new / "peerdesk.db").exists() and not list(new.glob("peerdesk.db*"))  # no new, empty database left
    loaded = run({**fresh, "PEERDESK_EXPORT_PASSWORD": "rätt lösenord 17"}, "import-all", str(archive))
    assert loaded.returncode == 0, loaded.stderr
    assert run(fresh, "audit", "verify").returncode == 0


def test_a_refused_import_all_leaves_no_new_database_file(office, tmp_path):
    bad = tmp_path / "trasig.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    wrong_user = tmp_path / "good.zip"
    assert run(office, "export-all", "-o", str(wrong_user)).returncode == 0
    for archive, env_extra in ((bad, {}), (wrong_user, {"PEERDESK_USER": "coordinator"})):
        new = tmp_path / f"new-{archive.stem}"
        refused = run({**office, "PEERDESK_DATA_DIR": str(new), **env_extra}, "import-all", str(archive))
        assert refused.returncode == 1
        assert not list(new.glob("peerdesk.db*")), refused.stderr


# ---------------------------------------------------------------- killed at random moments
def _numbers_in(pdf: Path) -> list[str]:
    import re

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    return sorted(set(re.findall(r"\b1-\d{5}-\d\b", text)))


def _start(env, *args):
    full = dict(os.environ)
    full.pop("PEERDESK_DATABASE_URL", None)
    full.update({"PEERDESK_LANG": "en", **env})
    return subprocess.Popen([sys.executable, "-m", "peerdesk", *args], env=full, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _leftovers(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob(".peerdesk-tmp-*")] + \
        [p for folder in folders for p in folder.rglob("*.part")]


@pytest.mark.parametrize("kind", ["export-all", "consent-print"])
def test_killed_outputs_leave_no_plain_file_no_reused_number_and_an_audit_trail_that_matches(office, tmp_path, kind):
    rng = random.Random(1717 + len(kind))
    out = tmp_path / "out"
    out.mkdir()
    data = Path(office["PEERDESK_DATA_DIR"])
    before = _audit(office)
    outputs = []
    for i in range(7):
        target = out / (f"office-{i}.zip" if kind == "export-all" else f"forms-{i}.pdf")
        args = ("export-all", "-o", str(target)) if kind == "export-all" else \
            ("consent", "print", "--study", "1", "--copies", "40", "-o", str(target))
        proc = _start(office, *args)
        time.sleep(rng.uniform(0.3, 6.0))  # from start-up to past the end: anywhere
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        outputs.append(target)
    # The next command that runs removes what the killed ones left behind.
    after = _audit(office)
    assert _leftovers(out, data) == []
    assert not list((data / "pending-outputs").glob("*.json"))
    existing = [p for p in outputs if p.exists()]
    for p in existing:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    new = after[:len(after) - len(before) - 1]  # this run's entries (the first read's own entry follows them; the second read's is not in its own list)
    if kind == "export-all":
        assert _count(new, "export_all") == len(existing)
        for p in existing:  # a file that exists is complete
            with zipfile.ZipFile(p) as zf:
                assert zf.testzip() is None and "schema.json" in zf.namelist()
        return
    assert _count(new, "print_consent_forms") == len(existing)
    printed = [n for p in existing for n in _numbers_in(p)]
    assert len(printed) == 40 * len(existing) and len(set(printed)) == len(printed)
    again = tmp_path / "again.pdf"
    assert run(office, "consent", "print", "--study", "1", "--copies", "5", "-o", str(again)).returncode == 0
    assert not set(_numbers_in(again)) & set(printed)  # no number on paper is ever issued twice


def test_sigterm_during_export_all_removes_the_half_written_file_and_records_nothing(office, tmp_path):
    rng = random.Random(17)
    data = Path(office["PEERDESK_DATA_DIR"])
    before = _audit(office)
    finished = interrupted = 0
    for i in range(12):  # more rounds only until one was interrupted mid-write
        if i >= 4 and interrupted:
            break
        target = tmp_path / f"office-{i}.zip"
        proc = _start(office, "export-all", "-o", str(target))
        deadline = time.time() + 60
        while not list(tmp_path.glob(".peerdesk-tmp-*")) and proc.poll() is None and time.time() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.4))  # somewhere while the zip is being written (or just after)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
        # The signal may come after the export was complete and recorded, while the command was ending
        # (130) or the interpreter leaving (-15: Python restores the default handler at shutdown); the file
        # is then whole. Either way the file exists exactly when its audit entry does (checked below).
        assert code in (0, 130, -signal.SIGTERM)
        if target.exists():
            assert zipfile.is_zipfile(target)
        else:
            assert code == 130
        finished += target.exists()
        interrupted += not target.exists()
        # removed by the process itself, not only at the next start
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"office-{n}.zip" for n in range(i + 1) if (tmp_path / f"office-{n}.zip").exists())
        assert not list((data / "pending-outputs").glob("*.json"))
    after = _audit(office)
    new = after[:len(after) - len(before) - 1]
    assert _count(new, "export_all") == finished == len(list(tmp_path.glob("office-*.zip")))
    assert interrupted


def test_three_processes_printing_at_once_never_share_a_number(office, tmp_path):
    before = _audit(office)
    full = dict(os.environ)
    full.pop("PEERDESK_DATABASE_URL", None)
    full.update({"PEERDESK_LANG": "en", **office})
    targets = [tmp_path / f"batch-{i}.pdf" for i in range(3)]
    procs = [subprocess.Popen([sys.executable, "-m", "peerdesk", "consent", "print", "--study", "1", "--copies", "5", "-o", str(p)],
                              env=full, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in targets]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for (code, err), target in zip(results, targets):
        assert target.exists() == (code == 0), err
        if code:  # refused: one readable line, nothing left
            assert "unexpected" not in err.lower() and err.count("\n") == 1, err
    assert not _leftovers(tmp_path)
    printed = [n for p in targets if p.exists() for n in _numbers_in(p)]
    assert printed and len(printed) == len(set(printed)) == 5 * sum(p.exists() for p in targets)
    after = _audit(office)
    assert _count(after[:len(after) - len(before) - 1], "print_consent_forms") == sum(p.exists() for p in targets)
