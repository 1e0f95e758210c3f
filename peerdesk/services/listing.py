"""Record kinds by their script-friendly names, with the columns a listing shows.

Listings never include confidential or secret columns (session notes,
password hashes, personal identity numbers).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m


@dataclass(frozen=True)
class Kind:
    model: type
    columns: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "people": Kind(m.PeerSupporter, ("id", "first_name", "last_name", "status", "cohort_id", "region", "certified_on", "left_on")),
    "cohorts": Kind(m.Cohort, ("id", "name", "start_date", "end_date", "location")),
    "workplaces": Kind(m.Workplace, ("id", "name", "organisation", "kind", "specialty", "region", "active")),
    "managers": Kind(m.Manager, ("id", "name", "title")),
    "tenures": Kind(m.ManagerTenure, ("id", "workplace_id", "manager_id", "start_date", "end_date", "acting")),
    "briefings": Kind(m.Briefing, ("id", "workplace_id", "held_on", "status", "kind", "staff_count")),
    "placements": Kind(m.Placement, ("id", "peer_supporter_id", "workplace_id", "start_date", "end_date", "extent_percent", "intro_end")),
    "contracts": Kind(m.ContractPeriod, ("id", "peer_supporter_id", "employer", "form", "start_date", "end_date", "extent_percent", "funding_source")),
    "sessions": Kind(m.SupervisionSession, ("id", "held_on", "duration_minutes", "form", "supervisor_id", "status")),
    "checkins": Kind(m.CheckInMeeting, ("id", "held_on", "title", "location", "status")),
    "studies": Kind(m.Study, ("id", "name", "organisation", "start_date", "end_date")),
    "consents": Kind(m.Consent, ("id", "study_id", "informant_role", "peer_supporter_id", "manager_id", "informant_code", "form_number", "signed_on", "valid_until", "withdrawn_on")),
    "rounds": Kind(m.EvaluationRound, ("id", "number", "start_date", "end_date", "status", "study_id")),
    "interviews": Kind(m.Interview, ("id", "round_id", "kind", "informant_role", "held_on", "participants", "guide_id",
                                         "interviewer_id", "duration_minutes", "place", "transcript_status", "recording_deleted_on")),
    "instruments": Kind(m.Instrument, ("id", "code", "name_sv", "name_en", "scale_min", "scale_max", "good_end")),
    "responses": Kind(m.QuestionnaireResponse, ("id", "round_id", "instrument_id", "respondent_code", "informant_role")),
    "quotes": Kind(m.Quote, ("id", "round_id", "informant_role", "theme_id", "status")),
    "users": Kind(m.User, ("id", "username", "display_name", "active")),
}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def list_rows(s: Session, kind: str, limit: int | None = None) -> list[dict]:
    """Column rows (not ORM objects) of one kind, ordered by id."""
    from peerdesk.services.access import authorize_read

    authorize_read(s, kind)
    spec = KINDS[kind]
    cols = [getattr(spec.model, c) for c in spec.columns]
    q = select(*cols).order_by(spec.model.id)
    if limit:
        q = q.limit(limit)
    return [{c: _plain(v) for c, v in zip(spec.columns, row)} for row in s.execute(q)]


def counts(s: Session) -> dict[str, int]:
    """How many records of each kind the caller may list (kinds they may not see are left out)."""
    from peerdesk.services.access import READ_RIGHTS, actor_of

    roles = actor_of(s).roles
    return {
        name: s.scalar(select(func.count()).select_from(spec.model))
        for name, spec in KINDS.items()
        if READ_RIGHTS[name] & roles
    }
