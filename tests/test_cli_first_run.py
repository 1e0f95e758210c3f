"""The command line's first start on a working keyring, and its manners when the reader of its output leaves.

`peerdesk demo` on a fresh data directory creates the database with a random key in the keyring and
shows the recovery key once, on stderr: at a terminal it asks for the key's last group, in a script it
only prints it. A second command opens the database from the keyring, no passphrase anywhere. The same
runs against the real Secret Service (gnome-keyring) where it is installed, and must in CI.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.file_keyring import NO_KEYRING, read_items
from tests.test_cli import ROOT, run

KEY_LINE = re.compile(r"^\s+((?:[0-9a-f]{8}\s+){3}[0-9a-f]{8})\s*$", re.M)


def shown_key(stderr: str) -> str:
    """The recovery key as printed: two lines of four groups."""
    lines = KEY_LINE.findall(stderr)
    assert len(lines) == 2, stderr
    return "".join("".join(line.split()) for line in lines)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A data directory with no database, a working (file) keyring and no passphrase in the environment."""
    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)
    return {"PEERDESK_DATA_DIR": str(tmp_path / "data"), "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}


def test_demo_on_a_keyring_shows_the_recovery_key_and_the_next_command_needs_no_passphrase(fresh, tmp_path):
    sheet = tmp_path / "recovery.pdf"
    result = run(fresh, "demo", "--recovery-sheet", str(sheet), input="")  # stdin is no terminal: a script
    assert result.returncode == 0, result.stderr
    key = shown_key(result.stderr)
    stored = read_items(fresh)
    assert list(stored.values()) == [key]  # the key shown is the key in the keyring
    assert "RECOVERY KEY" in result.stderr and "shown only now" in result.stderr
    assert "Type the key's last group" not in result.stderr  # nobody to ask
    assert key[:8] not in result.stdout  # stdout (what scripts keep) never holds it
    assert "Demo data loaded" in result.stdout

    info = run(fresh, "db", "info", "--json", input="")
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["key_source"] == "keyring"
    people = run(fresh, "list", "people", "--json", input="")
    assert people.returncode == 0 and len(json.loads(people.stdout)) == 17
    assert "RECOVERY" not in info.stderr + people.stderr  # shown once, at creation only
    again = run(fresh, "demo", "--recovery-sheet", str(tmp_path / "again.pdf"), input="")
    assert again.returncode == 0 and "No recovery sheet" in again.stderr and not (tmp_path / "again.pdf").exists()

    from pypdf import PdfReader

    pdf = PdfReader(str(sheet))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and "PeerDesk recovery key" in text
    assert "".join(g for line in text.splitlines() for g in line.split() if re.fullmatch(r"[0-9a-f]{8}", g)) == key
    assert "peerdesk.db" in text.replace("\n", "")
    crash_log = Path(fresh["PEERDESK_DATA_DIR"]) / "logs" / "errors.log"
    assert not crash_log.exists() or key not in crash_log.read_text()


def test_recovery_key_printed_with_a_swedish_sheet(fresh, tmp_path):
    sheet = tmp_path / "nyckel.pdf"
    result = run({**fresh, "PEERDESK_LANG": "sv"}, "demo", "--recovery-sheet", str(sheet), input="")
    assert result.returncode == 0, result.stderr
    assert "ÅTERSTÄLLNINGSNYCKELN" in result.stderr
    from pypdf import PdfReader

    text = PdfReader(str(sheet)).pages[0].extract_text()
    assert "Återställningsnyckel för PeerDesk" in text and "Lås in bladet" in text
    assert shown_key(result.stderr)[:8] in text


def _read_until(fd: int, pattern: str, seconds: float = 120) -> str:
    out = b""
    end = time.monotonic() + seconds
    while pattern.encode() not in out:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            raise AssertionError(f"waited for {pattern!r}, got: {out.decode(errors='replace')}")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError(f"ended before {pattern!r}: {out.decode(errors='replace')}")
        out += chunk
    return out.decode()


def test_demo_at_a_terminal_asks_for_the_last_group_until_it_is_right(fresh):
    env = {**os.environ, "PEERDESK_LANG": "en", **fresh}
    env.pop("PEERDESK_DATABASE_URL", None)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "peerdesk", "demo"], stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    os.close(slave)
    try:
        err = _read_until(proc.stderr.fileno(), "to confirm you have written it down: ")
        key = shown_key(err)
        os.write(master, b"deadbeef\n")
        err += _read_until(proc.stderr.fileno(), "to confirm you have written it down: ")
        assert "not the key's last group" in err
        os.write(master, (key[-8:].upper() + "\n").encode())
        out, rest = proc.communicate(timeout=300)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "Thank you. Keep the key safe." in rest.decode()
    assert b"Demo data loaded" in out


def test_demo_without_a_keyring_makes_a_passphrase_database_and_shows_no_recovery_key(fresh):
    env = {**fresh, **NO_KEYRING, "PEERDESK_DB_PASSPHRASE": "a script's passphrase"}
    result = run(env, "demo", input="")
    assert result.returncode == 0, result.stderr
    assert "RECOVERY" not in result.stderr and not read_items(fresh)
    assert json.loads(run(env, "db", "info", "--json", input="").stdout)["key_source"] == "passphrase"
    no_passphrase = run({**fresh, **NO_KEYRING}, "db", "info", input="")
    assert no_passphrase.returncode == 1 and "passphrase" in no_passphrase.stderr


def test_a_named_passphrase_wins_over_the_keyring_for_a_new_database(fresh):
    """A script that sets PEERDESK_DB_PASSPHRASE gets a database that passphrase opens on any machine."""
    result = run({**fresh, "PEERDESK_DB_PASSPHRASE": "chosen by the script"}, "demo", input="")
    assert result.returncode == 0, result.stderr
    assert not read_items(fresh) and "RECOVERY" not in result.stderr
    moved = run({**fresh, **NO_KEYRING, "PEERDESK_DB_PASSPHRASE": "chosen by the script"}, "db", "info", "--json", input="")
    assert moved.returncode == 0 and json.loads(moved.stdout)["key_source"] == "passphrase"


# ---------------------------------------------------------------- the real Secret Service
FIRST_START = (
    "echo -n test-login | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
    "'{python}' -m peerdesk demo </dev/null 2>'{tmp}/demo.err' >'{tmp}/demo.out' && "
    "'{python}' -m peerdesk db info --json </dev/null && "
    "'{python}' -m peerdesk list people --json </dev/null >'{tmp}/people.json' && "
    "secret-tool search --all service PeerDesk 2>&1 | grep -c 'attribute.username = sqlite:'"
)


def test_first_start_on_the_real_os_keyring(tmp_path):
    """`peerdesk demo` on a fresh data directory under gnome-keyring, then commands that open it from there."""
    if not all(shutil.which(x) for x in ("dbus-run-session", "gnome-keyring-daemon", "secret-tool")):
        if os.environ.get("PEERDESK_REQUIRE_KEYRING") == "1":
            pytest.fail("gnome-keyring, dbus and libsecret-tools are required here")
        pytest.skip("gnome-keyring / dbus-run-session / secret-tool not installed")
    drop = ("PYTHON_KEYRING_BACKEND", "PEERDESK_DB_PASSPHRASE", "DBUS_SESSION_BUS_ADDRESS", "PEERDESK_DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(HOME=str(tmp_path), PEERDESK_DATA_DIR=str(tmp_path / "data"), PEERDESK_LANG="en",
               PEERDESK_USER="admin", PEERDESK_PASSWORD="demo", XDG_DATA_HOME=str(tmp_path / "xdg"))
    inner = FIRST_START.format(python=sys.executable, tmp=tmp_path)
    result = subprocess.run(["dbus-run-session", "--", "sh", "-c", inner], capture_output=True, text=True,
                            timeout=300, env=env, cwd=ROOT)
    assert result.returncode == 0, (result.stderr[-2000:], (tmp_path / "demo.err").read_text()[-2000:])
    lines = result.stdout.strip().splitlines()
    assert json.loads(lines[0])["key_source"] == "keyring"
    assert lines[-1] == "1"  # one item in the Secret Service, for this database file
    assert len(json.loads((tmp_path / "people.json").read_text())) == 17
    demo_err = (tmp_path / "demo.err").read_text()
    assert len(shown_key(demo_err)) == 64 and "RECOVERY KEY" in demo_err
    assert not (tmp_path / "data" / "peerdesk.db").read_bytes().startswith(b"SQLite format 3")


# ---------------------------------------------------------------- item 11: a closed output pipe
def test_a_closed_output_pipe_ends_the_command_quietly(fresh):
    """`peerdesk list … | head -1`: the reader takes one line and leaves; the command ends without a word."""
    assert run(fresh, "demo", input="").returncode == 0
    env = {**os.environ, "PEERDESK_LANG": "en", **fresh}
    env.pop("PEERDESK_DATABASE_URL", None)
    read_end, write_end = os.pipe()
    # The smallest pipe Linux allows (one page): the command's output (~13 kB) cannot all fit before we leave,
    # so it is still writing when the pipe closes — every time, not by the luck of timing.
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([sys.executable, "-m", "peerdesk", "list", "sessions"], stdin=subprocess.DEVNULL,
                            stdout=write_end, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        first = reader.readline()
    stderr = proc.communicate(timeout=300)[1].decode()
    assert first.startswith(b"id ")
    assert stderr == ""  # no "unexpected error", no traceback, no "Exception ignored"
    assert proc.returncode == 141  # as a shell reports a command ended by SIGPIPE
