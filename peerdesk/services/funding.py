"""The grant register: who pays for the office's work, for which period, what it covers, and the reports owed.

A grant is written with its coverage (regions and/or named workplaces) and its report dates in one
operation (`save_grant`), through records.create/update/delete, so every change is validated, checked for
a colleague's earlier save and written to the audit trail. Administrators and coordinators keep the
register; supervisors and evaluators have no business with money and see none of it.

Contract periods and placements point at the grant that pays for them (their own register forms have a
Grant picker). A period outside the grant's, or a placement at a workplace the grant does not cover, is
not refused — offices do bridge gaps — but `funding_warnings` names it so the form can say so.

Grants hold no personal data of peer supporters; the funder's contact person (name, e-mail, phone) is a
business contact at an organisation, kept as the funder's contact, and is not part of a person's
register extract.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import t
from peerdesk.services import records
from peerdesk.services.access import A, C, operation
from peerdesk.services.validation import check_order, require

REPORT_GRACE = dt.timedelta(days=2 * 366)  # a final report can be due well after the money ends, not years


# ------------------------------------------------------------------ rules
@records.validates(m.Grant)
def _check_grant(s: Session, g: m.Grant) -> None:
    require((g.funder or "").strip() or None, "funder")
    require(g.start_date, "start_date")
    require(g.end_date, "end_date")
    check_order(g.start_date, g.end_date)
    if g.amount_sek is not None and g.amount_sek < 0:
        raise ValidationError("error.amount_negative", field="amount_sek")


@records.validates(m.GrantReport)
def _check_report(s: Session, r: m.GrantReport) -> None:
    require(r.grant_id, "grant_id")
    require(r.due_on, "due_on")
    grant = s.get(m.Grant, r.grant_id)
    if grant is None:
        raise ValidationError("error.reference", field="grant_id")
    if r.due_on < grant.start_date:
        raise ValidationError("error.report_before_grant", field="due_on", start=grant.start_date.isoformat())
    if r.due_on > grant.end_date + REPORT_GRACE:
        raise ValidationError("error.report_too_late", field="due_on", end=grant.end_date.isoformat())
    if r.sent_on is not None:
        if r.sent_on < grant.start_date:
            raise ValidationError("error.sent_before_grant", field="sent_on", start=grant.start_date.isoformat())


@records.validates(m.GrantCoverage)
def _check_coverage(s: Session, c: m.GrantCoverage) -> None:
    if c.region is not None:
        c.region = c.region.strip() or None
    if (c.region is None) == (c.workplace_id is None):
        raise ValidationError("error.coverage_empty", field="region")
    if c.workplace_id is not None and not records.exists(s, m.Workplace, c.workplace_id):
        raise ValidationError("error.reference", field="workplace_id")


# ------------------------------------------------------------------ reading
def label(funder: str, reference: str | None) -> str:
    """How a grant is named in lists, pickers and alerts: the funder, and its reference number if any."""
    return f"{funder} ({reference})" if reference else funder


@dataclass(frozen=True)
class ReportLine:
    id: int | None
    due_on: dt.date
    title: str | None = None
    sent_on: dt.date | None = None
    version: int | None = None


@dataclass(frozen=True)
class GrantRow:
    """One line of the grant register."""

    id: int
    funder: str
    funder_kind: str
    reference: str | None
    title: str | None
    start_date: dt.date
    end_date: dt.date
    amount_sek: int | None
    covers: str  # regions and workplace names, comma-separated
    next_report_due: dt.date | None  # the earliest report not yet sent
    contracts_paid: int
    placements_paid: int

    @property
    def label(self) -> str:
        return label(self.funder, self.reference)


@dataclass(frozen=True)
class GrantDetail:
    id: int
    version: int
    values: dict  # the grant's own fields (plain values)
    regions: list[str]
    workplace_ids: list[int]
    reports: list[ReportLine] = field(default_factory=list)


def _d(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@operation(A, C)
def list_grants(s: Session, text: str = "") -> list[GrantRow]:
    """The register, newest end date first; `text` filters on funder, reference and title (every word).
    A handful of queries whatever the number of grants (counts and coverage grouped in SQL)."""
    G, CP, P, R = m.Grant, m.ContractPeriod, m.Placement, m.GrantReport
    contracts = select(func.count(CP.id)).where(CP.grant_id == G.id).correlate(G).scalar_subquery()
    placements = select(func.count(P.id)).where(P.grant_id == G.id).correlate(G).scalar_subquery()
    next_due = select(func.min(R.due_on)).where(R.grant_id == G.id, R.sent_on.is_(None)).correlate(G).scalar_subquery()
    q = select(G.id, G.funder, G.funder_kind, G.reference, G.title, G.start_date, G.end_date, G.amount_sek,
               next_due, contracts, placements).order_by(G.end_date.desc(), G.id)
    for word in (text or "").split():
        like = f"%{word.lower()}%"
        q = q.where(or_(func.lower(G.funder).like(like), func.lower(func.coalesce(G.reference, "")).like(like),
                        func.lower(func.coalesce(G.title, "")).like(like), G.funder.contains(word)))
    rows = s.execute(q).all()
    covers: dict[int, list[str]] = {}  # regions first, then workplaces, each alphabetically
    if rows:
        GC, W = m.GrantCoverage, m.Workplace
        for gid, region, ward in s.execute(
            select(GC.grant_id, GC.region, W.name).outerjoin(W, W.id == GC.workplace_id)
            .where(GC.grant_id.in_([r[0] for r in rows]))
        ):
            covers.setdefault(gid, []).append((region is None, region or ward or ""))
    covers = {gid: [text for _ward, text in sorted(items)] for gid, items in covers.items()}
    return [
        GrantRow(r[0], r[1], getattr(r[2], "value", r[2]), r[3], r[4], _d(r[5]), _d(r[6]), r[7], ", ".join(covers.get(r[0], [])),
                 _d(r[8]), r[9] or 0, r[10] or 0)
        for r in rows
    ]


@operation(A, C)
def get_grant(s: Session, grant_id: int) -> GrantDetail:
    g = records.get(s, m.Grant, grant_id)
    values = {k: (v.value if hasattr(v, "value") else v) for k, v in records.snapshot(g).items()}
    return GrantDetail(
        g.id, g.version, values,
        sorted(c.region for c in g.coverage if c.region),
        sorted(c.workplace_id for c in g.coverage if c.workplace_id),
        [ReportLine(r.id, r.due_on, r.title, r.sent_on, r.version) for r in g.reports],
    )


@operation(A, C)
def grant_options(s: Session) -> list[tuple[int, str]]:
    """(id, label) of every grant for a picker, the ones still running first."""
    G = m.Grant
    rows = s.execute(select(G.id, G.funder, G.reference, G.end_date).order_by(G.end_date.desc(), G.funder)).all()
    return [(i, f"{label(f, r)} {_d(e).isoformat()}") for i, f, r, e in rows]


# ------------------------------------------------------------------ writing
def _clean_regions(regions) -> list[str]:
    seen, out = set(), []
    for r in regions or ():
        r = (r or "").strip()
        if r and r.casefold() not in seen:
            seen.add(r.casefold())
            out.append(r)
    return out


def _sync_coverage(s: Session, g: m.Grant, regions, workplace_ids) -> None:
    want_regions = {r.casefold(): r for r in _clean_regions(regions)}
    want_wards = {int(w) for w in (workplace_ids or ())}
    for c in list(g.coverage):
        keep = (c.region is not None and c.region.casefold() in want_regions) or (c.workplace_id in want_wards)
        if keep:
            want_regions.pop((c.region or "").casefold(), None)
            want_wards.discard(c.workplace_id)
        else:
            records.delete(s, m.GrantCoverage, c.id)
    for region in want_regions.values():
        records.create(s, m.GrantCoverage, grant_id=g.id, region=region)
    for wid in sorted(want_wards):
        records.create(s, m.GrantCoverage, grant_id=g.id, workplace_id=wid)


def _not_in_future(sent_on, today: dt.date) -> None:
    """A report is marked as sent on a day that has come (the day is injectable, for the demo and tests)."""
    if sent_on is not None and records._coerce(m.GrantReport, "sent_on", sent_on) > today:
        raise ValidationError("error.sent_in_future", field="sent_on")


def _sync_reports(s: Session, g: m.Grant, reports: list[ReportLine | dict], today: dt.date) -> None:
    lines = [r if isinstance(r, ReportLine) else ReportLine(**r) for r in reports]
    for r in lines:
        _not_in_future(r.sent_on, today)
    keep = {r.id for r in lines if r.id is not None}
    for r in list(g.reports):
        if r.id not in keep:
            records.delete(s, m.GrantReport, r.id)
    for r in lines:
        values = {"due_on": r.due_on, "title": r.title, "sent_on": r.sent_on}
        if r.id is None:
            records.create(s, m.GrantReport, grant_id=g.id, **values)
        else:
            stored = records.get(s, m.GrantReport, r.id)
            if stored.grant_id != g.id:
                raise ValidationError("error.reference", field="due_on")
            changed = {k: v for k, v in values.items() if getattr(stored, k) != records._coerce(m.GrantReport, k, v)}
            if changed:
                records.update(s, m.GrantReport, r.id, r.version if r.version is not None else stored.version, **changed)


@operation(A, C)
def save_grant(s: Session, grant_id: int | None, values: dict, regions=(), workplace_ids=(),
               reports: list | None = None, expected_version: int | None = None, original: dict | None = None,
               today: dt.date | None = None) -> int:
    """Create (no id) or change a grant with what it covers and, if given, its full list of reports
    (lines without an id are added, lines left out are removed). Returns the grant's id."""
    values = {k: v for k, v in values.items() if k in records.editable_fields(m.Grant)}
    if grant_id is None:
        g = records.create(s, m.Grant, **values)
    else:
        stored = records.get(s, m.Grant, grant_id)
        version = expected_version if expected_version is not None else stored.version
        changed = {k: v for k, v in values.items() if getattr(stored, k) != records._coerce(m.Grant, k, v)}
        g = records.update(s, m.Grant, grant_id, version, original=original, **changed) if changed or stored.version != version \
            else stored
    _sync_coverage(s, g, regions, workplace_ids)
    if reports is not None:
        _sync_reports(s, g, reports, today or dt.date.today())
    records.flush(s)
    s.refresh(g)
    return g.id


@operation(A, C)
def delete_grant(s: Session, grant_id: int, expected_version: int | None = None) -> None:
    """Remove a grant nothing points at; one that pays for contracts or placements is refused, saying how many."""
    records.get(s, m.Grant, grant_id)
    contracts = s.scalar(select(func.count(m.ContractPeriod.id)).where(m.ContractPeriod.grant_id == grant_id)) or 0
    placements = s.scalar(select(func.count(m.Placement.id)).where(m.Placement.grant_id == grant_id)) or 0
    if contracts or placements:
        raise ValidationError("error.grant_in_use", contracts=contracts, placements=placements)
    records.delete(s, m.Grant, grant_id, expected_version)


@operation(A, C)
def add_report(s: Session, grant_id: int, due_on: dt.date | str, title: str | None = None) -> int:
    records.get(s, m.Grant, grant_id)
    return records.create(s, m.GrantReport, grant_id=grant_id, due_on=due_on, title=title).id


@operation(A, C)
def mark_report_sent(s: Session, report_id: int, sent_on: dt.date | str | None, today: dt.date | None = None) -> None:
    """Record the day a report went to the funder (None: undo, it was not sent after all)."""
    r = records.get(s, m.GrantReport, report_id)
    _not_in_future(sent_on, today or dt.date.today())
    records.update(s, m.GrantReport, report_id, r.version, sent_on=sent_on)


@operation(A, C)
def set_grant(s: Session, kind: str, record_id: int, grant_id: int | None) -> list[str]:
    """Point a contract period ("contracts") or placement ("placements") at the grant that pays for it;
    returns the warnings `funding_warnings` gives (the change is saved regardless)."""
    model = _MODELS[kind]
    obj = records.get(s, model, record_id)
    if grant_id is not None:
        records.get(s, m.Grant, grant_id)
    records.update(s, model, record_id, obj.version, grant_id=grant_id)
    return funding_warnings(s, kind, record_id)


_MODELS = {"contracts": m.ContractPeriod, "placements": m.Placement}


@operation(A, C)
def funding_warnings(s: Session, kind: str, record_id: int) -> list[str]:
    """What does not fit between a contract period or placement and its grant: dates outside the grant's
    period, a workplace the grant does not cover. Messages in the current language; empty when all fits."""
    obj = records.get(s, _MODELS[kind], record_id)
    if obj.grant_id is None:
        return []
    g = records.get(s, m.Grant, obj.grant_id)
    out = []
    if obj.start_date < g.start_date or obj.end_date is None or obj.end_date > g.end_date:
        out.append(t("warning.grant_period", grant=label(g.funder, g.reference), start=g.start_date.isoformat(),
                     end=g.end_date.isoformat(), from_=obj.start_date.isoformat(),
                     to=obj.end_date.isoformat() if obj.end_date else "…"))
    if kind == "placements" and g.coverage:
        ward = s.get(m.Workplace, obj.workplace_id)
        regions = {c.region.casefold() for c in g.coverage if c.region}
        covered = any(c.workplace_id == obj.workplace_id for c in g.coverage) or (
            ward is not None and (ward.region or "").strip().casefold() in regions)
        if not covered:
            out.append(t("warning.grant_coverage", grant=label(g.funder, g.reference), workplace=ward.name if ward else "?"))
    return out


# ------------------------------------------------------------------ the old free-text funding
def fold(text: str | None) -> str:
    """Funding text compared without case, accents, punctuation or extra spaces ("Region  Skåne" = "region skane")."""
    text = unicodedata.normalize("NFKD", (text or "").strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


class GrantMatcher:
    """Old funding texts to grants: a text matches a grant's reference number, its funder's name, or
    "funder reference". Several grants of one funder: the one whose period holds the day asked about."""

    def __init__(self, s: Session) -> None:
        G = m.Grant
        self.by_word: dict[str, list[tuple[int, dt.date, dt.date]]] = {}
        for gid, funder, ref, start, end in s.execute(select(G.id, G.funder, G.reference, G.start_date, G.end_date).order_by(G.id)):
            entry = (gid, _d(start), _d(end))
            for word in {fold(funder), fold(ref), fold(f"{funder} {ref or ''}")} - {""}:
                self.by_word.setdefault(word, []).append(entry)

    def match(self, text: str | None, on: dt.date | None = None) -> tuple[int | None, int]:
        """(grant id or None, how many grants the text names): one grant, or the one of several whose period holds `on`."""
        found = self.by_word.get(fold(text), [])
        if len(found) == 1:
            return found[0][0], 1
        if len(found) > 1 and on is not None:
            inside = [gid for gid, start, end in found if start <= on <= end]
            if len(inside) == 1:
                return inside[0], len(found)
        return None, len(found)


@dataclass(frozen=True)
class FundingText:
    text: str  # as first written
    contracts: int  # contract periods with this text and no grant yet
    suggested: int | None  # the grant the text names, when exactly one
    names: int  # how many grants the text names (0: none, >1: ambiguous)


@operation(A, C)
def funding_texts(s: Session) -> list[FundingText]:
    """The distinct old funding texts of contract periods not linked to a grant yet, with a suggestion."""
    CP = m.ContractPeriod
    groups: dict[str, list] = {}
    for text, n in s.execute(select(CP.funding_source, func.count(CP.id)).where(CP.grant_id.is_(None), CP.funding_source.is_not(None))
                             .group_by(CP.funding_source).order_by(CP.funding_source)):
        key = fold(text)
        if key:
            groups.setdefault(key, [text, 0])[1] += n
    matcher = GrantMatcher(s)
    out = []
    for key, (text, n) in sorted(groups.items()):
        gid, names = matcher.match(text)
        out.append(FundingText(text, n, gid, names))
    return out


@operation(A, C)
def link_funding_text(s: Session, text: str, grant_id: int) -> int:
    """Point every contract period whose old funding text is `text` (compared as `fold` does) and that has no
    grant yet at `grant_id`; each change goes through the contract rules and the audit. Returns how many."""
    records.get(s, m.Grant, grant_id)
    CP = m.ContractPeriod
    key = fold(text)
    if not key:
        raise ValidationError("error.required", field="funding_source")
    ids = [i for i, src in s.execute(select(CP.id, CP.funding_source).where(CP.grant_id.is_(None), CP.funding_source.is_not(None))
                                     .order_by(CP.id)) if fold(src) == key]
    for cid in ids:
        c = s.get(CP, cid)
        records.update(s, CP, cid, c.version, grant_id=grant_id)
    return len(ids)
