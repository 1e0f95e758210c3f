"""The supervision cadence, written once: weekly during a placement's intro phase, monthly after.

Used by the "supervision overdue" alert and by the supervisor's overview, so both always
agree on when a peer supporter is next due. Pure functions over dates, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_SOON_DAYS = 7  # "due soon" on the overview: within a quarter of the interval, at most a week


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


def status(due: dt.date, today: dt.date, interval_days: int) -> str:
    """overdue / due_soon / on_track — the words the overview shows. "Due soon" is relative to the
    interval (weekly: the day before; monthly: the last week), or a weekly cadence would always be "soon"."""
    if today > due:
        return "overdue"
    if (due - today).days <= max(1, min(DUE_SOON_DAYS, interval_days // 4)):
        return "due_soon"
    return "on_track"


def overdue_spans(
    cadence: Cadence, placement_start: dt.date, placement_end: dt.date | None, intro_end: dt.date | None,
    session_dates: list[dt.date], until: dt.date,
) -> list[tuple[dt.date, dt.date]]:
    """The days a placement was overdue, as (first, last) spans up to `until`.

    The same rule as `next_due`, replayed over the session history: on a given day the
    placement is overdue exactly when the alert would have said so on that day."""
    stop = min(placement_end, until) if placement_end else until
    dates = sorted(set(session_dates))
    last = max((d for d in dates if d <= placement_start), default=None)
    later = [d for d in dates if d > placement_start]
    spans: list[tuple[dt.date, dt.date]] = []
    day = dt.timedelta(days=1)
    for nxt in [*later, None]:
        due = next_due(cadence, placement_start, intro_end, last).due
        if nxt is None or nxt > stop:
            if stop > due:
                spans.append((due + day, stop))
            break
        if nxt - day > due:
            spans.append((due + day, nxt - day))
        last = nxt
    return spans


def merge_spans(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """Overlapping or touching spans as one (a person with two placements is overdue if either is)."""
    out: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + dt.timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def not_overdue_since(cadence: Cadence, today: dt.date) -> dt.date:
    """A placement whose base (latest session, or start) is on or after this day cannot be overdue on
    `today`, whatever phase it is in: lets a query skip those without restating the rule."""
    return today - dt.timedelta(days=min(cadence.intro_interval_days, cadence.interval_days))
