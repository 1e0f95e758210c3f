"""A process for the concurrency tests (tests/test_concurrency.py): `python -m tests.concurrency_worker ROLE …`.

Each role imports everything first, then prints "ready" and waits for "go" on stdin, so that processes
started one after another on a busy machine really meet at the database. Results are one JSON line on
stdout. The database is the configured one (PEERDESK_DATA_DIR / PEERDESK_DATABASE_URL, with the key from
PEERDESK_DB_PASSPHRASE, the user from PEERDESK_USER / PEERDESK_PASSWORD), opened as the CLI opens it.

Roles:
  cli ARGV…                 run `peerdesk ARGV…` once (the CLI's own main, in this process)
  hold                      hold a write transaction (an app save) until a line arrives on stdin
  reader SECONDS            run `peerdesk list people --json` and `peerdesk alerts --json` in turn, each
                            opening the database and logging in as the command does, for SECONDS
  writer MODE SECONDS PEER  log supervision sessions for PEER as the window does (MODE "window": one
                            open database and login; "script": open and log in for every session)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import os
import sys
import time


def _wait_for_go() -> None:
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit(2)


def _cli(argv: list[str]) -> dict:
    """One CLI command, as `peerdesk ARGV` would run it: exit code, the message line, and the output."""
    from peerdesk.cli import main

    out, err = io.StringIO(), io.StringIO()
    started = time.time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    gc.collect()  # the command's engine and its connections, as when a process ends
    return {"argv": argv, "rc": rc, "stderr": err.getvalue().strip(), "stdout": out.getvalue(),
            "started": started, "ended": time.time()}


def _import_what_commands_need() -> None:
    """The modules a command imports on first use, loaded before "ready": the test measures the database
    work of processes meeting there, not Python's first imports on a busy machine."""
    import keyring  # noqa: F401

    import peerdesk.cli  # noqa: F401
    from peerdesk.services import alerts, audit, auth, listing  # noqa: F401
    from peerdesk.storage import migrate, opening  # noqa: F401

    keyring.get_keyring()


def role_cli(argv: list[str]) -> None:
    _import_what_commands_need()

    _wait_for_go()
    print(json.dumps(_cli(argv)), flush=True)


def role_hold() -> None:
    from peerdesk import models as m
    from peerdesk.services.access import SYSTEM
    from peerdesk.services.records import create
    from peerdesk.storage.opening import open_current

    db = open_current(allow_upgrade=False).db
    _wait_for_go()
    with db.begin(SYSTEM) as s:
        create(s, m.Cohort, name="Held", start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 2, 1))
        s.flush()
        print("held", flush=True)
        sys.stdin.readline()  # the test says when the save ends
    print(json.dumps({"released": time.time()}), flush=True)
    db.dispose()


def role_reader(seconds: float) -> None:
    _import_what_commands_need()
    _wait_for_go()
    until = time.time() + seconds
    calls = []
    first = int(os.environ.get("PEERDESK_TEST_READER", "0")) % 2  # half the readers start with alerts
    while time.time() < until:
        argv = ["list", "people", "--json"] if (len(calls) + first) % 2 == 0 else ["alerts", "--json"]
        result = _cli(argv)
        if result["rc"] == 0:  # what a script would check: the output is there and whole
            parsed = json.loads(result["stdout"])
            result["rows"] = len(parsed) if isinstance(parsed, list) else len(parsed["alerts"])
        del result["stdout"]
        calls.append(result)
    print(json.dumps(calls), flush=True)


def role_writer(mode: str, seconds: float, peer_id: int) -> None:
    from peerdesk.errors import PeerDeskError
    from peerdesk.services import supervision
    from peerdesk.services.auth import login
    from peerdesk.storage.opening import open_current

    def connect():
        db = open_current(allow_upgrade=False).db
        return db, login(db, os.environ["PEERDESK_USER"], os.environ["PEERDESK_PASSWORD"])

    db, actor = connect()
    if mode == "script":
        db.dispose()
        db = None
    _wait_for_go()
    until = time.time() + seconds
    calls = []
    while time.time() < until:
        started = time.time()
        try:
            if mode == "script":
                db, actor = connect()
            # What the window's ops.mutate does with a save: one unit of work, retried whole if busy
            # (on a PeerDesk before Database.write: one plain unit of work, as the window did then).
            work = lambda s: supervision.log_session(s, dt.date.today(), [peer_id], duration_minutes=45).id  # noqa: E731
            if hasattr(db, "write"):
                new_id = db.write(work, actor)
            else:
                with db.begin(actor) as s:
                    new_id = work(s)
            calls.append({"ok": True, "id": new_id, "started": started, "ended": time.time()})
        except PeerDeskError as exc:  # a readable refusal: the person would see this line
            calls.append({"ok": False, "error": type(exc).__name__, "message": exc.message, "started": started, "ended": time.time()})
        except Exception as exc:  # noqa: BLE001  what the test must never see
            calls.append({"ok": False, "error": type(exc).__name__, "message": "unexpected", "started": started, "ended": time.time()})
        finally:
            if mode == "script" and db is not None:
                db.dispose()
    if db is not None:
        db.dispose()
    print(json.dumps(calls), flush=True)


def main(args: list[str]) -> None:
    role, rest = args[0], args[1:]
    if role == "cli":
        role_cli(rest)
    elif role == "hold":
        role_hold()
    elif role == "reader":
        role_reader(float(rest[0]))
    elif role == "writer":
        role_writer(rest[0], float(rest[1]), int(rest[2]))
    else:
        sys.exit(f"unknown role {role}")


if __name__ == "__main__":
    main(sys.argv[1:])
