"""The demo's course: the newest cohort ("Kull 3") halfway through its twelve course days.

The days already past are held, with attendance; the rest are planned. Themes follow what the source
report says the course held and what its peer supporters asked more of (recovery and one's own experience
as a tool, role play and difficult conversations, the care system's structure and rules, study visits,
diagnosis-specific approach). Office staff teach most days; a guest from England (the report's first
cohort had visitors "som redan arbetar som peer supporters i England") and two pioneers of the first cohort
teach others. Most participants can still meet the attendance rule; Yusuf Demir has missed three days and
can no longer reach ten of twelve — the coordinator sees it in the grid.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import training
from peerdesk.services.records import create
from peerdesk.services.training import Trainer

# (days from today, theme, trainers: "coordinator"/"supervisor" users, ("pioneer", first, last), ("guest", name, org), place or None)
COURSE = [
    (-20, "Peer support och brukarrörelsen", ["coordinator"], None),
    (-18, "Återhämtning och egen erfarenhet som verktyg", ["coordinator", ("pioneer", "Åsa", "Öberg")], None),
    (-15, "Att dela sin berättelse", [("pioneer", "Åsa", "Öberg")], None),
    (-13, "Erfarenheter från England", [("guest", "Sam Taylor", "Recovery College, Nottingham"), "coordinator"], None),
    (-8, "Vårdens struktur, regelverk och sekretess", ["coordinator"], None),
    (-6, "Bemötande och svåra samtal (rollspel)", ["supervisor", ("pioneer", "Johan", "Karlsson")], None),
    (-1, "Studiebesök i slutenvård", ["coordinator"], "Avdelning 21, psykosvård"),
    (2, "Psykos och beroende: diagnosspecifikt bemötande", ["coordinator"], None),
    (6, "Rollen i personalgruppen och samarbete", [("pioneer", "Johan", "Karlsson"), "coordinator"], None),
    (9, "Bostad Först och kommunal socialpsykiatri", ["coordinator"], None),
    (13, "Gränssättning och egen återhämtning", ["supervisor"], None),
    (16, "Handledning, anställning och avslutning", ["coordinator", "supervisor"], None),
]
# Who missed which held day (index in COURSE): absent or excused. Everyone else of the cohort was there.
MISSED = {("Yusuf", "Demir"): {1: "absent", 4: "excused", 5: "absent"}, ("Hanna", "Östlund"): {3: "excused"}}


def _cohort(s: Session, d) -> m.Cohort:
    """The demo's third cohort, by name; else the newest; created if the demo has fewer than three."""
    cohort = s.scalar(select(m.Cohort).where(m.Cohort.name == "Kull 3"))
    if cohort is None and (s.scalar(select(func.count()).select_from(m.Cohort)) or 0) >= 3:
        cohort = s.scalar(select(m.Cohort).order_by(m.Cohort.start_date.desc(), m.Cohort.id.desc()).limit(1))
    if cohort is None:
        cohort = create(s, m.Cohort, name="Kull 3", start_date=d(-20), end_date=d(25), location="Folkets hus, Norrby")
    return cohort


def load_demo_training(s: Session, today: dt.date) -> None:
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731
    cohort = _cohort(s, d)
    if s.scalar(select(func.count()).select_from(m.CourseDay).where(m.CourseDay.cohort_id == cohort.id)):
        return  # already given its course days
    users = dict(s.execute(select(m.User.username, m.User.id).where(m.User.username.in_(["coordinator", "supervisor"]))).all())
    participants = s.execute(select(m.PeerSupporter.id, m.PeerSupporter.first_name, m.PeerSupporter.last_name)
                             .where(m.PeerSupporter.cohort_id == cohort.id)).all()
    missed = {pid: MISSED.get((first, last), {}) for pid, first, last in participants}
    for i, (offset, theme, who, place) in enumerate(COURSE):
        day_date = d(offset)
        if not (cohort.start_date <= day_date and (cohort.end_date is None or day_date <= cohort.end_date)):
            continue
        day = training.add_day(s, cohort.id, day_date, theme, place)
        trainers = []
        for w in who:
            if isinstance(w, str):
                if w in users:
                    trainers.append(Trainer(user_id=users[w]))
            elif w[0] == "guest":
                trainers.append(Trainer(guest_name=w[1], guest_organisation=w[2]))
            else:
                pid = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == w[1], m.PeerSupporter.last_name == w[2],
                                                                m.PeerSupporter.certified_on.is_not(None),
                                                                m.PeerSupporter.cohort_id != cohort.id))
                if pid is not None:
                    trainers.append(Trainer(peer_supporter_id=pid))
        if trainers:
            training.set_trainers(s, day.id, trainers)
        if day_date <= today:
            present = [pid for pid in missed if i not in missed[pid]]
            excused = [pid for pid in missed if missed[pid].get(i) == "excused"]
            training.record_attendance(s, day.id, present, excused, today=today)
