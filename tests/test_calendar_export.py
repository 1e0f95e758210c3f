"""The iCalendar export, read back with `icalendar`: one event per meeting with a stable UID, cancelled ones
STATUS:CANCELLED, timed events in Europe/Stockholm with its VTIMEZONE, all-day when only the day is known,
CRLF and folded lines — and no peer supporter's last or full name and no notes anywhere in the bytes."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import calendar_export, settings, supervision
from peerdesk.services import supervision_planning as planning
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from tests import factories as f

NOTE = "HEMLIG-ANTECKNING om nattpasset"
START, END = dt.date(2026, 11, 1), dt.date(2027, 1, 31)


def actor(u) -> Actor:
    return Actor(u.id, u.username, frozenset(r.role for r in u.roles))


@pytest.fixture
def office(db):
    with db.begin(SYSTEM) as s:
        users = {"sup1": f.user(s, "sup1"), "sup2": f.user(s, "sup2"), "coord": f.user(s, "coord", (m.Role.COORDINATOR,))}
        ward = f.workplace(s)
        kim = f.peer(s, "Kim", "Efternamnsson", supervisor_id=users["sup1"].id, status="placed")
        ali = f.peer(s, "Ali", "Bergqvistsson", supervisor_id=users["sup1"].id, status="placed")
        robin = f.peer(s, "Robin", "Annansson", supervisor_id=users["sup2"].id, status="placed")
        for p in (kim, ali, robin):
            create(s, m.Placement, peer_supporter_id=p.id, workplace_id=ward.id, start_date=dt.date(2026, 1, 5))
        supervision.ensure_default_topics(s)
        topic = s.scalars(select(m.SupervisionTopic)).first()
        held = supervision.log_session(s, dt.date(2026, 11, 20), [kim.id], supervisor_id=users["sup1"].id, notes=NOTE,
                                       topic_ids=[topic.id])
    with db.begin(actor(users["sup1"])) as s:
        timed = planning.plan_session(s, "2026-12-03", [kim.id], starts_at="10:00", location="Kontoret, rum 3")
        group = planning.plan_session(s, "2026-12-10", [kim.id, ali.id], form="group", location="Stora rummet")
        gone = planning.plan_session(s, "2026-12-17", [ali.id], starts_at="13:15")
        planning.cancel_session(s, gone.id, gone.version)
        meeting = planning.plan_checkin(s, "2026-12-18", "Avstämning med Kim Efternamnsson", starts_at="14:00", location="Kontoret")
    with db.begin(actor(users["sup2"])) as s:
        other = planning.plan_session(s, "2026-12-04", [robin.id], starts_at="09:00")
    return {"users": {k: actor(u) for k, u in users.items()}, "held": held.id, "timed": timed.id, "group": group.id,
            "gone": gone.id, "meeting": meeting.id, "other": other.id, "topic": topic.name_sv}


def export(db, who, path, mine=False) -> bytes:
    with db.begin(who) as s:
        calendar_export.export_calendar(s, path, start=START, end=END, mine=mine)
    return path.read_bytes()


def events(data: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_the_file_reads_back_with_every_meeting_and_its_status(db, office, tmp_path):
    data = export(db, office["users"]["sup1"], tmp_path / "k.ics")
    got = events(data)
    assert set(got) == {f"supervision-{office[k]}@peerdesk" for k in ("held", "timed", "group", "gone", "other")} | {
        f"check_in-{office['meeting']}@peerdesk"}
    timed = got[f"supervision-{office['timed']}@peerdesk"]
    start = timed.decoded("dtstart")
    assert (start.replace(tzinfo=None), str(start.tzinfo), timed.decoded("dtend") - start) == (
        dt.datetime(2026, 12, 3, 10, 0), "Europe/Stockholm", dt.timedelta(minutes=60))
    assert timed["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert str(timed["location"]) == "Kontoret, rum 3" and str(timed["status"]) == "CONFIRMED"
    group = got[f"supervision-{office['group']}@peerdesk"]
    assert group.decoded("dtstart") == dt.date(2026, 12, 10) and group.decoded("dtend") == dt.date(2026, 12, 11)  # all day
    assert str(group["summary"]).startswith("Group supervision: S-") and str(group["summary"]).count("S-") == 2
    gone = got[f"supervision-{office['gone']}@peerdesk"]
    assert str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) > int(timed["sequence"])
    meeting = got[f"check_in-{office['meeting']}@peerdesk"]
    assert (str(meeting["summary"]), str(meeting["location"]), str(meeting["status"])) == ("Check-in meeting", "Kontoret", "CONFIRMED")
    for e in got.values():
        assert e.get("dtstamp") is not None


def test_the_bytes_are_what_outlook_and_thunderbird_read(db, office, tmp_path):
    data = export(db, office["users"]["sup1"], tmp_path / "k.ics")
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//PeerDesk//")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends in CRLF, no bare LF or CR
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # long lines are folded
    cal = icalendar.Calendar.from_ical(data)
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["tzid"]) == "Europe/Stockholm"
    assert {c.name for c in tz.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in data and b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in data


def test_uids_are_stable_across_two_exports(db, office, tmp_path):
    first = events(export(db, office["users"]["sup1"], tmp_path / "a.ics"))
    second = events(export(db, office["users"]["sup1"], tmp_path / "b.ics"))
    assert set(first) == set(second)
    assert {u: str(e["summary"]) for u, e in first.items()} == {u: str(e["summary"]) for u, e in second.items()}


def _unfolded(data: bytes) -> str:
    return data.decode().replace("\r\n ", "").replace("\r\n\t", "")


def test_no_last_name_full_name_or_notes_anywhere_in_the_file(db, office, tmp_path):
    """The attack: a calendar leaves the office; nothing in any property may name a person or say what was said."""
    data = export(db, office["users"]["sup1"], tmp_path / "k.ics")
    text = _unfolded(data).casefold()
    for secret in ("Efternamnsson", "Bergqvistsson", "Annansson", "Kim", "Ali ", "Robin", NOTE, "nattpasset", office["topic"],
                   "Avstämning med"):
        assert secret.casefold() not in text, secret
    assert not re.search(r"^(DESCRIPTION|ATTENDEE|ORGANIZER|CONTACT|COMMENT)[;:]", _unfolded(data), re.M)
    codes = set(re.findall(r"S-[A-Z2-9]{5}", _unfolded(data)))
    assert len(codes) == 3  # Kim, Ali, Robin: one stable code each


def test_first_names_by_setting_never_last_names(db, office, tmp_path):
    with db.begin(SYSTEM) as s:
        settings.set_setting(s, "calendar.person_label", "first_name")
    text = _unfolded(export(db, office["users"]["sup1"], tmp_path / "k.ics"))
    got = events(text.encode())
    assert str(got[f"supervision-{office['timed']}@peerdesk"]["summary"]) == "Supervision: Kim"
    assert str(got[f"supervision-{office['group']}@peerdesk"]["summary"]) == "Group supervision: Ali, Kim"
    for secret in ("Efternamnsson", "Bergqvistsson", "Annansson", NOTE):
        assert secret not in text
    from peerdesk.errors import ValidationError

    with pytest.raises(ValidationError), db.begin(SYSTEM) as s:
        settings.set_setting(s, "calendar.person_label", "full_name")


def test_mine_is_the_meetings_the_user_holds_and_the_export_is_audited(db, office, tmp_path):
    mine = events(export(db, office["users"]["sup2"], tmp_path / "m.ics", mine=True))
    assert set(mine) == {f"supervision-{office['other']}@peerdesk"}
    with db.session(SYSTEM) as s:
        rows = s.execute(select(m.AuditEvent.action, m.AuditEvent.username, m.AuditEvent.fields)
                         .where(m.AuditEvent.action == "export")).all()
    assert [(a, u) for a, u, _ in rows] == [("export", "sup2")]
    assert '"kind": "calendar"' in rows[0][2] and '"events": 1' in rows[0][2] and '"mine": true' in rows[0][2]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_coordinator_exports_the_office_calendar_and_a_bad_period_is_refused(db, office, tmp_path):
    from peerdesk.errors import ValidationError

    got = events(export(db, office["users"]["coord"], tmp_path / "c.ics"))
    assert len(got) == 6
    with pytest.raises(ValidationError) as info, db.begin(office["users"]["coord"]) as s:
        calendar_export.export_calendar(s, tmp_path / "x.ics", start=END, end=START)
    assert info.value.key == "error.end_before_start" and not (tmp_path / "x.ics").exists()
