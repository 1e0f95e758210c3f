"""The supervision cadence, written once: weekly during a placement's intro phase, monthly after.

Used by the "supervision overdue" alert and by the supervisor's overview, so both always
agree on when a peer supporter is next due. Pure functions over dates, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_SOON_DAYS = 7  # "due soon" on the overview: due within a week


@dataclass(frozen=True)
class Cadence:
    intro_days: int  # length of the intro phase when a placement does not set its own intro_end
    intro_interval_days: int  # e.g. weekly
    interval_days: int  # e.g. monthly

    @classmethod
    def from_thresholds(cls, th) -> "Cadence":
        return cls(th.supervision_intro_days, th.supervision_intro_interval_days, th.supervision_interval_days)


@dataclass(frozen=True)
class Due:
    due: dt.date  # the next session is due on or before this date
    interval_days: int  # the interval that applied (intro or regular)
    base: dt.date  # the latest session, or the placement start if never supervised


def next_due(cadence: Cadence, placement_start: dt.date, intro_end: dt.date | None, last_session: dt.date | None) -> Due:
    """When the next session is due for one placement; never-supervised peers count from the start."""
    base = max(last_session, placement_start) if last_session else placement_start
    intro_end = intro_end or (placement_start + dt.timedelta(days=cadence.intro_days))
    interval = cadence.intro_interval_days if base < intro_end else cadence.interval_days
    return Due(base + dt.timedelta(days=interval), interval, base)


def status(due: dt.date, today: dt.date) -> str:
    """overdue / due_soon / on_track — the words the overview shows."""
    if today > due:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "on_track"


def not_overdue_since(cadence: Cadence, today: dt.date) -> dt.date:
    """A placement whose base (latest session, or start) is on or after this day cannot be overdue on
    `today`, whatever phase it is in: lets a query skip those without restating the rule."""
    return today - dt.timedelta(days=min(cadence.intro_interval_days, cadence.interval_days))
