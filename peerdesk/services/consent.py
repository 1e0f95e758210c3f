"""Studies and consents: record, withdraw (with reason), undo withdrawal (recorded too)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Consent, InformantRole, Manager, PeerSupporter, Study
from peerdesk.services.access import A, operation
from peerdesk.services.records import get, update, validates
from peerdesk.services.validation import check_order, check_profession, parse_date, require


@validates(Study)
def _check_study(s: Session, st: Study) -> None:
    require(st.name, "name")
    require(st.organisation, "organisation")
    require(st.start_date, "start_date")
    check_order(st.start_date, st.end_date)
    if not (st.scope_interviews or st.scope_focus_groups or st.scope_questionnaires):
        raise ValidationError("error.study_needs_scope", field="scope_interviews")


@validates(Consent)
def _check_consent(s: Session, c: Consent) -> None:
    require(c.study_id, "study_id")
    require(c.informant_role, "informant_role")
    if s.get(Study, c.study_id) is None:
        raise ValidationError("error.reference", field="study_id")
    role = InformantRole(c.informant_role)
    if role == InformantRole.PEER_SUPPORTER:
        if c.peer_supporter_id is None or s.get(PeerSupporter, c.peer_supporter_id) is None:
            raise ValidationError("error.required", field="peer_supporter_id")
    elif role == InformantRole.MANAGER:
        if c.manager_id is None or s.get(Manager, c.manager_id) is None:
            raise ValidationError("error.required", field="manager_id")
    elif not (c.informant_code or c.informant_name):
        raise ValidationError("error.informant_code_or_name", field="informant_code")
    check_profession(role, c.profession)
    check_order(c.signed_on, c.valid_until, "valid_until")
    if c.withdrawn_on is not None:
        if c.signed_on is None:
            raise ValidationError("error.withdraw_unsigned", field="withdrawn_on")
        check_order(c.signed_on, c.withdrawn_on, "withdrawn_on")
    if not (c.scope_interviews or c.scope_focus_groups or c.scope_questionnaires):
        raise ValidationError("error.study_needs_scope", field="scope_interviews")


@operation(A)
def withdraw(s: Session, consent_id: int, expected_version: int, on: dt.date | str, reason: str | None = None) -> Consent:
    c = get(s, Consent, consent_id)
    if c.withdrawn_on is not None:
        raise ValidationError("error.already_withdrawn", field="withdrawn_on")
    return update(s, Consent, consent_id, expected_version, withdrawn_on=parse_date(on, "withdrawn_on"), withdrawal_reason=reason)


@operation(A)
def undo_withdrawal(s: Session, consent_id: int, expected_version: int) -> Consent:
    """Undo a withdrawal registered by mistake; the audit trail keeps both steps."""
    return update(s, Consent, consent_id, expected_version, withdrawn_on=None, withdrawal_reason=None)


def is_active(c: Consent, on: dt.date) -> bool:
    return (
        c.signed_on is not None
        and c.signed_on <= on
        and c.withdrawn_on is None
        and (c.valid_until is None or c.valid_until >= on)
    )
