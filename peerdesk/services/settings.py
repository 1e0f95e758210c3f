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
    # A contract period's end needs a decision told to the person this many days ahead (contract_decision_due).
    # 60: the seed's peer supporters asked months ahead whether they would "jobba kvar efter jul", and LAS 15 §
    # requires the notice at least one month before the end after more than 12 months' employment; two months
    # leaves a month to decide, write and hand over the letter before that legal minimum. 0 turns decisions off.
    "alerts.contract_decision_days": 60,
    # Företrädesrätt (LAS 25 §, since 1 October 2022): more than nine months of särskild visstidsanställning
    # within the last three years (twelve months of other employment, which services/contract_decisions.py
    # applies as well). Stated in the contract decision letter.
    "las.preferential_right_months": 9,
    "alerts.fixed_term_limit_days": 365,
    "alerts.fixed_term_window_years": 5,
    "alerts.fixed_term_warn_days": 60,
    "alerts.consent_expiry_days": 30,
    "alerts.tenure_notice_days": 30,
    "alerts.grant_ending_days": 90,
    "alerts.funder_report_days": 30,
    "alerts.stalled_onboarding_days": 60,  # a ward at one onboarding stage (before a placement) longer than this
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
    # Months after the decision an applicant's recruitment record is kept (services/recruitment.py).
    "retention.recruitment_months": 12,
    # The controller (personuppgiftsansvarig) as the register extract's cover letter names it;
    # empty: the latest study's organisation and contact are used.
    "office.name": "",
    "office.address": "",
    "office.phone": "",
    "office.email": "",
    # The course's attendance rule (services/training.py): a participant is certified after attending at least
    # this share of the held course days, rounded up — 0.8 is 10 of the course's twelve days.
    "training.min_attendance_share": 0.8,
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


def _attendance_share(value: Any) -> float:
    """The attendance rule's share, from 0.5 to 1 (below half, a certificate would say little)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 1.0:
        raise ValidationError("error.setting_share", field="min_attendance_share", low=50, high=100)
    return float(value)


def _person_label(value: Any) -> str:
    if value not in ("code", "first_name"):
        raise ValidationError("error.invalid_choice", field="person_label")
    return value


# Settings whose values are checked (and made their type) before they are stored, and again when read.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "report.min_share_answered": _share,
    "training.min_attendance_share": _attendance_share,
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
