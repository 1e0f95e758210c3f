"""The register extract as the person reads it: grouped, in words, names instead of ids.

data_rights walks the schema and finds every row that is about the person; this module turns
those rows into what a letter to that person can say. It works on any table, so a table added
later still appears (under "Other records"), with its columns labelled and its values in words:
- a reference to another record is shown by that record's name (a ward's name, an instrument's
  name, the question's text), never by its number;
- a reference to another person is shown by role only ("your supervisor", "the ward's manager");
- codes are translated (ui.value.*, role.*), yes/no in words, dates and local times to the second;
- other people's contact details and notes shared with others (a group session) are left out.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.i18n import catalogue, format_date, format_timestamp, t
from peerdesk.models import Base

# How a person thinks about their records: the groups, in order, and which tables go where.
GROUPS = ("you", "training", "work", "supervision", "evaluation", "other")
GROUP_OF = {
    "cohort": "training", "applicant": "training", "applicant_interviewer": "training",
    "course_attendance": "training", "course_trainer": "training", "course_certification": "training",
    "placement": "work", "contract_period": "work", "manager_tenure": "work", "briefing_attendee": "work",
    "supervisor_assignment": "supervision", "supervision_participant": "supervision", "checkin_attendance": "supervision",
    "consent": "evaluation", "consent_form": "evaluation", "questionnaire_response": "evaluation", "interview": "evaluation",
    "quote": "evaluation", "report_run_consent": "evaluation", "answer": "evaluation",
}
# A row that only says "this person was part of that event": shown as the event itself.
MERGED = {"supervision_participant": ("session_id", "supervision_session"), "checkin_attendance": ("meeting_id", "checkin_meeting"),
          "course_attendance": ("course_day_id", "course_day"), "course_trainer": ("course_day_id", "course_day"),
          "briefing_attendee": ("briefing_id", "briefing"), "report_run_consent": ("run_id", "report_run")}
# Shown inside their parent record (each answer under its questionnaire), not as records of their own.
INLINE = {"answer": ("response_id", "questionnaire_response")}
# Columns that are never shown: keys, locks, secrets.
SKIP = {"id", "version", "password_hash", "hash", "prev_hash", "held_on_copy"}
# Columns holding someone's private contact details: shown only on the person's own record.
CONTACT = ("contact_", "email", "phone", "address", "personal_number")
PEOPLE = {"app_user", "peer_supporter", "manager"}
SUBJECTS = PEOPLE | {"consent"}  # rows that stand for a data subject


@dataclass
class Item:
    heading: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) under a questionnaire


@dataclass
class Part:
    table: str
    title: str
    notes: list[str]
    items: list[Item]


@dataclass
class Group:
    key: str
    title: str
    parts: list[Part]


def _known(key: str, lang: str) -> bool:
    return key in catalogue(lang)


def _label(key: str, fallback: str, lang: str) -> str:
    return t(key, lang) if _known(key, lang) else fallback


def table_title(table: str, lang: str) -> str:
    return _label(f"extract.table.{table}", table.replace("_", " ").capitalize(), lang)


def item_title(table: str, lang: str) -> str:
    """One record of a kind ("Anställningsperiod"), where the kind's title is a plural."""
    return _label(f"extract.item.{table}", table_title(table, lang), lang)


def field_label(column: str, lang: str) -> str:
    key = column[:-3] if column.endswith("_id") else column
    for msgid in (f"extract.field.{column}", f"field.{column}", f"field.{key}"):
        if _known(msgid, lang):
            return t(msgid, lang)
    return key.replace("_", " ").capitalize()


# Where a code stored in a plain text column (a report's kind, a consent scope) has its words.
CODE_KEYS = ("ui.value.{}", "role.{}", "ui.consents.report_kind.{}", "pdf.consent.scope.{}")


def enum_text(value: str, lang: str) -> str:
    for msgid in (key.format(value) for key in CODE_KEYS):
        if _known(msgid, lang):
            text = t(msgid, lang)
            return text[:1].upper() + text[1:]
    return value


def is_contact_column(column: str) -> bool:
    return column.startswith(CONTACT) or column in CONTACT


class Namer:
    """Names for referenced records, looked up once each; people by role."""

    def __init__(self, s: Session, lang: str, person_table: str, person_id: int, supervisor_id: int | None) -> None:
        self.s, self.lang, self.person = s, lang, (person_table, person_id)
        self.supervisor_id = supervisor_id
        self.cache: dict[tuple[str, int], str] = {}

    def user(self, uid: int | None) -> str:
        """An office user: by name and role (who read or changed the person's records)."""
        if uid is None:
            return "PeerDesk"
        u = self.s.get(m.User, uid)
        if u is None:
            return t("extract.ref.former_user", self.lang)
        roles = ", ".join(t(f"role.{r.role.value}", self.lang) for r in sorted(u.roles, key=lambda r: r.role.value))
        return f"{u.display_name} ({roles})" if roles else u.display_name

    def ref(self, table: str, rid, column: str) -> str:
        key = (table, rid)
        if key not in self.cache:
            self.cache[key] = self._ref(table, rid, column)
        return self.cache[key]

    def _ref(self, table: str, rid, column: str) -> str:
        lang = self.lang
        if (table, rid) == self.person:
            return t("extract.ref.you", lang)
        if table == "app_user":
            if rid == self.supervisor_id:
                return t("extract.ref.your_supervisor", lang)
            u = self.s.get(m.User, rid)
            roles = sorted(r.role.value for r in u.roles) if u else []
            return enum_text(roles[0], lang) if roles else t("extract.ref.office_staff", lang)
        if table == "manager":
            return t("extract.ref.manager", lang)
        if table == "peer_supporter":
            return t("extract.ref.peer_supporter", lang)
        tab = Base.metadata.tables[table]
        row = self.s.execute(select(tab).where(list(tab.primary_key.columns)[0] == rid)).mappings().first()
        if row is None:
            return t("extract.ref.removed", lang)
        if table == "evaluation_round":
            return t("extract.ref.round", lang, number=row["number"])
        if table == "instrument_item":
            return row[f"text_{lang}"]
        if table == "consent":
            return t("extract.ref.consent", lang, number=row["form_number"] or format_date(row["signed_on"], lang))
        if table == "funding_grant":  # who pays for a contract or placement: the funder, not its contact person
            return f"{row['funder']} ({row['reference']})" if row["reference"] else row["funder"]
        if table == "questionnaire_response":
            return f"{self.ref('instrument', row['instrument_id'], '')}, {self.ref('evaluation_round', row['round_id'], '')}"
        for col in (f"name_{lang}", "name", "title", "form_number"):
            if col in row and row[col]:
                return str(row[col])
        for col in ("held_on", "day", "start_date", "produced_at", "printed_on"):
            if col in row and row[col]:
                return f"{item_title(table, lang)} {value_text(row[col], lang)}"
        return table_title(table, lang)


def period_text(days: int, lang: str) -> str:
    """A retention period in words: whole years as years, otherwise days."""
    if days and days % 365 == 0:
        return t("pdf.extract.years", lang, n=days // 365)
    return t("count.days", lang, n=days)


def value_text(value, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return enum_text(value.value, lang)
    if isinstance(value, bool):
        return t("ui.yes", lang) if value else t("ui.no", lang)
    if isinstance(value, dt.datetime):
        return format_timestamp(value, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return str(value)


def _fk_targets(table: str) -> dict[str, str]:
    return {fk.parent.name: fk.column.table.name for fk in Base.metadata.tables[table].foreign_keys}


def _enum_columns(table: str) -> set[str]:
    return {c.name for c in Base.metadata.tables[table].columns if getattr(c.type, "enum_class", None)}


def record_fields(table: str, row: dict, namer: Namer, *, own: bool, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """One record's fields as label and value, in the person's language. `own`: the person's own row
    (their contact details are shown); otherwise private contact columns are left out."""
    lang = namer.lang
    fks = _fk_targets(table)
    enums = _enum_columns(table)
    out = []
    for column, value in row.items():
        if column in SKIP or column in skip or value is None or value == "":
            continue
        if not own and is_contact_column(column):
            continue
        if column.endswith(("_sv", "_en")) and not column.endswith(f"_{lang}"):
            continue
        if column in fks:
            target = fks[column]
            if (target, value) == namer.person:
                continue  # "this is about you" goes without saying
            text = namer.ref(target, value, column)
        elif isinstance(value, str) and (column in enums or re.fullmatch(r"[a-z]+(_[a-z]+)*", value)):
            text = enum_text(value, lang)  # a stored code, in words (a code without words is shown as it is)
        else:
            text = value_text(value, lang)
        out.append((field_label(column, lang), text))
    return out


def _association_text(s: Session, parent: str, pid, namer: Namer) -> list[tuple[str, str]]:
    """Lists held in link tables on a record (a session's topics), as names."""
    out = []
    for tab in Base.metadata.sorted_tables:
        if len(tab.primary_key.columns) < 2:
            continue
        fks = {fk.parent.name: fk.column.table.name for fk in tab.foreign_keys}
        mine = [c for c, target in fks.items() if target == parent]
        others = [c for c in fks if c not in mine]
        if len(mine) != 1 or len(others) != 1 or fks[others[0]] in SUBJECTS:
            continue  # a list of other people (every consent a report used) is theirs, not this person's
        ids = s.scalars(select(tab.c[others[0]]).where(tab.c[mine[0]] == pid)).all()
        if ids:
            out.append((table_title(tab.name, namer.lang), ", ".join(sorted(namer.ref(fks[others[0]], i, others[0]) for i in ids))))
    return out


def _long_texts(table: str) -> set[str]:
    """Free-text notes on a record (info=MULTILINE in the model)."""
    return {c.name for c in Base.metadata.tables[table].columns if c.info.get("multiline")}


def merged_item(s: Session, link: str, row: dict, namer: Namer) -> Item:
    """A link row (the person took part in a session) shown as the event, with what is the person's own.
    Notes on an event shared with others (a group session) are not theirs alone: they are left out."""
    lang = namer.lang
    column, parent = MERGED[link]
    ptab = Base.metadata.tables[parent]
    prow = s.execute(select(ptab).where(ptab.c.id == row[column])).mappings().first()
    ltab = Base.metadata.tables[link]
    solo = (s.scalar(select(func.count()).select_from(ltab).where(ltab.c[column] == row[column])) or 0) <= 1
    own = record_fields(link, row, namer, own=True, skip=(column, "held_on"))
    if prow is None:
        return Item(table_title(parent, lang), own)
    shared = _long_texts(parent)
    fields = record_fields(parent, dict(prow), namer, own=False, skip=tuple(shared))
    fields += _association_text(s, parent, prow["id"], namer)
    for col in sorted(shared):
        if prow[col]:
            fields.append((field_label(col, lang), str(prow[col]) if solo else t("extract.shared_notes", lang)))
    heading = namer._ref(parent, prow["id"], column)
    return Item(heading, fields + own)


def inline_fields(s: Session, child: str, rows: list[dict], namer: Namer) -> list[tuple[str, str]]:
    """Each answer as question and answer (with its comment)."""
    out = []
    fks = _fk_targets(child)
    for row in sorted(rows, key=lambda r: r.get("item_id") or 0):
        target_col = next((c for c in row if c in fks and c != INLINE[child][0]), None)
        question = namer.ref(fks[target_col], row[target_col], target_col) if target_col else table_title(child, namer.lang)
        parts = [value_text(row.get(c), namer.lang) for c in row if c not in fks and c not in SKIP and row.get(c) not in (None, "")]
        out.append((question, " · ".join(parts) if parts else t("extract.blank", namer.lang)))
    return out


def build_groups(s: Session, person_table: str, found: dict[str, dict[tuple, dict]], namer: Namer, about) -> list[Group]:
    """The found rows, grouped as a person thinks of them. `about(table)` gives the lines under a
    part's title (purpose, who may change it, how long it is kept)."""
    lang = namer.lang
    parts: dict[str, list[Part]] = {g: [] for g in GROUPS}
    inline_rows: dict[tuple, list[dict]] = {}
    for child, (col, parent) in INLINE.items():
        for row in found.get(child, {}).values():
            inline_rows.setdefault((parent, row[col]), []).append(row)
    order = [tb.name for tb in Base.metadata.sorted_tables]
    for table in sorted(found, key=lambda n: (n != person_table, order.index(n))):
        rows = list(found[table].values())
        if table in INLINE or not rows:
            continue
        items = []
        for row in rows:
            if table == person_table:
                skip = ("cohort_id", "certified_on") if table == "peer_supporter" else ()
                items.append(Item("", record_fields(table, row, namer, own=True, skip=skip)))
                if table == "peer_supporter" and (row.get("cohort_id") or row.get("certified_on")):
                    fields = []
                    if row.get("cohort_id"):
                        cohort = s.get(m.Cohort, row["cohort_id"])
                        fields += record_fields("cohort", {c.name: getattr(cohort, c.name) for c in m.Cohort.__table__.columns}, namer, own=False)
                    if row.get("certified_on"):
                        fields.append((field_label("certified_on", lang), value_text(row["certified_on"], lang)))
                    parts["training"].append(Part("cohort", table_title("cohort", lang), about("cohort"), [Item("", fields)]))
            elif table in MERGED:
                items.append(merged_item(s, table, row, namer))
            else:
                pk = row.get("id")
                fields = record_fields(table, row, namer, own=False)
                heading = namer._ref(table, pk, "") if pk is not None else ""
                answers = [a for child in INLINE for a in inline_fields(s, child, inline_rows.get((table, pk), []), namer)]
                items.append(Item(heading if heading != table_title(table, lang) else "", fields, answers))
        group = "you" if table == person_table else GROUP_OF.get(table, "other")
        items.sort(key=lambda it: it.heading)
        parts[group].append(Part(table, table_title(table, lang), about(table), items))
    return [Group(g, t(f"extract.group.{g}", lang), parts[g]) for g in GROUPS if parts[g]]
