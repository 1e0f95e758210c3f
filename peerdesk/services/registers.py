"""The registers as the window lists them: filtered, sorted, paged in SQL; details and histories.

Everything returns plain values (ids, tuples of column values, dicts,
dataclasses) so the results can cross from a worker thread to the window.
Filtering and sorting happen in the database, so lists stay fast with
thousands of people and hundreds of workplaces. Reading follows READ_RIGHTS
per register kind; writing goes through records.create/update (WRITE_RIGHTS).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from peerdesk import models as m
from peerdesk.services import records
from peerdesk.services.access import READ_RIGHTS, WRITE_RIGHTS, actor_of, authorize_read


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_Person = m.PeerSupporter
_person_name = (_Person.last_name + ", " + _Person.first_name)


@dataclass(frozen=True)
class Register:
    """One list: which kind (READ_RIGHTS), the model edited, the select of (id, *columns)."""

    kind: str
    model: type
    build: Callable[[], Any]  # -> Select of id + labelled columns
    columns: tuple[str, ...]
    search: Callable[[], tuple]  # columns matched by filter-as-you-type
    statuses: dict[str, Callable[[], Any]] = field(default_factory=dict)
    match: Callable[[str], Any] | None = None  # word -> clause, for text that lives in another table


def _today() -> dt.date:
    return dt.date.today()


def _people() -> Any:
    return select(
        _Person.id, _Person.last_name.label("last_name"), _Person.first_name.label("first_name"),
        _Person.status.label("status"), m.Cohort.name.label("cohort_id"), _Person.region.label("region"),
        _Person.certified_on.label("certified_on"),
    ).outerjoin(m.Cohort, m.Cohort.id == _Person.cohort_id)


def _cohorts() -> Any:
    participants = (
        select(func.count(_Person.id)).where(_Person.cohort_id == m.Cohort.id).correlate(m.Cohort).scalar_subquery()
    )
    return select(
        m.Cohort.id, m.Cohort.name.label("name"), m.Cohort.start_date.label("start_date"),
        m.Cohort.end_date.label("end_date"), m.Cohort.location.label("location"), participants.label("participants"),
    )


def _current_manager_name():
    t = aliased(m.ManagerTenure)
    mgr = aliased(m.Manager)
    today = _today()
    return (
        select(mgr.name)
        .join(t, t.manager_id == mgr.id)
        .where(t.workplace_id == m.Workplace.id, t.start_date <= today, or_(t.end_date.is_(None), t.end_date >= today))
        .order_by(t.acting, t.start_date.desc())
        .limit(1)
        .correlate(m.Workplace)
        .scalar_subquery()
    )


def _workplaces() -> Any:
    W = m.Workplace
    return select(
        W.id, W.name.label("name"), W.organisation.label("organisation"), W.kind.label("kind"),
        W.specialty.label("specialty"), W.region.label("region"), _current_manager_name().label("manager_id"),
        W.stage.label("stage"),
    )


def _managers() -> Any:
    M = m.Manager
    return select(M.id, M.name.label("name"), M.title.label("title"), M.email.label("email"), M.phone.label("phone"))


def _tenures() -> Any:
    T = m.ManagerTenure
    return (
        select(T.id, m.Workplace.name.label("workplace_id"), m.Manager.name.label("manager_id"),
               T.start_date.label("start_date"), T.end_date.label("end_date"), T.acting.label("acting"))
        .join(m.Workplace, m.Workplace.id == T.workplace_id)
        .join(m.Manager, m.Manager.id == T.manager_id)
    )


def _placements() -> Any:
    P, W = m.Placement, m.Workplace
    return (
        select(
            P.id, _person_name.label("peer_supporter_id"), W.name.label("workplace_id"), P.start_date.label("start_date"),
            P.end_date.label("end_date"), P.extent_percent.label("extent_percent"), P.intro_end.label("intro_end"),
        )
        .join(_Person, _Person.id == P.peer_supporter_id)
        .join(W, W.id == P.workplace_id)
    )


def _contracts() -> Any:
    C = m.ContractPeriod
    return select(
        C.id, _person_name.label("peer_supporter_id"), C.form.label("form"), C.start_date.label("start_date"),
        C.end_date.label("end_date"), C.extent_percent.label("extent_percent"), C.employer.label("employer"),
        C.funding_source.label("funding_source"), C.continuation_decision.label("continuation_decision"),
        C.told_on.label("told_on"),
    ).join(_Person, _Person.id == C.peer_supporter_id)


def _sessions() -> Any:
    S = m.SupervisionSession
    people = select(func.count(m.SessionParticipant.id)).where(m.SessionParticipant.session_id == S.id).correlate(S).scalar_subquery()
    # Held sessions only: planned and cancelled ones are in the month view (and the calendar), not the record.
    return select(S.id, S.held_on.label("held_on"), S.form.label("form"), S.duration_minutes.label("duration_minutes"),
                  people.label("participants")).where(S.status == m.Occurrence.HELD)


def _session_with_person(word: str):
    """Sessions one of whose participants' names matches (never the confidential notes)."""
    SP = m.SessionParticipant
    matching = (
        select(SP.session_id).join(_Person, _Person.id == SP.peer_supporter_id)
        .where(or_(_matches(_Person.first_name, word), _matches(_Person.last_name, word)))
    )
    # The matching sessions as one set (a few people, their sessions by index), not a correlated EXISTS per
    # session. `id + 0` keeps SQLite scanning the sessions in list order and testing each against the set,
    # instead of fetching every match by id and sorting them all afterwards (~1.5x faster at 120k sessions).
    return (m.SupervisionSession.id + 0).in_(matching)


def _consents() -> Any:
    C = m.Consent
    return select(
        C.id, m.Study.name.label("study_id"), C.informant_role.label("informant_role"), C.informant_code.label("informant_code"),
        C.signed_on.label("signed_on"), C.valid_until.label("valid_until"), C.withdrawn_on.label("withdrawn_on"),
    ).join(m.Study, m.Study.id == C.study_id)


def _rounds() -> Any:
    R = m.EvaluationRound
    return select(R.id, R.number.label("number"), R.start_date.label("start_date"), R.end_date.label("end_date"),
                  R.status.label("status"))


def _running(model):
    def clause():
        today = _today()
        return and_(model.start_date <= today, or_(model.end_date.is_(None), model.end_date >= today))

    return clause


def _ended(model):
    return lambda: and_(model.end_date.is_not(None), model.end_date < _today())


REGISTERS: dict[str, Register] = {
    "people": Register(
        "people", m.PeerSupporter, _people,
        ("last_name", "first_name", "status", "cohort_id", "region", "certified_on"),
        lambda: (_Person.first_name, _Person.last_name, _Person.region, _Person.email, m.Cohort.name),
        {
            "active": lambda: _Person.status != m.PeerStatus.LEFT,
            "in_training": lambda: _Person.status == m.PeerStatus.IN_TRAINING,
            "certified": lambda: _Person.status == m.PeerStatus.CERTIFIED,
            "placed": lambda: _Person.status == m.PeerStatus.PLACED,
            "left": lambda: _Person.status == m.PeerStatus.LEFT,
        },
    ),
    "cohorts": Register(
        "cohorts", m.Cohort, _cohorts, ("name", "start_date", "end_date", "location", "participants"),
        lambda: (m.Cohort.name, m.Cohort.location),
    ),
    "workplaces": Register(
        "workplaces", m.Workplace, _workplaces,
        ("name", "organisation", "kind", "specialty", "region", "manager_id", "stage"),
        lambda: (m.Workplace.name, m.Workplace.organisation, m.Workplace.specialty, m.Workplace.region),
        {
            "active": lambda: m.Workplace.active.is_(True),
            **{f"stage_{st.value}": (lambda st=st: m.Workplace.stage == st) for st in m.OnboardingStage},
            "inpatient": lambda: m.Workplace.kind == m.WorkplaceKind.INPATIENT,
            "outpatient": lambda: m.Workplace.kind == m.WorkplaceKind.OUTPATIENT,
            "municipal": lambda: m.Workplace.kind == m.WorkplaceKind.MUNICIPAL,
            "inactive": lambda: m.Workplace.active.is_(False),
        },
    ),
    "managers": Register(
        "managers", m.Manager, _managers, ("name", "title", "email", "phone"),
        lambda: (m.Manager.name, m.Manager.title, m.Manager.email),
    ),
    "tenures": Register(
        "tenures", m.ManagerTenure, _tenures,
        ("workplace_id", "manager_id", "start_date", "end_date", "acting"),
        lambda: (m.Workplace.name, m.Manager.name),
        {"running": _running(m.ManagerTenure), "ended": _ended(m.ManagerTenure)},
    ),
    "placements": Register(
        "placements", m.Placement, _placements,
        ("peer_supporter_id", "workplace_id", "start_date", "end_date", "extent_percent", "intro_end"),
        lambda: (_Person.first_name, _Person.last_name, m.Workplace.name),
        {"running": _running(m.Placement), "ended": _ended(m.Placement)},
    ),
    "contracts": Register(
        "contracts", m.ContractPeriod, _contracts,
        ("peer_supporter_id", "form", "start_date", "end_date", "extent_percent", "employer", "funding_source",
         "continuation_decision", "told_on"),
        lambda: (_Person.first_name, _Person.last_name, m.ContractPeriod.employer, m.ContractPeriod.funding_source),
        {
            "running": _running(m.ContractPeriod),
            "ending_soon": lambda: and_(m.ContractPeriod.end_date >= _today(),
                                        m.ContractPeriod.end_date <= _today() + dt.timedelta(days=90)),
            "ended": _ended(m.ContractPeriod),
            "fixed_term": lambda: m.ContractPeriod.form == m.EmploymentForm.FIXED_TERM,
            "permanent": lambda: m.ContractPeriod.form == m.EmploymentForm.PERMANENT,
        },
    ),
    "sessions": Register(
        "sessions", m.SupervisionSession, _sessions, ("held_on", "form", "duration_minutes", "participants"),
        lambda: (), match=lambda word: _session_with_person(word),
    ),
    "consents": Register(
        "consents", m.Consent, _consents,
        ("study_id", "informant_role", "informant_code", "signed_on", "valid_until", "withdrawn_on"),
        lambda: (m.Study.name, m.Consent.informant_code),
        {"withdrawn": lambda: m.Consent.withdrawn_on.is_not(None), "unsigned": lambda: m.Consent.signed_on.is_(None)},
    ),
    "rounds": Register(
        "rounds", m.EvaluationRound, _rounds, ("number", "start_date", "end_date", "status"), lambda: (),
    ),
}


def _matches(column, word: str):
    """Case-insensitive contains; SQLite's lower() knows only ASCII, so Å/Ä/Ö are tried as typed and capitalised too."""
    variants = {word, word.lower(), word.capitalize(), word.upper()}
    return or_(func.lower(column).contains(word.lower(), autoescape=True),
               *(column.contains(v, autoescape=True) for v in variants))


def _filtered(reg: Register, text: str, status: str | None):
    q = reg.build()
    words = [w for w in (text or "").split() if w]
    cols = reg.search()
    for word in words if cols or reg.match else ():
        clauses = [_matches(c, word) for c in cols]
        if reg.match:
            clauses.append(reg.match(word))
        q = q.where(or_(*clauses))
    if status:
        q = q.where(reg.statuses[status]())
    return q


def list_ids(s: Session, name: str, text: str = "", status: str | None = None, sort: str | None = None,
             descending: bool = False) -> list[int]:
    """The ids of one register's rows matching `text` (every word, any searched column) and `status`, sorted in SQL."""
    reg = REGISTERS[name]
    authorize_read(s, reg.kind)
    q = _filtered(reg, text, status)
    sub = q.subquery()
    key = sort if sort in reg.columns else reg.columns[0]
    column = sub.c[key]
    order = [column.desc() if descending else column.asc(), sub.c.id]
    # Empty values last, whichever way the list is sorted (only a nullable column needs the extra key, and
    # without it SQLite can sort a NOT NULL date straight from its index).
    nulls_last = [column.is_(None)] if getattr(reg.model.__table__.c.get(key), "nullable", True) else []
    result = s.connection().execute(select(sub.c.id).order_by(*nulls_last, *order))
    # The ids straight from the DB-API cursor (sqlcipher3 and psycopg iterate): one integer column needs no
    # result processing, and at 120k rows SQLAlchemy's Row objects cost more than the query itself.
    try:
        return list(map(itemgetter(0), result.cursor))
    finally:
        result.close()


def list_rows(s: Session, name: str, ids: list[int]) -> dict[int, tuple]:
    """The displayed column values (plain: ISO dates, enum values) of the given rows."""
    reg = REGISTERS[name]
    authorize_read(s, reg.kind)
    if not ids:
        return {}
    model_id = reg.model.id
    out: dict[int, tuple] = {}
    for row in s.execute(reg.build().where(model_id.in_(list(ids)))):
        out[row[0]] = tuple(_plain(v) for v in row[1:])
    return out


def can_read(s: Session, name: str) -> bool:
    return bool(actor_of(s).roles & READ_RIGHTS.get(REGISTERS[name].kind, frozenset()))


def can_write(s: Session, name: str) -> bool:
    return bool(actor_of(s).roles & WRITE_RIGHTS.get(REGISTERS[name].model, frozenset()))


# Columns a reader without write rights does not get in a form (data minimisation).
_WRITERS_ONLY = {m.PeerSupporter: {"personal_number"}}


@dataclass(frozen=True)
class RecordValues:
    """A record as a form shows it: its id, the version it was loaded at, its editable values (plain)."""

    id: int
    version: int
    values: dict[str, Any]


def load_record(s: Session, name: str, record_id: int) -> RecordValues:
    reg = REGISTERS[name]
    authorize_read(s, reg.kind)
    obj = records.get(s, reg.model, record_id)
    values = {k: _plain(v) for k, v in records.snapshot(obj).items()}
    if not can_write(s, name):
        for hidden in _WRITERS_ONLY.get(reg.model, ()):
            values.pop(hidden, None)
    values.pop("notes", None)  # never confidential notes in a register form
    return RecordValues(obj.id, obj.version, values)


def save_record(s: Session, name: str, record_id: int | None, values: dict[str, Any], expected_version: int | None = None,
                original: dict[str, Any] | None = None) -> RecordValues:
    """Create (no id) or update a record; ValidationError/ConflictError come back to the form as they are."""
    reg = REGISTERS[name]
    if record_id is None:
        obj = records.create(s, reg.model, **values)
    else:
        obj = records.update(s, reg.model, record_id, expected_version, original=original, **values)
    return RecordValues(obj.id, obj.version, {k: _plain(v) for k, v in records.snapshot(obj).items()})


def options(s: Session, name: str) -> list[tuple[int, str]]:
    """(id, label) pairs for a choice list of one register, sorted by label."""
    if name == "supervisors":  # user accounts, not a register: the active supervisors
        from peerdesk.services.supervisor_assignment import supervisors

        return supervisors(s)
    if name == "grants":  # the grant register is not a generic register: its own service names the grants
        from peerdesk.services.funding import grant_options

        return grant_options(s) if actor_of(s).roles & READ_RIGHTS["grants"] else []
    reg = REGISTERS[name]
    authorize_read(s, reg.kind)
    label = {
        "people": _person_name,
        "cohorts": m.Cohort.name,
        "workplaces": m.Workplace.name,
        "managers": m.Manager.name,
    }[name]
    return [(i, text) for i, text in s.execute(select(reg.model.id, label).order_by(label))]


# ---------------------------------------------------------------- histories
@dataclass(frozen=True)
class PersonOverview:
    """Everything about one peer supporter on one page. Supervision: count and last date only, never notes.

    `contracts` / `consents` are None when the reader's role may not see them."""

    name: str
    status: str
    cohort: str | None
    certified_on: str | None
    left_on: str | None
    placements: list[tuple[str, str, str | None, int]]
    contracts: list[tuple[str, str, str | None, int, str]] | None
    supervision_count: int
    supervision_last: str | None
    consents: list[tuple[str, str, str | None, str | None, str | None]] | None


def person_overview(s: Session, person_id: int) -> PersonOverview:
    authorize_read(s, "people")
    p = records.get(s, m.PeerSupporter, person_id)
    roles = actor_of(s).roles
    placements = [
        (w, _plain(a), _plain(b), e)
        for w, a, b, e in s.execute(
            select(m.Workplace.name, m.Placement.start_date, m.Placement.end_date, m.Placement.extent_percent)
            .join(m.Workplace, m.Workplace.id == m.Placement.workplace_id)
            .where(m.Placement.peer_supporter_id == person_id)
            .order_by(m.Placement.start_date.desc())
        )
    ]
    contracts = None
    if roles & READ_RIGHTS["contracts"]:
        C = m.ContractPeriod
        contracts = [
            (_plain(f), _plain(a), _plain(b), e, emp)
            for f, a, b, e, emp in s.execute(
                select(C.form, C.start_date, C.end_date, C.extent_percent, C.employer)
                .where(C.peer_supporter_id == person_id)
                .order_by(C.start_date.desc())
            )
        ]
    SP = m.SessionParticipant
    count, last = s.execute(select(func.count(SP.id), func.max(SP.held_on))
                            .where(SP.peer_supporter_id == person_id, SP.status == m.Occurrence.HELD)).one()
    consents = None
    if roles & READ_RIGHTS["consents"]:
        C = m.Consent
        consents = [
            (study, _plain(role), _plain(a), _plain(b), _plain(w))
            for study, role, a, b, w in s.execute(
                select(m.Study.name, C.informant_role, C.signed_on, C.valid_until, C.withdrawn_on)
                .join(m.Study, m.Study.id == C.study_id)
                .where(C.peer_supporter_id == person_id)
                .order_by(C.signed_on.desc())
            )
        ]
    return PersonOverview(
        name=p.full_name, status=_plain(p.status), cohort=p.cohort.name if p.cohort else None,
        certified_on=_plain(p.certified_on), left_on=_plain(p.left_on), placements=placements, contracts=contracts,
        supervision_count=count or 0, supervision_last=_plain(last), consents=consents,
    )


@dataclass(frozen=True)
class WorkplaceHistory:
    tenures: list[tuple[str, str, str | None, bool]]  # manager, start, end, acting — newest first
    placements: list[tuple[str, str, str | None, int]]  # person, start, end, extent
    last_contact: str | None


def workplace_history(s: Session, workplace_id: int) -> WorkplaceHistory:
    authorize_read(s, "workplaces")
    records.get(s, m.Workplace, workplace_id)
    T = m.ManagerTenure
    tenures = [
        (name, _plain(a), _plain(b), bool(acting))
        for name, a, b, acting in s.execute(
            select(m.Manager.name, T.start_date, T.end_date, T.acting)
            .join(m.Manager, m.Manager.id == T.manager_id)
            .where(T.workplace_id == workplace_id)
            .order_by(T.start_date.desc())
        )
    ]
    P = m.Placement
    placements = [
        (name, _plain(a), _plain(b), e)
        for name, a, b, e in s.execute(
            select(_person_name, P.start_date, P.end_date, P.extent_percent)
            .join(_Person, _Person.id == P.peer_supporter_id)
            .where(P.workplace_id == workplace_id)
            .order_by(P.start_date.desc())
        )
    ]
    last = s.scalar(select(func.max(m.Briefing.held_on)).where(m.Briefing.workplace_id == workplace_id,
                                                            m.Briefing.status == m.Occurrence.HELD))
    return WorkplaceHistory(tenures, placements, _plain(last))


# ---------------------------------------------------------------- search
@dataclass(frozen=True)
class Hit:
    area: str  # "people" or "workplaces"
    id: int
    label: str
    detail: str


def search(s: Session, text: str, limit: int = 20) -> list[Hit]:
    """People and workplaces whose names match every word of `text` (only what the reader may see)."""
    words = [w for w in (text or "").split() if w]
    if not words:
        return []
    roles = actor_of(s).roles
    hits: list[Hit] = []
    if roles & READ_RIGHTS["people"]:
        q = select(_Person.id, _Person.first_name, _Person.last_name, _Person.region)
        for w in words:
            q = q.where(or_(_matches(_Person.first_name, w), _matches(_Person.last_name, w)))
        for i, first, last, region in s.execute(q.order_by(_Person.last_name, _Person.first_name).limit(limit)):
            hits.append(Hit("people", i, f"{first} {last}", region or ""))
    if roles & READ_RIGHTS["workplaces"]:
        W = m.Workplace
        q = select(W.id, W.name, W.organisation)
        for w in words:
            q = q.where(or_(_matches(W.name, w), _matches(W.organisation, w)))
        for i, name, org in s.execute(q.order_by(W.name).limit(limit)):
            hits.append(Hit("workplaces", i, name, org))
    return hits
