"""Placements and employment contract periods."""

from __future__ import annotations

from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import ContractPeriod, EmploymentForm, PeerSupporter, Placement, Workplace
from peerdesk.services.records import exists, overlapping, validates
from peerdesk.services.validation import check_order, check_range, require


@validates(Placement)
def _check_placement(s: Session, p: Placement) -> None:
    require(p.peer_supporter_id, "peer_supporter_id")
    require(p.workplace_id, "workplace_id")
    require(p.start_date, "start_date")
    check_order(p.start_date, p.end_date)
    if p.intro_end is not None:
        check_order(p.start_date, p.intro_end, "intro_end")
    check_range(p.extent_percent, 1, 100, "extent_percent")
    if not exists(s, PeerSupporter, p.peer_supporter_id):
        raise ValidationError("error.reference", field="peer_supporter_id")
    if not exists(s, Workplace, p.workplace_id):
        raise ValidationError("error.reference", field="workplace_id")
    other = overlapping(s, p, peer_supporter_id=p.peer_supporter_id, workplace_id=p.workplace_id)
    if other is not None:
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
    if not exists(s, PeerSupporter, c.peer_supporter_id):
        raise ValidationError("error.reference", field="peer_supporter_id")
    other = overlapping(s, c, peer_supporter_id=c.peer_supporter_id)
    if other is not None:
        raise ValidationError(
            "error.contract_overlap",
            field="start_date",
            start=other.start_date.isoformat(),
            end=other.end_date.isoformat() if other.end_date else "…",
        )
