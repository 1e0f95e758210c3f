"""Printing numbered consent forms and registering the signed forms that come back.

Blank forms for a ward visit (N copies, one study, one workplace) and prefilled forms for a
named informant. Each printed form is recorded with its number (and a QR code on paper), so
a returned form is matched to its record by scanning or typing the number — one step.
The PDF is built inside the same transaction, to a private temporary file that is renamed into
place only after the numbers, the batch and the audit entry are committed: if it cannot be
written, the process is killed or the person cancels, no number is recorded and no PDF is left.
The form number is unique in the database, so two processes printing at once cannot issue one
number twice: the second one's commit fails cleanly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.i18n import language
from peerdesk.models import Consent, ConsentForm, InformantRole, Manager, PeerSupporter, Study, Workplace
from peerdesk.services import audit
from peerdesk.services.access import A, E, actor_of, operation
from peerdesk.services.records import create, flush, get
from peerdesk.services.validation import parse_date

MAX_COPIES = 1000
_NUMBER = re.compile(r"^(\d+)-(\d{5})-(\d)$")


def _check_digit(digits: str) -> int:
    """Luhn check digit: a mistyped digit or two swapped digits is caught when the form is registered."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def format_number(study_id: int, seq: int) -> str:
    body = f"{study_id}{seq:05d}"
    return f"{study_id}-{seq:05d}-{_check_digit(body)}"


def registered_consent_id(s, number: str) -> int | None:
    """The consent registered under a form number as typed or scanned (spaces and case ignored):
    the one lookup behind extracts, withdrawals, interviews and imports."""
    from peerdesk import models as m

    return s.scalar(select(m.Consent.id).where(m.Consent.form_number == normalise_number(number)))


def normalise_number(text: str) -> str:
    """The number as printed, from a scan or from typing (spaces and case ignored)."""
    number = re.sub(r"\s+", "", text or "").upper()
    if not number:
        raise ValidationError("error.required", field="form_number")
    match = _NUMBER.match(number)
    if match and int(match.group(3)) != _check_digit(match.group(1) + match.group(2)):
        raise ValidationError("error.form_number_check", field="form_number")
    return number


def scopes_of(obj) -> tuple[str, ...]:
    return tuple(sc for sc in ("interviews", "focus_groups", "questionnaires") if getattr(obj, f"scope_{sc}"))


def _next_numbers(s: Session, study_id: int, n: int) -> list[str]:
    """The next free numbers of the study: after the highest ever printed that is still on record
    or registered (fixed width, so text order is number order). Numbers still in the database are
    never reused, also after gallring of old unreturned forms."""
    printed = s.scalar(select(func.max(ConsentForm.form_number)).where(ConsentForm.study_id == study_id,
                                                                     ConsentForm.form_number.like(f"{study_id}-%")))
    registered = s.scalar(select(func.max(Consent.form_number)).where(Consent.study_id == study_id,
                                                                    Consent.form_number.like(f"{study_id}-%")))
    highest = max(filter(None, (printed, registered)), default=None)
    used = int(highest.split("-")[1]) if highest and _NUMBER.match(highest) else 0
    if used + n > 99999:
        raise ValidationError("error.out_of_range", field="copies", low=1, high=max(0, 99999 - used))
    return [format_number(study_id, used + i) for i in range(1, n + 1)]


# The roles a blank form offers, by the workplace's kind: a municipal service (Housing First) has
# residents/clients and case managers where a ward has patients.
ROLE_BOXES = {"municipal": ("client", "case_manager", "staff", "manager", "peer_supporter")}
WARD_ROLE_BOXES = ("staff", "patient", "manager", "peer_supporter")


def _page(study: Study, number: str, lang: str, workplace: str | None, name: str | None, kind: str | None = None):
    from peerdesk.reports.consent_forms import FormPage

    text = (study.consent_text_sv if lang == "sv" else study.consent_text_en) or study.consent_text_sv or study.consent_text_en or ""
    return FormPage(form_number=number, study_name=study.name, organisation=study.organisation, contact=study.contact,
                    start_date=study.start_date, end_date=study.end_date, info_text=text, scopes=scopes_of(study),
                    valid_until=study.end_date, workplace=workplace, informant_name=name,
                    roles=ROLE_BOXES.get(kind or "", WARD_ROLE_BOXES))


@dataclass(frozen=True)
class PrintResult:
    path: str
    form_numbers: tuple[str, ...]
    pages: int


def _print(s: Session, study: Study, forms: list[ConsentForm], path, lang, progress, names: dict[int, str | None]) -> PrintResult:
    from peerdesk.reports.consent_forms import FormBatch, build_consent_forms

    workplace_names, kinds = {}, {}
    for f in forms:
        if f.workplace_id and f.workplace_id not in workplace_names:
            wp = get(s, Workplace, f.workplace_id)
            workplace_names[f.workplace_id], kinds[f.workplace_id] = wp.name, wp.kind.value
    from peerdesk.storage.safe_output import session_output

    batch = FormBatch(lang=lang, pages=[_page(study, f.form_number, lang, workplace_names.get(f.workplace_id), names.get(f.id),
                                                    kinds.get(f.workplace_id)) for f in forms])
    # The numbers (flushed above, unique in the database), the batch and its audit entry commit in the
    # caller's unit of work only after the whole PDF is on disk; then it is renamed into place. A
    # failure or an interrupt at any step leaves no PDF at `path` and no number recorded.
    out = session_output(s, path)
    with out.writing() as temp:
        pages = build_consent_forms(batch, temp, progress)
    return PrintResult(str(path), tuple(f.form_number for f in forms), pages)


@operation(A)
def print_blank_forms(s: Session, study_id: int, workplace_id: int | None, copies: int, path: str | Path, *, lang: str | None = None,
                      progress: Callable[[int, int], bool] | None = None, today: dt.date | None = None) -> PrintResult:
    """N blank, numbered forms for a ward visit; the numbers are recorded only if the PDF is written."""
    if not isinstance(copies, int) or not 1 <= copies <= MAX_COPIES:
        raise ValidationError("error.out_of_range", field="copies", low=1, high=MAX_COPIES)
    study = get(s, Study, study_id)
    if workplace_id is not None:
        get(s, Workplace, workplace_id)
    actor = actor_of(s)
    today = today or dt.date.today()
    forms = [ConsentForm(form_number=n, study_id=study_id, workplace_id=workplace_id, printed_on=today, printed_by_id=actor.user_id)
             for n in _next_numbers(s, study_id, copies)]
    s.add_all(forms)
    flush(s)
    result = _print(s, study, forms, path, lang or language(), progress, {})
    audit.record(s, "print_consent_forms", "study", study_id, {"copies": copies, "workplace_id": workplace_id})
    return result


@operation(A)
def print_prefilled_form(s: Session, study_id: int, path: str | Path, *, peer_supporter_id: int | None = None,
                         manager_id: int | None = None, staff_name: str | None = None, lang: str | None = None,
                         today: dt.date | None = None) -> PrintResult:
    """One form with the informant's name printed on it: a peer supporter, a manager, or a named
    staff informant (whose name is printed only; staff are registered by code when the form returns)."""
    study = get(s, Study, study_id)
    staff_name = (staff_name or "").strip() or None
    if sum(x is not None for x in (peer_supporter_id, manager_id, staff_name)) != 1:
        raise ValidationError("error.required", field="peer_supporter_id")
    if peer_supporter_id is not None:
        name, role = get(s, PeerSupporter, peer_supporter_id).full_name, InformantRole.PEER_SUPPORTER
    elif manager_id is not None:
        name, role = get(s, Manager, manager_id).name, InformantRole.MANAGER
    else:
        name, role = staff_name, InformantRole.STAFF
    (number,) = _next_numbers(s, study_id, 1)
    form = ConsentForm(form_number=number, study_id=study_id, informant_role=role, peer_supporter_id=peer_supporter_id,
                       manager_id=manager_id, printed_on=today or dt.date.today(), printed_by_id=actor_of(s).user_id)
    s.add(form)
    flush(s)
    result = _print(s, study, [form], path, lang or language(), None, {form.id: name})
    audit.record(s, "print_consent_forms", "study", study_id, {"copies": 1, "form_id": form.id})
    return result


@dataclass(frozen=True)
class Informant:
    """Someone a pre-filled form can be printed for, chosen by name (never by a numeric id)."""

    kind: str  # peer_supporter, manager, staff
    id: int | None  # None for a staff informant, known by name only
    name: str

    def print_args(self) -> dict:
        return {"peer_supporter": {"peer_supporter_id": self.id}, "manager": {"manager_id": self.id},
                "staff": {"staff_name": self.name}}[self.kind]


@operation(A)
def informant_choices(s: Session) -> list[Informant]:
    """Peer supporters (not those who left), managers, and staff informants registered by name, by name."""
    people = [Informant("peer_supporter", i, f"{first} {last}") for i, first, last in s.execute(
        select(PeerSupporter.id, PeerSupporter.first_name, PeerSupporter.last_name).where(PeerSupporter.status != "left"))]
    managers = [Informant("manager", i, n) for i, n in s.execute(select(Manager.id, Manager.name))]
    staff = [Informant("staff", None, n) for (n,) in s.execute(
        select(Consent.informant_name).where(Consent.informant_role == InformantRole.STAFF, Consent.informant_name.is_not(None))
        .distinct())]
    return sorted(people + managers + staff, key=lambda x: (x.name.casefold(), x.kind, x.id or 0))


def find_informant(choices: list[Informant], text: str) -> Informant:
    """The one informant whose name is `text` (or, failing that, the one whose name contains it)."""
    wanted = " ".join((text or "").split()).casefold()
    if not wanted:
        raise ValidationError("error.required", field="person")
    exact = [c for c in choices if c.name.casefold() == wanted]
    found = exact or [c for c in choices if wanted in c.name.casefold()]
    if not found:
        raise NotFoundError("error.informant_unknown")
    if len(found) > 1:
        raise ValidationError("error.informant_ambiguous", field="person", n=len(found))
    return found[0]


@operation(A, E)
def preview_template(s: Session, study_id: int, path: str | Path, *, lang: str | None = None) -> PrintResult:
    """The study's form as it will print, with a sample number; nothing is recorded."""
    from peerdesk.reports.consent_forms import FormBatch, build_consent_forms

    study = get(s, Study, study_id)
    lang = lang or language()
    pages = build_consent_forms(FormBatch(lang=lang, pages=[_page(study, format_number(study_id, 0), lang, None, None)]), path)
    return PrintResult(str(path), (), pages)


@dataclass(frozen=True)
class FormInfo:
    form_id: int
    form_number: str
    study_id: int
    study_name: str
    workplace_id: int | None
    workplace_name: str | None
    informant_role: str | None
    peer_supporter_id: int | None
    manager_id: int | None
    valid_until: dt.date | None
    scopes: tuple[str, ...]
    consent_id: int | None  # set once the signed form has been registered


@operation(A)
def lookup_form(s: Session, number: str) -> FormInfo:
    number = normalise_number(number)
    form = s.scalar(select(ConsentForm).where(ConsentForm.form_number == number))
    if form is None:
        raise NotFoundError("error.form_unknown", number=number)
    study = get(s, Study, form.study_id)
    wp = s.get(Workplace, form.workplace_id) if form.workplace_id else None
    return FormInfo(form.id, form.form_number, study.id, study.name, form.workplace_id, wp.name if wp else None,
                    form.informant_role.value if form.informant_role else None, form.peer_supporter_id, form.manager_id,
                    study.end_date, scopes_of(study), form.consent_id)


@operation(A)
def register_returned(s: Session, number: str, *, signed_on: dt.date | str, informant_role: str | None = None,
                      informant_code: str | None = None, informant_name: str | None = None, peer_supporter_id: int | None = None,
                      manager_id: int | None = None, valid_until: dt.date | str | None = None,
                      scopes: tuple[str, ...] | list[str] | None = None, profession: str | None = None) -> Consent:
    """Register a signed form that came back: the consent gets the form's number, study and workplace
    (`profession`: a staff member's or case manager's, where the study asks for it)."""
    info = lookup_form(s, number)
    if info.consent_id is not None:
        raise ValidationError("error.form_already_registered", field="form_number")
    form = get(s, ConsentForm, info.form_id)
    scopes = tuple(scopes) if scopes is not None else info.scopes
    consent = create(
        s, Consent, study_id=info.study_id, informant_role=informant_role or info.informant_role,
        peer_supporter_id=peer_supporter_id or info.peer_supporter_id, manager_id=manager_id or info.manager_id,
        informant_code=informant_code, informant_name=informant_name, workplace_id=info.workplace_id, profession=profession or None,
        form_number=info.form_number, signed_on=parse_date(signed_on, "signed_on"),
        valid_until=parse_date(valid_until, "valid_until", required=False) if valid_until else info.valid_until,
        scope_interviews="interviews" in scopes, scope_focus_groups="focus_groups" in scopes,
        scope_questionnaires="questionnaires" in scopes, received_by_id=actor_of(s).user_id,
    )
    form.consent_id = consent.id
    flush(s)
    return consent


@dataclass(frozen=True)
class ConsentRow:
    id: int
    version: int
    form_number: str | None
    informant_role: str
    informant: str  # a name for peer supporters and managers; the code (or name) for staff and patients
    study_id: int
    study_name: str
    scopes: tuple[str, ...]
    signed_on: dt.date | None
    valid_until: dt.date | None
    received_by: str | None
    withdrawn_on: dt.date | None
    withdrawal_reason: str | None
    status: str  # active, expired, withdrawn, unsigned


def status_of(c: Consent, on: dt.date) -> str:
    if c.withdrawn_on is not None:
        return "withdrawn"
    if c.signed_on is None:
        return "unsigned"
    if c.valid_until is not None and c.valid_until < on:
        return "expired"
    return "active"


@operation(A)
def consent_register(s: Session, study_id: int | None = None, on: dt.date | None = None) -> list[ConsentRow]:
    """The consent register as plain rows (newest form first)."""
    from peerdesk.models import User

    on = on or dt.date.today()
    q = (select(Consent, Study.name, PeerSupporter.first_name, PeerSupporter.last_name, Manager.name, User.display_name)
         .join(Study, Study.id == Consent.study_id)
         .outerjoin(PeerSupporter, PeerSupporter.id == Consent.peer_supporter_id)
         .outerjoin(Manager, Manager.id == Consent.manager_id)
         .outerjoin(User, User.id == Consent.received_by_id)
         .order_by(Consent.id.desc()))
    if study_id is not None:
        q = q.where(Consent.study_id == study_id)
    rows = []
    for c, study_name, first, last, mgr, received in s.execute(q):
        who = f"{first} {last}" if first else mgr or c.informant_code or c.informant_name or ""
        rows.append(ConsentRow(c.id, c.version, c.form_number, c.informant_role.value, who, c.study_id, study_name, scopes_of(c),
                               c.signed_on, c.valid_until, received, c.withdrawn_on, c.withdrawal_reason, status_of(c, on)))
    return rows


@operation(A, E)
def study_choices(s: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in s.execute(select(Study.id, Study.name).order_by(Study.start_date.desc(), Study.id))]


@operation(A)
def workplace_choices(s: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in s.execute(select(Workplace.id, Workplace.name).where(Workplace.active.is_(True)).order_by(Workplace.name))]


@operation(A, E)
def study_details(s: Session, study_id: int) -> dict:
    """A study's editable values, its id and version (for the template editor)."""
    from peerdesk.services.records import snapshot

    study = get(s, Study, study_id)
    values = snapshot(study)
    return {**values, "id": study.id, "version": study.version, "original": dict(values)}
