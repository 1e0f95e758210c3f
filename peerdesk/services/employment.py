"""Placements and employment contract periods."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import ContractPeriod, EmploymentForm, PeerSupporter, Placement, Workplace
from peerdesk.services.records import validates
from peerdesk.services.validation import check_order, check_range, periods_overlap, require


@validates(Placement)
def _check_placement(s: Session, p: Placement) -> None:
    require(p.peer_supporter_id, "peer_supporter_id")
    require(p.workplace_id, "workplace_id")
    require(p.start_date, "start_date")
    check_order(p.start_date, p.end_date)
    if p.intro_end is not None:
        check_order(p.start_date, p.intro_end, "intro_end")
    check_range(p.extent_percent, 1, 100, "extent_percent")
    if s.get(PeerSupporter, p.peer_supporter_id) is None:
        raise ValidationError("error.reference", field="peer_supporter_id")
    if s.get(Workplace, p.workplace_id) is None:
        raise ValidationError("error.reference", field="workplace_id")
    same_ward = s.scalars(
        select(Placement).where(
            Placement.peer_supporter_id == p.peer_supporter_id,
            Placement.workplace_id == p.workplace_id,
            Placement.id != p.id if p.id else True,
        )
    )
    for other in same_ward:
        if other is not p and periods_overlap(p.start_date, p.end_date, other.start_date, other.end_date):
            raise ValidationError("error.placement_overlap", field="start_date", start=other.start_date.isoformat())


@validates(ContractPeriod)
def _check_contract(s: Session, c: ContractPeriod) -> None:
    require(c.peer_supporter_id, "peer_supporter_id")
    require(c.employer, "employer")
    require(c.form, "form")
    require(c.start_date, "start_date")
    check_order(c.start_date, c.end_date)
    if c.form == EmploymentForm.FIXED_TERM and c.end_date is None:
        raise ValidationError("error.fixed_term_needs_end", field="end_date")
    check_range(c.extent_percent, 1, 100, "extent_percent")
    if s.get(PeerSupporter, c.peer_supporter_id) is None:
        raise ValidationError("error.reference", field="peer_supporter_id")
    others = s.scalars(
        select(ContractPeriod).where(
            ContractPeriod.peer_supporter_id == c.peer_supporter_id,
            ContractPeriod.id != c.id if c.id else True,
        )
    )
    for other in others:
        if other is not c and periods_overlap(c.start_date, c.end_date, other.start_date, other.end_date):
            raise ValidationError(
                "error.contract_overlap",
                field="start_date",
                start=other.start_date.isoformat(),
                end=other.end_date.isoformat() if other.end_date else "…",
            )
