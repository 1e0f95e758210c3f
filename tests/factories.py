"""Small helpers that make valid records through the services, for tests."""

from __future__ import annotations

import datetime as dt

from peerdesk import models as m
from peerdesk.services import accounts, evaluation
from peerdesk.services.records import create

D = dt.date


def user(s, username="sup1", roles=(m.Role.SUPERVISOR,)):
    return accounts.create_user(s, username, username.title(), "long-enough-pw", list(roles))


def cohort(s, name="Kull T", start=D(2025, 1, 10), end=D(2025, 2, 20)):
    return create(s, m.Cohort, name=name, start_date=start, end_date=end)


def peer(s, first="Test", last="Person", **kw):
    return create(s, m.PeerSupporter, first_name=first, last_name=last, **kw)


def workplace(s, name="Avdelning T", kind=m.WorkplaceKind.INPATIENT, **kw):
    return create(s, m.Workplace, name=name, organisation="Kliniken", kind=kind, **kw)


def manager(s, name="Chef Testsson"):
    return create(s, m.Manager, name=name)


def study(s, name="Studie T"):
    return create(s, m.Study, name=name, organisation="Föreningen", start_date=D(2025, 1, 1), end_date=D(2027, 12, 31))


def round_(s, number=1, study_id=None):
    return create(s, m.EvaluationRound, number=number, start_date=D(2025, 3, 1), end_date=D(2025, 4, 30), study_id=study_id)


def instrument(s, code="DREEM-OK"):
    for ins in evaluation.load_bundled_instruments(s):
        if ins.code == code:
            return ins
    raise KeyError(code)


def interview_with(s, round_id, kind, role, consent_ids, participants=None, held_on="2025-03-03"):
    """An interview holding its participants' consents (the only way a quote from it can print)."""
    iv = create(s, m.Interview, round_id=round_id, kind=kind, informant_role=role, held_on=held_on,
                participants=participants or max(1, len(consent_ids)))
    s.add_all([m.InterviewParticipant(interview_id=iv.id, consent_id=cid) for cid in consent_ids])
    s.flush()
    return iv


def staff_consents(s, study_id, n, prefix="P"):
    """`n` signed, valid staff consents (interviews and focus groups) of the study, by code."""
    return [create(s, m.Consent, study_id=study_id, informant_role="staff", informant_code=f"{prefix}{i:02d}",
                   signed_on=D(2025, 1, 10), valid_until=D(2027, 12, 31)).id for i in range(n)]
