"""Data-subject rights: the register extract (registerutdrag) and erasure of a person.

Both find a person's data by following the schema, not by a hand-kept list: starting at the
person's row (peer_supporter or manager) they walk every foreign key that points at a row
already found — consents lead on to questionnaire responses and their answers, quotes,
interviews, printed forms and report runs — so a table added later is covered without
anyone remembering to add it here. Reading, printing and erasing are audited (ids and
counts only).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.models import Base
from peerdesk.services import audit
from peerdesk.services.access import A, WRITE_RIGHTS, operation
from peerdesk.services.records import get

# An applicant is a data subject of their own until accepted; then what is left of the application is found
# from the peer supporter (applicant.peer_supporter_id).
PERSON_TABLES = {"peer_supporter": m.PeerSupporter, "manager": m.Manager, "consent": m.Consent, "applicant": m.Applicant}
# A row that names one of these belongs to that data subject: reached from someone else (a quote from
# a group interview through the interview), it is not theirs, and neither an extract nor an erasure touches it.
SUBJECT_COLUMNS = {"peer_supporter_id": "peer_supporter", "manager_id": "manager", "consent_id": "consent"}
# Rows found through a link table that describe the person too: a supervision session's
# date and notes for the participant, a meeting for an attendee, a briefing for a manager.
CONTEXT = {
    "supervision_participant": ("session_id", "supervision_session"),
    "checkin_attendance": ("meeting_id", "checkin_meeting"),
    "course_attendance": ("course_day_id", "course_day"),
    "course_trainer": ("course_day_id", "course_day"),
    "briefing_attendee": ("briefing_id", "briefing"),
    "manager_tenure": ("workplace_id", "workplace"),
    "placement": ("workplace_id", "workplace"),
    "report_run_consent": ("run_id", "report_run"),
    "interview_participant": ("interview_id", "interview"),
}
# What is kept after an erasure request, because the law requires it (employment records).
KEEP_ON_ERASURE = {"contract_period": "retention.contract_period_days"}
# On a kept person row only what the kept records need stays: name and personal identity number.
ANONYMISE = {"peer_supporter": ("email", "phone", "address", "region", "cohort_id", "certified_on", "left_reason", "supervisor_id")}
_HIDDEN = {"password_hash"}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _pk(table: Table) -> list:
    return list(table.primary_key.columns)


def referencing(table_name: str) -> list[tuple[str, str]]:
    """Every (table, column) whose foreign key points at `table_name` — straight from the schema."""
    out = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                out.append((table.name, fk.parent.name))
    return out


def tables_reached_from(person_table: str) -> set[str]:
    """All tables the walk can reach from a person table (for the coverage test and the docs)."""
    seen, todo = {person_table}, [person_table]
    while todo:
        for child, _col in referencing(todo.pop()):
            if child not in seen and len(_pk(_table(child))) == 1:
                seen.add(child)
                todo.append(child)
            seen.add(child)
    return seen


def _collect(s: Session, person_table: str, person_id: int) -> dict[str, dict[tuple, dict]]:
    found: dict[str, dict[tuple, dict]] = {}

    def someone_elses(table: Table, row) -> bool:
        for column, subject in SUBJECT_COLUMNS.items():
            if column in table.c and subject != table.name and row[column] is not None:
                if (row[column],) not in found.get(subject, {}):
                    return True
        return False

    def add(table: Table, rows) -> list:
        new = []
        bucket = found.setdefault(table.name, {})
        for row in rows:
            if table is not root and someone_elses(table, row):
                continue
            key = tuple(row[c.name] for c in _pk(table))
            if key not in bucket:
                bucket[key] = dict(row)
                new.append(key)
        return new

    root = _table(person_table)
    rows = s.execute(select(root).where(root.c.id == person_id)).mappings().all()
    if not rows:
        return {}
    todo = [(person_table, [k[0] for k in add(root, rows)])]
    while todo:
        parent, ids = todo.pop(0)
        if not ids:
            continue
        for child_name, column in referencing(parent):
            child = _table(child_name)
            new = add(child, s.execute(select(child).where(child.c[column].in_(ids))).mappings().all())
            if child_name == "interview_participant" and new:
                # An individual interview is the person's own (and so are its quotes); a group interview is
                # everyone's: only the person's link to it goes.
                iv = _table("interview")
                own = add(iv, s.execute(select(iv).where(iv.c.id.in_([k[0] for k in new]), iv.c.kind == "individual")).mappings().all())
                if own:
                    todo.append(("interview", [k[0] for k in own]))
            if len(_pk(child)) == 1 and new:
                todo.append((child_name, [k[0] for k in new]))
    return found


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _raw(row) -> dict:
    return {k: v for k, v in row.items() if k not in _HIDDEN}


def _model_of(table_name: str):
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table_name:
            return mapper.class_
    return None


@dataclass
class ExtractSection:
    table: str
    purpose_key: str
    who: tuple[str, ...]  # roles that may change these records
    retention_days: int | None
    rows: list[dict]
    context: bool = False  # rows that describe the person's records (a session, a ward), not held "about" them


@dataclass
class CoverLetter:
    """The first page: a letter from the controller, with what the extract answers."""
    office: str
    contact: list[str]
    requested_on: dt.date
    answered_on: dt.date
    retention: list[tuple[str, int]]  # (table, days kept after the record ends), from the settings


@dataclass
class RegisterExtract:
    person_table: str
    person_id: int
    person_name: str
    produced_on: dt.date
    controller: str | None
    sections: list[ExtractSection] = field(default_factory=list)
    audit_entries: list[dict] = field(default_factory=list)
    lang: str = "sv"
    cover: CoverLetter | None = None
    groups: list = field(default_factory=list)  # extract_view.Group: the records as the person reads them
    note_reads: list[tuple[str, str, str]] = field(default_factory=list)  # (when, who, which session)
    changes: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # (when, who, what, record, fields)

    def as_json(self) -> dict:
        return {
            "person": {"table": self.person_table, "id": self.person_id, "name": self.person_name},
            "produced_on": self.produced_on.isoformat(),
            "requested_on": self.cover.requested_on.isoformat() if self.cover else None,
            "controller": self.controller,
            "sections": [
                {"table": sec.table, "context": sec.context, "who_can_change": list(sec.who), "retention_days": sec.retention_days,
                 "rows": sec.rows}
                for sec in self.sections
            ],
            "supervision_note_reads": [{"at": at, "by": who, "session": what} for at, who, what in self.note_reads],
            "audit_trail": self.audit_entries,
        }


def _person_name(s: Session, person_table: str, person_id: int) -> str:
    if person_table not in PERSON_TABLES:
        raise ValidationError("error.invalid_choice", field="person")
    obj = get(s, PERSON_TABLES[person_table], person_id)
    if person_table == "consent":
        return obj.informant_name or obj.informant_code or obj.form_number or "-"
    if person_table == "applicant":
        peer = s.get(m.PeerSupporter, obj.peer_supporter_id) if obj.peer_supporter_id else None
        return peer.full_name if peer else f"{obj.first_name} {obj.last_name}"
    return obj.full_name if person_table == "peer_supporter" else obj.name


@operation(A)
def consent_by_form_number(s: Session, number: str) -> int:
    """The consent registered under a form number: how an informant known only by a consent
    (staff registered by name, a patient by code) is found for an extract."""
    from peerdesk.errors import NotFoundError
    from peerdesk.services.consent_forms import normalise_number, registered_consent_id

    consent_id = registered_consent_id(s, number)
    if consent_id is None:
        raise NotFoundError("error.consent_form_unknown", number=normalise_number(number))
    return consent_id


def _cover(s: Session, today: dt.date, requested_on: dt.date | None) -> CoverLetter:
    from peerdesk.services.retention import RULES
    from peerdesk.services.settings import get_setting

    study = s.execute(select(m.Study.organisation, m.Study.contact).order_by(m.Study.start_date.desc()).limit(1)).first()
    office = get_setting(s, "office.name") or (study.organisation if study else "")
    contact = [get_setting(s, k) for k in ("office.address", "office.phone", "office.email")]
    contact = [c for c in contact if c] or ([study.contact] if study and study.contact else [])
    from peerdesk.services.retention import retention_days

    retention = [(r.table, retention_days(s, r.table)) for r in RULES]
    return CoverLetter(office, contact, requested_on or today, today, retention)


@operation(A)
def register_extract(s: Session, person_table: str, person_id: int, today: dt.date | None = None, *,
                     lang: str | None = None, requested_on: dt.date | None = None) -> RegisterExtract:
    """Everything PeerDesk holds about one person, with purpose, who can see it and how long it is kept:
    the rows as found (for the machine-readable copy) and grouped in words (for the letter)."""
    from peerdesk.i18n import t
    from peerdesk.services import extract_view as view
    from peerdesk.services.audit_display import action_text, fields_text, table_text
    from peerdesk.services.retention import retention_days

    lang = lang or "sv"  # the person's letter is in Swedish unless they ask for English
    today = today or dt.date.today()
    name = _person_name(s, person_table, person_id)
    found = _collect(s, person_table, person_id)
    study = s.scalar(select(m.Study.organisation).order_by(m.Study.start_date.desc()).limit(1))
    cover = _cover(s, today, requested_on)
    extract = RegisterExtract(person_table, person_id, name, today, cover.office or study, lang=lang, cover=cover)
    shared = _shared_parents(s, found)
    order = [t.name for t in Base.metadata.sorted_tables]
    for table_name in sorted(found, key=lambda n: (n != person_table, order.index(n))):
        own = table_name == person_table
        rows = [{k: _plain(v) for k, v in _raw(row).items() if own or not view.is_contact_column(k)} for row in found[table_name].values()]
        extract.sections.append(ExtractSection(table_name, f"extract.purpose.{table_name}", _who(table_name), retention_days(s, table_name), rows))
    context_ids: dict[str, list[int]] = {}
    for link, (column, parent) in CONTEXT.items():
        ids = {row[column] for row in found.get(link, {}).values() if row.get(column) is not None}
        if ids:
            context_ids[parent] = sorted(ids)
            table = _table(parent)
            notes = view._long_texts(parent)
            rows = []
            for r in s.execute(select(table).where(table.c.id.in_(ids)).order_by(table.c.id)).mappings():
                rows.append({k: _plain(v) for k, v in r.items() if not view.is_contact_column(k)
                             and not (k in notes and r["id"] in shared.get(parent, set()))})
            extract.sections.append(ExtractSection(parent, f"extract.purpose.{parent}", (), retention_days(s, parent), rows, context=True))

    # Who has read or changed these records: from the audit trail (it holds ids and field names only).
    supervisor = found.get("peer_supporter", {}).get((person_id,), {}).get("supervisor_id") if person_table == "peer_supporter" else None
    namer = view.Namer(s, lang, person_table, person_id, supervisor)
    ev = m.AuditEvent
    keyed = {tb: [k[0] for k in rows if len(k) == 1 and isinstance(k[0], int)] for tb, rows in found.items()}
    for parent, ids in context_ids.items():
        if parent in ("supervision_session", "checkin_meeting", "briefing", "report_run"):
            keyed[parent] = ids
    events = []
    for table_name, ids in keyed.items():
        for chunk in range(0, len(ids), 500):
            q = (select(ev.at, ev.user_id, ev.username, ev.action, ev.table_name, ev.record_id, ev.fields)
                 .where(ev.table_name == table_name, ev.record_id.in_(ids[chunk:chunk + 500])))
            events += list(s.execute(q).mappings())
    events.sort(key=lambda e: e["at"])
    session_day = {r["id"]: r["held_on"] for r in s.execute(select(m.SupervisionSession.id, m.SupervisionSession.held_on)
                                                              .where(m.SupervisionSession.id.in_(context_ids.get("supervision_session", [])))).mappings()}
    repeats: dict[int, int] = {}
    first_of: dict[tuple, int] = {}
    for e in events:
        extract.audit_entries.append({k: _plain(e[k]) for k in ("at", "username", "action", "table_name", "record_id")})
        when, who = view.value_text(e["at"], lang), namer.user(e["user_id"])
        if e["action"] == "read_notes" and e["table_name"] == "supervision_session":
            extract.note_reads.append((when, who, t_session(session_day.get(e["record_id"]), lang)))
            continue
        change = (when, who, action_text(e["action"], lang), table_text(e["table_name"], lang), fields_text(e["fields"], lang))
        if not change[4] and change[:4] in first_of:  # the same change to many rows in the same second: one line
            index = first_of[change[:4]]
            repeats[index] = repeats.get(index, 1) + 1
            continue
        if not change[4]:
            first_of[change[:4]] = len(extract.changes)
        extract.changes.append(change)
    for index, count in repeats.items():
        when, who, what, record, _ = extract.changes[index]
        extract.changes[index] = (when, who, what, record, t("pdf.extract.times", lang, n=count))

    def about(table: str) -> list[str]:
        return _about(s, table, lang)

    extract.groups = view.build_groups(s, person_table, found, namer, about)
    audit.record(s, "register_extract", person_table, person_id, {"tables": len(found), "rows": sum(len(r) for r in found.values())})
    return extract


def t_session(day, lang: str) -> str:
    from peerdesk.i18n import format_date, t

    return t("extract.ref.session", lang, date=format_date(day, lang)) if day else t("extract.ref.removed", lang)


def _who(table_name: str) -> tuple[str, ...]:
    model = _model_of(table_name)
    return tuple(sorted(r.value for r in WRITE_RIGHTS.get(model, ()))) if model else ()


def _about(s: Session, table: str, lang: str) -> list[str]:
    """Under a part's title: what it is used for, who may change it, how long it is kept."""
    from peerdesk.i18n import catalogue, t
    from peerdesk.services import extract_view as view
    from peerdesk.services.retention import retention_days

    key = f"extract.purpose.{table}"
    purpose = t(key, lang) if key in catalogue(lang) else t("pdf.extract.purpose_default", lang)
    lines = [t("pdf.extract.purpose", lang, purpose=purpose)]
    who = _who(table)
    if who:
        lines.append(t("pdf.extract.who", lang, roles=", ".join(t(f"role.{r}", lang) for r in who)))
    days = retention_days(s, table)
    lines.append(t("pdf.extract.kept_period", lang, period=view.period_text(days, lang)) if days else t("pdf.extract.kept_while_needed", lang))
    return lines


def _shared_parents(s: Session, found) -> dict[str, set[int]]:
    """Events the person shared with others (a group session): their notes are not the person's alone."""
    from sqlalchemy import func

    out: dict[str, set[int]] = {}
    for link, (column, parent) in CONTEXT.items():
        ids = {row[column] for row in found.get(link, {}).values() if row.get(column) is not None}
        if not ids:
            continue
        table = _table(link)
        q = select(table.c[column]).where(table.c[column].in_(ids)).group_by(table.c[column]).having(func.count() > 1)
        out.setdefault(parent, set()).update(s.scalars(q).all())
    return out


@dataclass(frozen=True)
class ErasurePlan:
    person_table: str
    person_id: int
    delete: dict[str, int]  # table -> rows that go
    keep: dict[str, tuple[int, str]]  # table -> (rows kept, kept until ISO date)
    anonymise: tuple[str, ...]  # fields cleared on the kept person row
    person_row_goes: bool


def _plan(s: Session, person_table: str, person_id: int, today: dt.date) -> tuple[ErasurePlan, dict[str, list[tuple]]]:
    from peerdesk.services.settings import get_setting

    _person_name(s, person_table, person_id)
    found = _collect(s, person_table, person_id)
    keep: dict[str, tuple[int, str]] = {}
    kept_keys: dict[str, set[tuple]] = {}
    for table_name, setting in KEEP_ON_ERASURE.items():
        days = get_setting(s, setting)
        for key, row in found.get(table_name, {}).items():
            end = row.get("end_date")
            if end is None or end + dt.timedelta(days=days) >= today:
                until = (end + dt.timedelta(days=days)).isoformat() if end else "-"
                count, latest = keep.get(table_name, (0, ""))
                keep[table_name] = (count + 1, max(latest, until))
                kept_keys.setdefault(table_name, set()).add(key)
    person_goes = not keep
    to_delete = {}
    for table_name, rows in found.items():
        keys = [k for k in rows if k not in kept_keys.get(table_name, set())]
        if table_name == person_table and not person_goes:
            keys = []
        if keys:
            to_delete[table_name] = keys
    anonymise = () if person_goes else ANONYMISE.get(person_table, ())
    return ErasurePlan(person_table, person_id, {k: len(v) for k, v in to_delete.items()}, keep, anonymise, person_goes), to_delete


@operation(A)
def erasure_plan(s: Session, person_table: str, person_id: int, today: dt.date | None = None) -> ErasurePlan:
    """Exactly what an erasure would remove, keep (and until when) and clear — for the confirmation."""
    return _plan(s, person_table, person_id, today or dt.date.today())[0]


@operation(A)
def erase_person(s: Session, person_table: str, person_id: int, confirmed: ErasurePlan, today: dt.date | None = None) -> ErasurePlan:
    """Erase (or, where records must be kept, anonymise) a person as in the plan the administrator confirmed.
    If the data changed since the plan was shown, nothing happens and the new plan must be confirmed."""
    from peerdesk.errors import ConflictError

    plan, to_delete = _plan(s, person_table, person_id, today or dt.date.today())
    if plan != confirmed:
        raise ConflictError("error.erasure_plan_changed")
    order = [t.name for t in Base.metadata.sorted_tables]
    for table_name in sorted(to_delete, key=order.index, reverse=True):  # children first
        table = _table(table_name)
        pks = _pk(table)
        keys = to_delete[table_name]
        for chunk in range(0, len(keys), 500):
            part = keys[chunk:chunk + 500]
            if len(pks) == 1:
                s.execute(delete(table).where(pks[0].in_([k[0] for k in part])))
            else:
                for key in part:
                    s.execute(delete(table).where(*[c == v for c, v in zip(pks, key)]))
        audit.record(s, "erase", table_name, None, {"rows": len(keys), "person_table": person_table, "person_id": person_id})
    if plan.anonymise:
        table = _table(person_table)
        s.execute(table.update().where(table.c.id == person_id).values({c: None for c in plan.anonymise}))
        audit.record(s, "anonymise", person_table, person_id, {"fields": list(plan.anonymise)})
    s.expire_all()
    s.flush()
    return plan


@operation(A)
def write_register_extract(s: Session, person_table: str, person_id: int, *, pdf_path: str | None = None,
                           json_path: str | None = None, lang: str | None = None, requested_on: dt.date | None = None) -> RegisterExtract:
    """The extract as a PDF and/or a machine-readable JSON copy; each file written is audited."""
    import json

    from peerdesk.storage.safe_output import session_output

    extract = register_extract(s, person_table, person_id, lang=lang or "sv", requested_on=requested_on)
    # Each file is written privately (0600) beside its target and renamed into place only when this
    # unit of work commits its audit entry; if either fails, neither file nor entry remains.
    if pdf_path:
        from peerdesk.reports.register_extract import build_register_extract

        out = session_output(s, pdf_path)
        with out.writing() as temp:
            build_register_extract(extract, temp, extract.lang)
        audit.record(s, "print_register_extract", person_table, person_id, {"sections": len(extract.sections)})
    if json_path:
        out = session_output(s, json_path)
        with out.writing() as temp, open(temp, "w", encoding="utf-8") as fh:
            json.dump(extract.as_json(), fh, ensure_ascii=False, indent=1)
        audit.record(s, "export", person_table, person_id, {"kind": "register_extract", "sections": len(extract.sections)})
    return extract


@operation(A)
def person_choices(s: Session) -> list[tuple[str, int, str]]:
    """(table, id, label) for every person a request can concern: peer supporters and managers."""
    out = [("peer_supporter", i, f"{first} {last}") for i, first, last in
           s.execute(select(m.PeerSupporter.id, m.PeerSupporter.first_name, m.PeerSupporter.last_name)
                     .order_by(m.PeerSupporter.last_name, m.PeerSupporter.first_name))]
    out += [("manager", i, name) for i, name in s.execute(select(m.Manager.id, m.Manager.name).order_by(m.Manager.name))]
    # Applicants not (yet) accepted; an accepted one's request is the peer supporter's.
    out += [("applicant", i, f"{first} {last}") for i, first, last in
            s.execute(select(m.Applicant.id, m.Applicant.first_name, m.Applicant.last_name)
                      .where(m.Applicant.peer_supporter_id.is_(None)).order_by(m.Applicant.last_name, m.Applicant.first_name))]
    return out
