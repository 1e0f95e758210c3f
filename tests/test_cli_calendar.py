"""`peerdesk calendar export` as a real process on the demo office: the supervisor's own planned sessions
with --mine, a period with --from/--to, a file that parses, names nowhere, and an entry in the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("calendar")), "PEERDESK_DB_PASSPHRASE": "cli calendar passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def test_the_supervisor_exports_their_planned_sessions(office, tmp_path):
    out = tmp_path / "mine.ics"
    result = run({**office, "PEERDESK_USER": "supervisor"}, "calendar", "export", "--mine", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "mine.ics" in result.stdout and "events written" in result.stdout
    data = out.read_bytes()
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    statuses = sorted(str(e["status"]) for e in events if dt.datetime.now().date() < _day(e))
    assert statuses.count("CANCELLED") == 1 and statuses.count("CONFIRMED") >= 6  # the demo's planned weeks
    people = run(office, "list", "people", "--json").stdout
    import json

    for p in json.loads(people):
        assert p["last_name"] not in data.decode()
    trail = run(office, "audit", "export", "--action", "export")
    assert any(r["username"] == "supervisor" for r in csv.DictReader(io.StringIO(trail.stdout)))


def _day(e) -> dt.date:
    start = e.decoded("dtstart")
    return start.date() if isinstance(start, dt.datetime) else start


def test_a_period_and_a_bad_one(office, tmp_path):
    out = tmp_path / "none.ics"
    result = run(office, "calendar", "export", "--from", "2001-01-01", "--to", "2001-12-31", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT") == []
    bad = run(office, "calendar", "export", "--from", "2027-01-01", "--to", "2026-01-01", "-o", str(tmp_path / "bad.ics"))
    assert bad.returncode != 0 and "before the start date" in bad.stderr and not (tmp_path / "bad.ics").exists()
    worse = run(office, "calendar", "export", "--from", "not-a-date", "-o", str(tmp_path / "bad.ics"))
    assert worse.returncode != 0 and "Traceback" not in worse.stderr
