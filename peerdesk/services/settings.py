"""Office-wide settings with typed defaults (alert thresholds, retention …)."""

from __future__ import annotations

import json
from typing import Any, Callable

from sqlalchemy.orm import Session

from peerdesk.errors import ValidationError
from peerdesk.models import Setting
from peerdesk.services.access import A, C, E, S, operation

DEFAULTS: dict[str, Any] = {
    "alerts.contact_gap_days": 183,
    "alerts.supervision_intro_days": 91,
    "alerts.supervision_intro_interval_days": 7,
    "alerts.supervision_interval_days": 31,
    "alerts.contract_notice_days": 60,
    "alerts.fixed_term_limit_days": 365,
    "alerts.fixed_term_window_years": 5,
    "alerts.fixed_term_warn_days": 60,
    "alerts.consent_expiry_days": 30,
    "alerts.tenure_notice_days": 30,
    "report.min_group_size": 5,
    "report.min_quote_informants": 3,
    # A group's overall mean is the mean of its respondents' means; a respondent counts when they
    # answered at least this share of the instrument's items (services/round_report.py).
    "report.min_share_answered": 0.8,
    "quotes.marked_terms": [],
    # The workplace noun in questionnaire texts per instrument and workplace kind, e.g.
    # {"PATIENT": {"municipal": "home"}}: "boendet" (services/workplace_wording.py; empty: each kind's default).
    "survey.workplace_noun": {},
    "security.lock_after_minutes": 10,
    "backup.interval_hours": 24,
    "backup.keep": 14,
    # Retention (gallring): days a record is kept after it ends (services/retention.py).
    "retention.contract_period_days": 7 * 365,
    "retention.placement_days": 2 * 365,
    "retention.supervision_session_days": 2 * 365,
    "retention.checkin_meeting_days": 2 * 365,
    "retention.briefing_days": 5 * 365,
    "retention.consent_days": 365,
    "retention.unreturned_form_days": 365,
    "retention.peer_supporter_days": 2 * 365,
    # The controller (personuppgiftsansvarig) as the register extract's cover letter names it;
    # empty: the latest study's organisation and contact are used.
    "office.name": "",
    "office.address": "",
    "office.phone": "",
    "office.email": "",
    "demo": False,
    # How a calendar export names a peer supporter: "code" (a stable pseudonym) or "first_name"; never the full name.
    "calendar.person_label": "code",
}


MIN_SHARE_ANSWERED = (0.5, 1.0)  # below half, a respondent's mean would rest on less than half the instrument


def _share(value: Any) -> float:
    """A share of items as a number from 0.5 to 1 (80 % is 0.8); anything else is refused."""
    low, high = MIN_SHARE_ANSWERED
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValidationError("error.setting_share", field="min_share_answered", low=round(low * 100), high=round(high * 100))
    return float(value)


def _person_label(value: Any) -> str:
    if value not in ("code", "first_name"):
        raise ValidationError("error.invalid_choice", field="person_label")
    return value


# Settings whose values are checked (and made their type) before they are stored, and again when read.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "report.min_share_answered": _share,
    "calendar.person_label": _person_label,
}


@operation(A, C, S, E)
def get_setting(s: Session, key: str) -> Any:
    row = s.get(Setting, key)
    if row is None:
        return DEFAULTS.get(key)
    return json.loads(row.value)


@operation(A)
def set_setting(s: Session, key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(key)
    if key in CHECKS:
        value = CHECKS[key](value)
    row = s.get(Setting, key)
    encoded = json.dumps(value)
    if row is None:
        s.add(Setting(key=key, value=encoded))
    else:
        row.value = encoded
    s.flush()


@operation(A, C, S, E)
def checked_setting(s: Session, key: str) -> Any:
    """get_setting, with the value checked as set_setting checks it: a value stored some other way
    (an edited database, an old archive) is refused with the same message instead of used."""
    value = get_setting(s, key)
    return CHECKS[key](value) if key in CHECKS else value
