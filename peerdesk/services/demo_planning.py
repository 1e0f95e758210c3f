"""The demo's planned dates: the supervisor's sessions in the coming weeks (one of them cancelled) and a
planned check-in meeting — what the month view shows in italics and what "Export to calendar" writes.

Planned sessions lie in the future and count nowhere, so the demo's alerts stay exactly as they are
(tests/test_demo_story.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import supervision_planning as planning

PLACE = "Kontoret, Järntorget 3"


def _weekday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)


def load(s: Session, today: dt.date, supervisor_id: int) -> None:
    people = s.scalars(select(m.PeerSupporter.id).where(m.PeerSupporter.supervisor_id == supervisor_id,
                                                         m.PeerSupporter.left_on.is_(None))
                       .order_by(m.PeerSupporter.last_name, m.PeerSupporter.first_name).limit(3)).all()
    for k, pid in enumerate(people):
        for week in (1, 3):
            day = _weekday(today + dt.timedelta(days=7 * week - 4 + k))
            planning.plan_session(s, day, [pid], starts_at=f"{10 + k}:00", location=PLACE, supervisor_id=supervisor_id)
    if people:
        gone = planning.plan_session(s, _weekday(today + dt.timedelta(days=9)), [people[0]], starts_at="15:00", location=PLACE,
                                     supervisor_id=supervisor_id)
        planning.cancel_session(s, gone.id, gone.version)
    planning.plan_checkin(s, _weekday(today + dt.timedelta(days=14)), "Avstämningsmöte", starts_at="13:00", location=PLACE,
                          led_by_id=supervisor_id)
