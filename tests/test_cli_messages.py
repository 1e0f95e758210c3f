"""Messages that said the wrong thing: a truncated backup is not a "wrong key", a script without a
passphrase is not "Cancelled", a full disk is not "could not be opened", an unknown instrument is not an
unknown round."""

from __future__ import annotations

import os
import stat
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from peerdesk.errors import StorageError, ValidationError
from peerdesk.services.access import SYSTEM
from peerdesk.storage.backup import backup_sqlite, restore_sqlite
from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("keep", [1_000, 10_000, 4096 * 3 + 17])
def test_a_truncated_backup_is_called_incomplete_not_a_wrong_key(sqlite_db, tmp_path, monkeypatch, keep):
    from tests import factories as f

    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    with sqlite_db.begin(SYSTEM) as s:
        f.workplace(s, name="Kvar")
    whole = backup_sqlite(sqlite_db.target.path, TEST_KEY, tmp_path / "whole.db")
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole.read_bytes()[:keep])
    before = sqlite_db.target.path.read_bytes()
    with pytest.raises(StorageError) as info:
        restore_sqlite(cut, TEST_KEY, sqlite_db.target.path)
    assert info.value.key == "error.backup_incomplete"
    assert "incomplete or damaged" in info.value.message and "key" not in info.value.message
    assert sqlite_db.target.path.read_bytes() == before


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("PEERDESK_DB_PASSPHRASE", "PEERDESK_DATABASE_URL")}
    full.update({"PEERDESK_LANG": "en", **env})
    return subprocess.run([sys.executable, "-m", "peerdesk", *args], capture_output=True, text=True, env=full, cwd=ROOT,
                          stdin=subprocess.DEVNULL, timeout=300)


def test_a_script_without_a_passphrase_is_told_what_to_set(tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "a passphrase", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    assert _run(env, "db", "upgrade").returncode in (0, 1)  # nothing there yet: make the file first
    made = _run(env, "demo")
    assert made.returncode == 0, made.stderr
    del env["PEERDESK_DB_PASSPHRASE"]
    result = _run(env, "db", "info")
    assert result.returncode == 1
    assert result.stderr.strip() == "peerdesk: No passphrase given: set PEERDESK_DB_PASSPHRASE or run the command in a terminal."


def test_an_unknown_instrument_code_is_not_called_an_unknown_round(sqlite_db):
    from peerdesk.services import demo, round_report

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    with sqlite_db.begin(SYSTEM) as s:
        with pytest.raises(ValidationError) as info:
            round_report.deidentified_rows(s, 1, "NO-SUCH")
        assert info.value.message == "There is no instrument with the code NO-SUCH."
        with pytest.raises(ValidationError) as info:
            round_report.deidentified_rows(s, 99, "RKI")
        assert info.value.message == "There is no round 99."


def test_writing_to_a_full_disk_is_said_in_words(tmp_path, monkeypatch, capsys):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    from peerdesk import cli

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", "ab" * 32)
    monkeypatch.setenv("PEERDESK_USER", "admin")
    monkeypatch.setenv("PEERDESK_PASSWORD", "demo")
    assert cli.main(["demo"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "export", "-o", "/dev/full"]) == 1
    assert capsys.readouterr().err.strip() == "peerdesk: The disk is full (/dev). Nothing was saved and no audit entry was written."
    # A device is written as it is, never replaced by a renamed file (as root that would be possible).
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MiB tmpfs: a real file system that fills up. Needs root (CI containers, this machine)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", f"tiny-{uuid.uuid4().hex[:6]}", str(mount)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_opening_on_a_full_disk_says_the_disk_is_full(tiny_disk, tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path / "office"), "PEERDESK_DB_PASSPHRASE": "ab" * 32,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert _run(env, "demo").returncode == 0
    db = tiny_disk / "peerdesk.db"
    shutil.copy(tmp_path / "office" / "peerdesk.db", db)
    fd = os.open(tiny_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill what is left, to the last byte
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    env["PEERDESK_DATA_DIR"] = str(tiny_disk)
    result = _run(env, "list", "people")
    assert result.returncode == 1
    assert result.stderr.strip() == "peerdesk: The disk is full — nothing was saved. Free some space and try again."


def test_six_parallel_wrong_logins_each_get_a_readable_line(pg_databases, pg_template, monkeypatch, capsys):
    """On PostgreSQL the failed-login counter of one account is updated by all six at once; whatever the
    counter's fate (the concurrency work makes it atomic), no attempt ends in "unexpected error"."""
    import threading

    from peerdesk import cli
    from peerdesk.services import demo

    db = pg_databases.open(pg_template)
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    url = db.engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("PEERDESK_DATABASE_URL", url)
    monkeypatch.setenv("PEERDESK_USER", "coordinator")
    monkeypatch.setenv("PEERDESK_PASSWORD", "not the password")
    for _round in range(3):  # the race shows most of the time in one round; three make it near certain
        start = threading.Barrier(6)
        codes = []

        def attempt():
            start.wait()
            codes.append(cli.main(["list", "people"]))

        threads = [threading.Thread(target=attempt) for _ in range(6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        err = capsys.readouterr().err
        assert codes == [1] * 6
        lines = err.strip().splitlines()
        assert len(lines) == 6 and all(line.startswith("peerdesk: ") for line in lines), err
        assert "unexpected" not in err.lower(), err
