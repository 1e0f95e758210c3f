"""The demo's recruitment: six applicants to the course, from various channels at various stages —
two of them accepted into the third cohort (so they are peer supporters in training there), one
interviewed and waiting for the decision, one whose written story has come, one asked to apply again
later, one declined. All names are invented; dates are relative to the day the demo is loaded.

The third cohort is found by its name, THIRD_COHORT_NAME (the training part adds its course days to it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import recruitment
from peerdesk.services.records import create

THIRD_COHORT_NAME = "Kull 3"

# (first, last, source, applied, story, interviewed, decision, reason, decided, interviewers) — days from today;
# interviewers: demo usernames and/or guests' names. A free-text name is linked to nobody in the register (an
# erasure of a person does not find it there), so the demo names guests from outside it.
APPLICANTS = (
    ("Tilde", "Bergman", "advertisement", -95, -88, -60, "accepted", "Stark berättelse om egen återhämtning", -40,
     ("coordinator", "Pia Berg (brukarföreningen)")),
    ("Omar", "Saleh", "earlier_participant", -92, -85, -58, "accepted", "Rekommenderad av en peer supporter i kull 2", -40,
     ("coordinator", "Leo Ahmadi (gästutbildare)")),
    ("Lova", "Ekberg", "care_referral", -30, -24, -4, None, None, None, ("coordinator", "admin")),
    ("Vera", "Holmqvist", "user_organisation", -14, -9, None, None, None, None, ()),
    ("Tobias", "Rask", "advertisement", -90, -80, -57, "not_now", "Vill vänta tills hen avslutat sina studier; söker gärna till nästa kull",
     -40, ("coordinator",)),
    ("Selma", "Nyberg", "other_channel", -88, -86, -55, "declined", "Inte redo att arbeta heltid på en vårdavdelning ännu", -40,
     ("coordinator", "Pia Berg (brukarföreningen)")),
)


def _third_cohort(s: Session, today: dt.date) -> m.Cohort:
    cohort = s.scalar(select(m.Cohort).where(m.Cohort.name == THIRD_COHORT_NAME))
    if cohort is None:  # a demo loaded without it: a cohort running now
        cohort = create(s, m.Cohort, name=THIRD_COHORT_NAME, start_date=today - dt.timedelta(days=20),
                        end_date=today + dt.timedelta(days=25), location="Folkets hus, Norrby")
    return cohort


def load_demo_recruitment(s: Session, today: dt.date) -> None:
    d = lambda days: None if days is None else today + dt.timedelta(days=days)  # noqa: E731
    cohort = _third_cohort(s, today)
    users = {u.username: u.id for u in s.scalars(select(m.User))}
    for first, last, source, applied, story, interviewed, decision, reason, decided, interviewers in APPLICANTS:
        aid = recruitment.add_applicant(
            s, first_name=first, last_name=last, source=source, applied_on=d(applied), story_received_on=d(story),
            email=f"{first.lower()}.{last.lower()}@example.se".replace("ö", "o").replace("å", "a"),
            phone=f"070-{abs(applied):03d} {abs(story):02d} 10", region="Västra regionen")
        if interviewed is not None:
            version = s.get(m.Applicant, aid).version
            recruitment.record_interview(s, aid, version, d(interviewed), [users[u] for u in interviewers if u in users],
                                         [n for n in interviewers if n not in users])
        if decision == "accepted":
            recruitment.accept(s, aid, cohort.id, on=d(decided), reason=reason)
        elif decision:
            recruitment.decide(s, aid, decision, reason, on=d(decided))
    s.flush()
