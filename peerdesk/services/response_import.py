"""Importing paper or web questionnaire answers from CSV/XLSX: preview with per-row problems,
then an all-or-nothing commit.

Each row is tried with exactly the rules of manual entry (evaluation.record_response)
inside a savepoint, so the preview and the commit can never disagree.
Columns: respondent_code, role, workplace (id or name, optional), consent (the signed consent form's
number, optional), then one column per item number ("1", "2", … or "item_1" …). Blank cells are missing
answers. A written comment beside an item goes in a comment column ("3 kommentar", "3 comment", "comment_3",
"kommentar 3", "3 beskriv"); an open question's answer is text in the item's own column. A patient's row with no consent is an anonymous survey answer; a row naming a consent that is
not registered, or is withdrawn, is refused — it never becomes anonymous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import PeerDeskError, ValidationError
from peerdesk.i18n import t
from peerdesk.services.access import A, E, operation
from peerdesk.services.evaluation import record_response
from peerdesk.services.tabular import read_table  # noqa: F401  (the shared reader; callers use it from here too)

_ITEM = re.compile(r"^(?:item_?|fraga_?|fråga_?)?(\d+)$", re.I)
_COMMENT_WORDS = r"(?:kommentar|comment|beskriv|describe)"
_COMMENT = re.compile(rf"^(?:(?:item|fraga|fråga)[ _-]?)?(\d+)[ _-]*{_COMMENT_WORDS}$|^{_COMMENT_WORDS}[ _-]*(\d+)$", re.I)
ROLE_WORDS = {
    "peer_supporter": m.InformantRole.PEER_SUPPORTER, "peer supporter": m.InformantRole.PEER_SUPPORTER,
    "staff": m.InformantRole.STAFF, "personal": m.InformantRole.STAFF,
    "manager": m.InformantRole.MANAGER, "chef": m.InformantRole.MANAGER,
    "patient": m.InformantRole.PATIENT,
    # Municipal services (Housing First): residents/clients and their case managers.
    "client": m.InformantRole.CLIENT, "klient": m.InformantRole.CLIENT, "resident": m.InformantRole.CLIENT,
    "boende": m.InformantRole.CLIENT, "hyresgäst": m.InformantRole.CLIENT,
    "case_manager": m.InformantRole.CASE_MANAGER, "case manager": m.InformantRole.CASE_MANAGER,
    "boendestödjare": m.InformantRole.CASE_MANAGER,
}


@dataclass
class RowProblem:
    row: int  # 1-based row number in the file, the header being row 1
    message: str


@dataclass
class Preview:
    rows: int
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _comment_item(column: str) -> int | None:
    match = _COMMENT.match((column or "").strip())
    return int(match.group(1) or match.group(2)) if match else None


def _parse_row(s: Session, row: dict[str, str], workplaces: dict[str, int], open_items: frozenset[int] = frozenset()) -> dict:
    code = row.get("respondent_code") or row.get("kod") or row.get("code") or ""
    role_text = (row.get("role") or row.get("roll") or "").strip().lower()
    role = ROLE_WORDS.get(role_text)
    if role is None:
        raise ValidationError("error.invalid_choice", field="informant_role")
    wp_text = (row.get("workplace") or row.get("arbetsplats") or "").strip()
    workplace_id = None
    if wp_text:
        workplace_id = int(wp_text) if wp_text.isdigit() and int(wp_text) in workplaces.values() else workplaces.get(wp_text.lower())
        if workplace_id is None:
            raise ValidationError("error.reference", field="workplace_id")
    consent_id = _consent_of(s, (row.get("consent") or row.get("samtycke") or row.get("form_number") or row.get("blankettnummer") or "").strip())
    answers: dict[int, int | None] = {}
    comments: dict[int, str] = {}
    for column, value in row.items():
        commented = _comment_item(column)
        if commented is not None:
            if value not in ("", None):
                comments[commented] = value
            continue
        match = _ITEM.match((column or "").strip())
        if not match:
            continue
        number = int(match.group(1))
        if number in open_items:  # an open question: its answer is the text
            if value not in ("", None):
                comments[number] = value
            continue
        if value in ("", None):
            answers[number] = None
            continue
        try:
            answers[number] = int(float(value.replace(",", "."))) if float(value.replace(",", ".")).is_integer() else None
        except ValueError:
            raise ValidationError("error.not_a_number", field=f"item_{number}") from None
        if answers[number] is None:
            raise ValidationError("error.not_a_number", field=f"item_{number}")
    return {"respondent_code": code, "informant_role": role, "workplace_id": workplace_id, "consent_id": consent_id,
            "answers": answers, "comments": comments, "anonymous": consent_id is None and role == m.InformantRole.PATIENT}


def _consent_of(s: Session, form_number: str) -> int | None:
    """The consent a row names by its form number (None: the row names none). One that is not
    registered is a problem of the row, not an anonymous answer; a withdrawn one stays linked to it, so never used."""
    from peerdesk.services.consent_forms import registered_consent_id

    if not form_number:
        return None
    consent_id = registered_consent_id(s, form_number)
    if consent_id is None:
        raise ValidationError("error.reference", field="consent_id")
    return consent_id


def _try_rows(s: Session, round_id: int, instrument_id: int, rows: list[dict[str, str]]) -> list[RowProblem]:
    workplaces = {name.lower(): wid for wid, name in s.execute(select(m.Workplace.id, m.Workplace.name))}
    open_items = frozenset(s.scalars(select(m.InstrumentItem.number).where(m.InstrumentItem.instrument_id == instrument_id,
                                                                          m.InstrumentItem.open_ended.is_(True))))
    problems = []
    for i, row in enumerate(rows, start=2):
        try:
            with s.begin_nested():
                parsed = _parse_row(s, row, workplaces, open_items)
                record_response(s, round_id, instrument_id, **parsed)
        except PeerDeskError as exc:
            problems.append(RowProblem(i, exc.message))
    return problems


@operation(A, E)
def preview(s: Session, round_id: int, instrument_id: int, rows: list[dict[str, str]]) -> Preview:
    """Every problem per row; writes nothing."""
    outer = s.begin_nested()
    try:
        return Preview(len(rows), _try_rows(s, round_id, instrument_id, rows))
    finally:
        outer.rollback()


@operation(A, E)
def commit(s: Session, round_id: int, instrument_id: int, rows: list[dict[str, str]]) -> int:
    """Import every row, or none: any problem raises and the caller's transaction rolls back."""
    problems = _try_rows(s, round_id, instrument_id, rows)
    if problems:
        raise ValidationError("error.import_has_problems", n=len(problems), first=problems[0].row)
    return len(rows)


def describe(problems: list[RowProblem]) -> list[str]:
    return [t("ui.import.row_problem", row=p.row, message=p.message) for p in problems]
