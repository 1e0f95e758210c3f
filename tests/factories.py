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
