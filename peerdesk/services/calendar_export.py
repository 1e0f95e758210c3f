"""The iCalendar export: planned (and held, and cancelled) meetings as one .ics file Outlook and Thunderbird import.

Each area with dated meetings provides a source `(s, actor, *, start, end, mine) -> list[CalendarEvent]`
(services/calendar_events.py); SOURCES lists them, one line each. The file is written with `icalendar`
(RFC 5545: VERSION 2.0, PRODID, CRLF line ends, folded lines, escaped text): timed events in
Europe/Stockholm with its VTIMEZONE, dated-only ones as all-day events, one stable UID per record so a
re-import updates instead of duplicating, and a cancelled meeting as STATUS:CANCELLED (with a higher
SEQUENCE) so the re-import takes it out of the calendar. Planned and held meetings are CONFIRMED: the
supervisor has set the time with the person; a TENTATIVE one would show as "maybe" in Outlook.

A calendar is synced to phones and shared, so the file leaves the office: it carries no full names and
no notes (the sources see to that) and every export is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Occurrence
from peerdesk.services import audit
from peerdesk.services.access import A, C, S, actor_of, operation
from peerdesk.services.calendar_events import OFFICE_TIME_ZONE, CalendarEvent
from peerdesk.services.onboarding import briefing_events
from peerdesk.services.supervision_planning import check_in_events, supervision_events
from peerdesk.services.training import course_day_events

# Every area's source of events; an area adds its own with one line.
SOURCES = (
    supervision_events,
    check_in_events,
    briefing_events,
    course_day_events,
)

PRODID = "-//PeerDesk//PeerDesk calendar export//EN"
STATUS = {Occurrence.PLANNED: "CONFIRMED", Occurrence.HELD: "CONFIRMED", Occurrence.CANCELLED: "CANCELLED"}
DEFAULT_DAYS_BACK = 31  # without --from: the last month …
DEFAULT_DAYS_AHEAD = 183  # … and half a year ahead
MAX_DAYS = 3 * 366  # one export covers at most about three years


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    return today - dt.timedelta(days=DEFAULT_DAYS_BACK), today + dt.timedelta(days=DEFAULT_DAYS_AHEAD)


def default_file_name(today: dt.date | None = None) -> str:
    """A name without personal data: peerdesk-kalender-2026-12.ics."""
    today = today or dt.date.today()
    return f"peerdesk-kalender-{today:%Y-%m}.ics"


@operation(A, C, S)
def calendar_events(s: Session, *, start: dt.date, end: dt.date, mine: bool = False) -> list[CalendarEvent]:
    """The events of every source between two days (both included), by start."""
    if end < start:
        raise ValidationError("error.end_before_start", field="end_date")
    if (end - start).days > MAX_DAYS:
        raise ValidationError("error.period_too_long", field="end_date", max=MAX_DAYS)
    actor = actor_of(s)
    events = [e for source in SOURCES for e in source(s, actor, start=start, end=end, mine=mine)]

    def key(e: CalendarEvent):
        day = e.start if not isinstance(e.start, dt.datetime) else e.start.date()
        return (day, isinstance(e.start, dt.datetime), e.uid)

    return sorted(events, key=key)


def calendar_bytes(events: list[CalendarEvent], name: str, stamp: dt.datetime | None = None) -> bytes:
    """The .ics file's bytes. No Session: what is written is exactly what the events hold."""
    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for e in events:
        ev = Event()
        ev.add("uid", e.uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e.start)
        if e.end is not None:
            ev.add("dtend", e.end)
        ev.add("summary", e.title)
        if e.location:
            ev.add("location", e.location)
        ev.add("status", STATUS[Occurrence(e.status)])
        ev.add("sequence", 1 if e.status == Occurrence.CANCELLED else 0)
        ev.add("transp", "TRANSPARENT" if e.status == Occurrence.CANCELLED else "OPAQUE")
        cal.add_component(ev)
    if any(isinstance(e.start, dt.datetime) for e in events):
        cal.subcomponents.insert(0, _stockholm())
    return cal.to_ical()


def _stockholm():
    """Europe/Stockholm as the EU's rule (last Sunday of March and October), the way Outlook and Thunderbird
    write it themselves: two RRULEs instead of a list of dates that ends in some year."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    tz = Timezone()
    tz.add("tzid", OFFICE_TIME_ZONE)
    for part, name, before, after, start, month in (
        (TimezoneDaylight(), "CEST", 1, 2, dt.datetime(1970, 3, 29, 2, 0), 3),
        (TimezoneStandard(), "CET", 2, 1, dt.datetime(1970, 10, 25, 3, 0), 10),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", dt.timedelta(hours=before))
        part.add("tzoffsetto", dt.timedelta(hours=after))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        tz.add_component(part)
    return tz


@operation(A, C, S)
def export_calendar(s: Session, path: Path | str, *, start: dt.date | None = None, end: dt.date | None = None,
                    mine: bool = False) -> int:
    """Write the calendar file (all or nothing, audited as an export); returns how many events it holds."""
    from peerdesk.i18n import t
    from peerdesk.storage.safe_output import session_output

    d_start, d_end = default_period()
    start, end = start or d_start, end or d_end
    events = calendar_events(s, start=start, end=end, mine=mine)
    data = calendar_bytes(events, t("calendar.name"))
    out = session_output(s, Path(path))
    with out.writing() as temp:
        Path(temp).write_bytes(data)
    audit.record(s, "export", None, None, {"kind": "calendar", "events": len(events), "mine": mine,
                                           "from": start.isoformat(), "to": end.isoformat()})
    return len(events)
