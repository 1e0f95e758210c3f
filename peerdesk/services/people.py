"""Peer supporters and training cohorts."""

from __future__ import annotations


from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Cohort, PeerStatus, PeerSupporter
from peerdesk.services.records import ensure_unique, validates
from peerdesk.services.validation import check_email, check_order, normalise_personal_number, require


@validates(Cohort)
def _check_cohort(s: Session, c: Cohort) -> None:
    require(c.name, "name")
    require(c.start_date, "start_date")
    check_order(c.start_date, c.end_date)
    ensure_unique(s, c, "name")


@validates(PeerSupporter)
def _check_peer(s: Session, p: PeerSupporter) -> None:
    require(p.first_name, "first_name")
    require(p.last_name, "last_name")
    if p.personal_number:
        p.personal_number = normalise_personal_number(p.personal_number)
        ensure_unique(s, p, "personal_number")
    check_email(p.email)
    if p.status is None:
        p.status = PeerStatus.IN_TRAINING
    if p.status == PeerStatus.LEFT and p.left_on is None:
        raise ValidationError("error.left_needs_date", field="left_on")
    if p.status != PeerStatus.LEFT and p.left_on is not None:
        raise ValidationError("error.left_date_without_status", field="left_on")
    if p.cohort_id is not None and s.get(Cohort, p.cohort_id) is None:
        raise ValidationError("error.reference", field="cohort_id")
    if p.certified_on is not None and p.cohort_id is not None:
        cohort = s.get(Cohort, p.cohort_id)
        if cohort.start_date and p.certified_on < cohort.start_date:
            raise ValidationError("error.certified_before_cohort", field="certified_on")
    from peerdesk.services import supervisor_assignment

    supervisor_assignment.track(s, p)

