"""Planned dates as calendar events: the one shape every area hands to the iCalendar export.

Briefings, supervision sessions, check-in meetings and course days each provide a source function
`(s, actor, *, start, end, mine) -> Iterable[CalendarEvent]`; the export (services/calendar_export.py)
lists the sources and writes the file. An event carries no peer supporter's full name and no notes:
only its kind, a code or first name (by setting) and the place — a calendar is synced to phones and
shared with colleagues, so it is treated as leaving the office.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk.models.base import Occurrence

OFFICE_TIME_ZONE = "Europe/Stockholm"  # timed events are written in it, with its VTIMEZONE


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across exports ("briefing-12@peerdesk"), so a re-import updates, not duplicates
    kind: str  # "briefing", "supervision", "check_in", "course_day"
    start: dt.date | dt.datetime  # a date is an all-day event
    end: dt.date | dt.datetime | None
    title: str  # already translated; never a full name (see module doc)
    location: str | None
    status: Occurrence
    organiser_id: int | None = None  # the office user who holds it (for --mine)
