"""The questionnaires' logistics: per round, ward and informant group, how many forms were handed out,
by whom (the ward's contact person, as the source report had it, or an office user) and how many came
back. The round report's method section gives the response rate per informant group from these, with
the usable questionnaires beside it — suppressed like any small count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services.access import A, E, operation
from peerdesk.services.interview_details import _undone_if_refused, check_role
from peerdesk.services.records import create, flush, get, validates

MAX_FORMS = 100_000


def _count(value, field: str, required: bool) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationError("error.required", field=field)
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError("error.not_a_number", field=field) from None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FORMS:
        raise ValidationError("error.out_of_range", field=field, low=0, high=MAX_FORMS)
    return value


@validates(m.SurveyLogistics)
def _check(s: Session, row: m.SurveyLogistics) -> None:
    check_role(row.informant_role)
    _count(row.handed_out, "handed_out", True)
    _count(row.returned, "returned", False)
    if row.returned is not None and row.returned > row.handed_out:
        raise ValidationError("error.returned_more_than_handed_out", field="returned", returned=row.returned, handed_out=row.handed_out)
    if row.handed_out_by_id is not None and s.get(m.User, row.handed_out_by_id) is None:
        raise ValidationError("error.reference", field="handed_out_by_id")


@operation(A, E)
def save_logistics(s: Session, round_id: int, workplace_id: int, informant_role: str, handed_out: int | str,
                   returned: int | str | None = None, handed_out_by: str | None = None,
                   handed_out_by_id: int | None = None) -> m.SurveyLogistics:
    """Record (or correct) one ward's forms in a round for one informant group. The ward must be one of the round's."""
    get(s, m.EvaluationRound, round_id)
    get(s, m.Workplace, workplace_id)
    if s.get(m.RoundWorkplace, (round_id, workplace_id)) is None:
        raise ValidationError("error.logistics_ward_not_in_round", field="workplace_id")
    check_role(informant_role)
    role = m.InformantRole(informant_role).value
    values = dict(handed_out=_count(handed_out, "handed_out", True), returned=_count(returned, "returned", False),
                  handed_out_by=(handed_out_by or "").strip() or None, handed_out_by_id=handed_out_by_id)
    row = s.scalar(select(m.SurveyLogistics).where(m.SurveyLogistics.round_id == round_id, m.SurveyLogistics.workplace_id == workplace_id,
                                                   m.SurveyLogistics.informant_role == role))
    if row is None:
        return create(s, m.SurveyLogistics, round_id=round_id, workplace_id=workplace_id, informant_role=role, **values)
    with s.no_autoflush, _undone_if_refused(s, row):
        for k, v in values.items():
            setattr(row, k, v)
        _check(s, row)
    flush(s)
    return row


@dataclass(frozen=True)
class LogisticsRow:
    id: int
    workplace_id: int
    ward: str
    role: str
    handed_out: int
    handed_out_by: str  # the name given, or the office user's name
    returned: int | None


@operation(A, E)
def round_logistics(s: Session, round_id: int) -> list[LogisticsRow]:
    L, W, U = m.SurveyLogistics, m.Workplace, m.User
    q = (select(L, W.name, U.display_name).join(W, W.id == L.workplace_id).outerjoin(U, U.id == L.handed_out_by_id)
         .where(L.round_id == round_id).order_by(W.name, L.informant_role))
    return [LogisticsRow(r.id, r.workplace_id, ward, r.informant_role, r.handed_out, r.handed_out_by or user or "", r.returned)
            for r, ward, user in s.execute(q)]


@operation(A, E)
def handout_suggestions(s: Session, workplace_id: int) -> list[str]:
    """Who might have handed the forms out at a ward: its contact person, then its managers (newest first)."""
    ward = get(s, m.Workplace, workplace_id)
    names = [ward.contact_name] if ward.contact_name else []
    names += list(s.scalars(select(m.Manager.name).join(m.ManagerTenure, m.ManagerTenure.manager_id == m.Manager.id)
                            .where(m.ManagerTenure.workplace_id == workplace_id).order_by(m.ManagerTenure.start_date.desc())))
    return list(dict.fromkeys(names))


def _totals(s: Session, round_id: int) -> dict[str, tuple[int, int]]:
    """Informant role -> (handed out, returned) over the round's wards; rows not yet counted back are left out."""
    L = m.SurveyLogistics
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for role, handed, returned in s.execute(
        select(L.informant_role, func.sum(L.handed_out), func.sum(L.returned))
        .where(L.round_id == round_id, L.returned.is_not(None)).group_by(L.informant_role)
    ):
        out[role][0] += int(handed or 0)
        out[role][1] += int(returned or 0)
    return {role: (h, r) for role, (h, r) in out.items()}
