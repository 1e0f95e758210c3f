"""The demo's contract decisions (issue #19, "telling people in time"): one call at the end of load_demo.

- Mats Engström's fixed-term period ends in 40 days and nobody has decided: `contract_decision_due`
  on Today for the administrator and the coordinator (it replaces the old contract_ending there).
- Robin Falk's period was decided early: it continues as permanent employment (a fixed-term
  continuation would pass the LAS limit); the letter is not handed over yet, which raises the alert
  only when the end comes within the decision window.
- Told, in the history: the first cohort's fixed-term periods continued into permanent employment
  (Åsa Öberg's letter handed over a month before the end), and Elin Strand's period ended as decided.
  These periods ended long ago, so they are set as they were then (the service records today's
  decisions, with today's rules and a new period).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.services import contract_decisions
from peerdesk.services.records import flush


def _periods(s: Session, first: str, last: str) -> list[m.ContractPeriod]:
    return list(s.scalars(select(m.ContractPeriod).join(m.PeerSupporter, m.PeerSupporter.id == m.ContractPeriod.peer_supporter_id)
                          .where(m.PeerSupporter.first_name == first, m.PeerSupporter.last_name == last)
                          .order_by(m.ContractPeriod.start_date)))


def add_contract_decisions(s: Session, today: dt.date) -> None:
    admin = s.scalar(select(m.User.id).where(m.User.username == "admin"))
    # History, told: the fixed-term period continued into the permanent one that follows it.
    for first, last in (("Åsa", "Öberg"), ("Johan", "Karlsson")):
        fixed, permanent = _periods(s, first, last)[:2]
        fixed.continuation_decision = m.ContinuationDecision.CONTINUES
        fixed.follow_on_id = permanent.id
        fixed.decided_on = fixed.end_date - dt.timedelta(days=75)
        fixed.decided_by_id = admin
        fixed.told_on = fixed.end_date - dt.timedelta(days=60)
        fixed.told_how = m.ToldHow.HANDED_OVER
    (elin,) = _periods(s, "Elin", "Strand")
    elin.continuation_decision = m.ContinuationDecision.ENDS
    elin.decided_on = elin.end_date - dt.timedelta(days=70)
    elin.decided_by_id = admin
    elin.told_on = elin.end_date - dt.timedelta(days=62)
    elin.told_how = m.ToldHow.POST
    flush(s)
    # Decided now, not told yet (Robin Falk): continues as permanent employment.
    (robin,) = _periods(s, "Robin", "Falk")
    contract_decisions.record_decision(s, robin.id, "continues", form="permanent", today=today)
    # Mats Engström: undecided, 40 days before the end (the alert on Today).
