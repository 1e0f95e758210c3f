"""Withdrawing a consent by the number on its form, for the administrator's command line:
`peerdesk consent withdraw FORM_NUMBER --on DATE [--reason TEXT]` and `undo-withdrawal`.

The same rules as the window (services/consent.py: administrators only, recorded, both steps kept in
the audit trail); the withdrawal answers with what already holds the informant's data — reports,
exports and publications made before it (services/consent_use.reports_affected_by)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.models import Consent
from peerdesk.services import consent, consent_use
from peerdesk.services.access import A, operation
from peerdesk.services.consent_forms import normalise_number, registered_consent_id


@dataclass(frozen=True)
class Withdrawal:
    consent_id: int
    form_number: str
    withdrawn_on: dt.date | None
    affected: list[consent_use.ReportRunInfo]  # reports, exports and publications that already used the data


def _by_number(s: Session, number: str) -> Consent:
    found = registered_consent_id(s, number)
    if found is None:
        raise NotFoundError("error.consent_form_unknown", number=normalise_number(number))
    return s.get(Consent, found)


@operation(A)
def withdraw_by_form(s: Session, number: str, on: dt.date | str, reason: str | None = None) -> Withdrawal:
    c = _by_number(s, number)
    consent.withdraw(s, c.id, c.version, on, (reason or "").strip() or None)
    return Withdrawal(c.id, c.form_number, c.withdrawn_on, consent_use.reports_affected_by(s, c.id))


@operation(A)
def undo_withdrawal_by_form(s: Session, number: str) -> Withdrawal:
    c = _by_number(s, number)
    if c.withdrawn_on is None:
        raise ValidationError("error.not_withdrawn", field="withdrawn_on")
    consent.undo_withdrawal(s, c.id, c.version)
    return Withdrawal(c.id, c.form_number, None, consent_use.reports_affected_by(s, c.id))
