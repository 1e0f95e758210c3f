"""Gathering an anonymised round report: plain data only, ready for the PDF builder.

What goes in follows the source report's practice (DOMAIN.md): per instrument,
item means with n per group and round (this round beside earlier ones); groups
named by letters that say nothing of wards or order; the patient survey's
means, medians and distribution; quotes attributed only as "role, round N";
small groups hidden with complementary suppression; only data whose informant's
consent covers the scope and is not withdrawn.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import t
from peerdesk.services.access import A, E, operation
from peerdesk.services.consent_use import usable_clause
from peerdesk.services.group_letters import letters_for
from peerdesk.services.respondent_codes import RespondentCodes
from peerdesk.services.suppression import MIN_K, Cell, Margin, effective_k, protect_cells, protect_margin

ROLE_ORDER = (m.InformantRole.PEER_SUPPORTER, m.InformantRole.STAFF, m.InformantRole.MANAGER, m.InformantRole.PATIENT,
              m.InformantRole.CLIENT, m.InformantRole.CASE_MANAGER)  # the last two: municipal services (Housing First)


@dataclass
class Column:
    group: str  # e.g. "Peer supporters", "Staff", "Staff group B"
    round_number: int


@dataclass
class Grid:
    """One table of an instrument: item rows × (group, round) columns."""

    caption: str
    columns: list[Column]
    cells: dict[tuple[int, int], Cell]  # (item number, column index); cells are shared between grids
    overall: dict[int, Cell]  # column index -> overall mean: n respondents who answered enough items, total the sum of their means
    respondents: dict[int, int]  # column index -> n respondents (shown only with the overall mean)
    total_column: int | None = None  # the column that is the margin of the others (the staff total), if any


@dataclass
class InstrumentTable:
    code: str
    name: str
    scale: str  # "1 = …, 5 = …"
    items: list[tuple[int, str]]
    grids: list[Grid]
    scale_min: int | None = None  # the chart's axis starts here (1 on a 1–5 scale); None: at 0
    scale_max: int | None = None
    good_end: str | None = None  # "low" (DREEM: 1 = agree fully) or "high": said under the chart


@dataclass
class PatientQuestion:
    number: int
    text: str
    n: int  # rated answers: "not at all / don't know" (the instrument's extra value) and blanks left out
    mean: float | None
    median: float | None
    distribution: dict[int, int | None]  # value -> count, incl. 0 = not at all / don't know; None: suppressed
    hidden: bool  # fewer than k rated answers: no n, mean, median or rated counts
    suppressed: dict[int, str] = field(default_factory=dict)  # value -> "small" or "complement"


@dataclass
class RoundReportData:
    lang: str
    round_number: int
    period: str
    study: str | None
    method: list[tuple[str, int, int, int | None]]  # role label, individual interviews, group interviews (participants), questionnaires (None: hidden)
    instruments: list[InstrumentTable]
    patient: list[PatientQuestion]
    quotes: dict[str, list[tuple[str, str]]]  # theme -> [(text, attribution)]
    sections: list[tuple[str, str, str]]  # (title, body, placement: "before" the results or "after" them)
    k: int
    included_consents: list[int] = field(default_factory=list)
    excluded_responses: int = 0
    published: tuple[int, dt.datetime] | None = None  # (version, when) of the publication shown; None: a draft
    produced_on: dt.date | None = field(default=None, compare=False)  # the same report, whichever day it is made
    frozen_rounds: list[int] = field(default_factory=list)  # rounds whose columns come from a publication
    # Per informant group with forms counted back: (role label, handed out, returned, returned / handed out, usable
    # questionnaires); None where hidden (services/survey_logistics, _response_rates).
    response_rates: list[tuple[str, int, int | None, float | None, int | None]] = field(default_factory=list)
    # What the method table's last column counts: "people" (distinct respondents) — or "questionnaires",
    # as publications from before it counted people still say.
    method_counts: str = "questionnaires"
    # The overall means are the mean of respondents' means over the items they answered, counting those who
    # answered at least this share of the items; None: a publication made before, whose overall means are
    # the mean of the item means.
    min_share_answered: float | None = None
    item_mean_rounds: list[int] = field(default_factory=list)  # earlier rounds shown as published before that


def _role_label(role: m.InformantRole, lang: str, plural: bool = True) -> str:
    return t(f"report.role.{role.value}{'s' if plural else ''}", lang)


class _Usable:
    """Which informants' data may be used, asked of the consent service (services.consent_use):
    consent covering the scope, signed, valid and not withdrawn. An anonymous patient survey (recorded
    as anonymous when it was entered) is consented to by answering; a missing consent is never enough."""

    def __init__(self, s: Session, study_id: int | None, on: dt.date) -> None:
        from peerdesk.services.consent_use import SCOPES, usable_consent_ids

        self.ids = {scope: (usable_consent_ids(s, study_id, scope, on) if study_id else set()) for scope in SCOPES}

    def __call__(self, consent_id: int | None, role: m.InformantRole, *scopes: str, anonymous: bool = False) -> bool:
        if consent_id is None:
            return anonymous and role == m.InformantRole.PATIENT and "questionnaires" in scopes
        return any(consent_id in self.ids[scope] for scope in scopes)


def _usable_response(study_id: int | None, on: dt.date):
    """The same rule as _Usable for questionnaires, as SQL on a response outer-joined to its consent,
    so the database filters and sums instead of Python reading every answer."""
    R = m.QuestionnaireResponse
    anonymous = and_(R.anonymous.is_(True), R.consent_id.is_(None), R.informant_role == m.InformantRole.PATIENT)
    if not study_id:
        return anonymous
    return or_(anonymous, and_(R.consent_id.is_not(None), usable_clause(study_id, "questionnaires", on)))


def _responses(*cols):
    """SELECT cols FROM questionnaire_response LEFT JOIN consent: what _usable_response needs."""
    return select(*cols).select_from(m.QuestionnaireResponse).outerjoin(m.Consent, m.Consent.id == m.QuestionnaireResponse.consent_id)


@operation(A, E)
def gather(s: Session, round_number: int, lang: str = "sv", today: dt.date | None = None, seed: int | None = None,
           fresh_texts: bool = False) -> RoundReportData:
    """Round N's report. A published round is reproduced from its newest publication, and published
    rounds shown beside an unpublished one come from theirs (services.publication); `fresh_texts`
    (publishing a new version) keeps the published figures but takes today's quotes and sections."""
    from peerdesk.services import publication
    from peerdesk.services.settings import checked_setting, get_setting

    R, Ans = m.QuestionnaireResponse, m.Answer
    today = today or dt.date.today()
    rnd = random.Random(seed) if seed is not None else random.SystemRandom()
    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == round_number))
    if rnd_round is None:
        raise ValidationError("error.no_such_round", field="round_id", number=round_number)
    _refuse_flagged_texts(s, rnd_round.id)
    frozen = publication.frozen_rounds(s)
    if round_number in frozen:
        data = publication.own_report(frozen[round_number], lang, today)
        if fresh_texts:
            kq = max(MIN_K, int(get_setting(s, "report.min_quote_informants")))
            data.quotes, quote_consents = _quotes_and_comments(s, rnd_round, today, kq, lang)
            data.sections = _sections(s, rnd_round.id)
            data.included_consents = sorted(set(data.included_consents) | quote_consents)
            data.published = None
        return data
    k = effective_k(get_setting(s, "report.min_group_size"))
    kq = max(MIN_K, int(get_setting(s, "report.min_quote_informants")))
    share = checked_setting(s, "report.min_share_answered")
    rounds = {r.id: r.number for r in s.scalars(select(m.EvaluationRound).where(m.EvaluationRound.number <= round_number))}
    usable = _usable_response(rnd_round.study_id, today)

    # Responses of this and earlier rounds counted per group, and how many of them are usable (consent
    # allows it): every answer stays in the database, only sums come back.
    kept: dict[tuple, int] = {}  # (round number, instrument id, role, workplace id) -> usable responses
    excluded = 0
    for round_id, ins_id, role, wid, count, ok in s.execute(
        _responses(R.round_id, R.instrument_id, R.informant_role, R.workplace_id, func.count(), func.sum(case((usable, 1), else_=0)))
        .where(R.round_id.in_(list(rounds))).group_by(R.round_id, R.instrument_id, R.informant_role, R.workplace_id)
    ):
        if ok:
            kept[(rounds[round_id], ins_id, role, wid)] = ok
        excluded += count - ok
    used_consents = set(s.scalars(_responses(R.consent_id).where(R.round_id.in_(list(rounds)), R.consent_id.is_not(None), usable).distinct())) \
        if rnd_round.study_id and kept else set()

    instruments = []
    patient: list[PatientQuestion] = []
    hide_patient_total = False
    staff_wards = sorted({wid for (_, _, role, wid) in kept if role == m.InformantRole.STAFF and wid})
    ward_letter = letters_for(s, rnd_round, staff_wards, rnd)  # stored: the same letters in every report of the study
    round_ids = {number: rid for rid, number in rounds.items()}
    kept_by_instrument: dict[int, dict[tuple, int]] = defaultdict(dict)
    for key, count in kept.items():
        kept_by_instrument[key[1]][key] = count
    for ins in s.scalars(select(m.Instrument).order_by(m.Instrument.id)):
        used = kept_by_instrument.get(ins.id)
        if not used:
            continue
        items = [it for it in ins.items if not it.open_ended]
        if ins.code == "PATIENT":
            counts = defaultdict(dict)  # item id -> value -> answers, this round only
            for item_id, value, count in s.execute(
                _responses(Ans.item_id, Ans.value, func.count()).join(Ans, Ans.response_id == R.id)
                .where(R.round_id == rnd_round.id, R.instrument_id == ins.id, Ans.value.is_not(None), usable)
                .group_by(Ans.item_id, Ans.value)
            ):
                counts[item_id][value] = count
            patient = _patient_questions(ins, items, counts, k, lang)
            patient_total = sum(c for (rnum, _i, role, _w), c in kept.items() if rnum == round_number and role == m.InformantRole.PATIENT)
            hide_patient_total = _patient_total_hidden(patient, ins, items, counts, patient_total)
            continue
        # Only the rounds the tables show need item sums; a group's size comes from the counts above.
        shown_rounds = sorted({key[0] for key in used})[-ROUNDS_SHOWN:]
        ward = case((and_(R.informant_role == m.InformantRole.STAFF, R.round_id == rnd_round.id), R.workplace_id)).label("ward")
        answers = _responses(R.id.label("response_id"), R.round_id, R.informant_role, ward, Ans.item_id, Ans.value).join(
            Ans, Ans.response_id == R.id).where(R.round_id.in_([round_ids[r] for r in shown_rounds]), R.instrument_id == ins.id, usable).subquery()
        sums = s.execute(
            select(answers.c.round_id, answers.c.informant_role, answers.c.ward, answers.c.item_id, func.count(answers.c.value), func.sum(answers.c.value))
            .group_by(answers.c.round_id, answers.c.informant_role, answers.c.ward, answers.c.item_id)
        ).all()
        profiles = _answer_profiles(s, answers, [it.id for it in items], items_needed(share, len(items)))
        instruments.append(_instrument_table(ins, items, used, shown_rounds, [(rounds[rid], *rest) for rid, *rest in sums],
                                             ward_letter, k, lang, round_number, [(rounds[rid], *rest) for rid, *rest in profiles]))
    _word_for_workplaces(s, rnd_round.id, instruments, patient, lang)

    method = _method(s, rnd_round, kept, lang, k, hide_patient_total, usable=usable)
    response_rates = _response_rates(s, rnd_round, method, k, lang)
    quotes, quote_consents = _quotes_and_comments(s, rnd_round, today, kq, lang)
    used_consents |= quote_consents
    sections = _sections(s, rnd_round.id)
    instruments, frozen_consents, frozen_used = publication.apply_frozen(instruments, frozen, lang, round_number)
    used_consents |= frozen_consents
    study = s.get(m.Study, rnd_round.study_id) if rnd_round.study_id else None
    return RoundReportData(
        lang=lang, round_number=round_number,
        period=f"{rnd_round.start_date.isoformat()} – {rnd_round.end_date.isoformat() if rnd_round.end_date else ''}",
        study=study.name if study else None, method=method, instruments=instruments, patient=patient, quotes=quotes, sections=sections, k=k,
        included_consents=sorted(used_consents), excluded_responses=excluded, produced_on=today, frozen_rounds=frozen_used,
        response_rates=response_rates,
        method_counts="people",
        min_share_answered=share, item_mean_rounds=_item_mean_rounds(frozen, frozen_used, lang),
    )


def _item_mean_rounds(frozen: dict, used: list[int], lang: str) -> list[int]:
    """The rounds shown from a publication made before overall means were respondents' means (its snapshot
    has no min_share_answered): their overall means are the mean of the item means, and the report says so.
    A round's columns come from its own publication, or else from a later one (publication.apply_frozen);
    then any such later publication made before counts."""
    old = {p for p, fr in frozen.items() if fr.data.get(lang, {}).get("min_share_answered") is None}
    out = []
    for r in used:
        if (r in old) if r in frozen else any(p in old for p in frozen if p > r):
            out.append(r)
    return sorted(out)


def _word_for_workplaces(s: Session, round_id: int, instruments: list[InstrumentTable], patient: list[PatientQuestion],
                         lang: str) -> None:
    """Issue #21: the questionnaires' "avdelningen" becomes the round's workplace noun ("verksamheten" in a
    municipal service), in the item texts the report prints (services/workplace_wording.py)."""
    from peerdesk.services.workplace_wording import for_round

    worded = for_round(s, round_id)
    for table in instruments:
        table.items = [(number, worded(table.code, text, lang)) for number, text in table.items]
    for question in patient:
        question.text = worded("PATIENT", question.text, lang)


def _sections(s: Session, round_id: int) -> list[tuple[str, str, str]]:
    return [(sec.title, sec.body, sec.placement or m.SectionPlacement.AFTER.value) for sec in s.scalars(
        select(m.ReportSection).where(m.ReportSection.round_id == round_id).order_by(m.ReportSection.position, m.ReportSection.id))]


def _refuse_flagged_texts(s: Session, round_id: int) -> None:
    """Every text that would print — approved quotes, the evaluator's sections, theme names — passes
    the disclosure check again with today's register (a name registered after a quote was approved
    counts), or the report is refused, naming the texts but not the words, in the reader's language."""
    from peerdesk.services.disclosure import check_all_report_texts

    flagged = check_all_report_texts(s, round_id)
    if flagged:
        raise ValidationError("error.report_text_flagged", texts=", ".join(f.label for f in flagged),
                              n=sum(len(f.findings) for f in flagged))


ROUNDS_SHOWN = 3  # this round beside the two before it, as in the source report's Figure 1


def items_needed(share: float, items: int) -> int:
    """How many of an instrument's `items` a respondent must answer to count in the overall mean: at least
    `share` of them, and at least one. Exact (0.7 × 10 is 7, where floating point gives 7.000000000000001)."""
    return max(1, -(-Fraction(str(share)) * items // 1))


def _answer_profiles(s: Session, answers, item_ids: list[int], need: int) -> list[tuple]:
    """Per (round id, role, staff ward of this round or None): how many usable respondents answered how many
    of the items (at least `need`) with which sum of values — (round id, role, ward, answered, sum, respondents).
    The database groups the answers by response and then by that profile, so only a few hundred rows come
    back even at national scale, and the overall mean is summed exactly (Fractions) in the same way on
    every backend."""
    per_response = (
        select(answers.c.round_id, answers.c.informant_role, answers.c.ward,
               func.count(answers.c.value).label("answered"), func.sum(answers.c.value).label("value_sum"))
        .where(answers.c.item_id.in_(item_ids))
        .group_by(answers.c.response_id, answers.c.round_id, answers.c.informant_role, answers.c.ward)
        .having(func.count(answers.c.value) >= need)
    ).subquery()
    p = per_response.c
    return s.execute(select(p.round_id, p.informant_role, p.ward, p.answered, p.value_sum, func.count())
                     .group_by(p.round_id, p.informant_role, p.ward, p.answered, p.value_sum)).all()


def _overall_cells(groups, cells, qualified, staff_total, ward_keys, k) -> dict[tuple, Cell]:
    """Each group's overall mean as a Cell: n = respondents who answered enough items (`qualified`: group ->
    [respondents, exact sum of their means, the numbers of items they answered]), total = the sum of their means.

    Shown when k respondents qualify and the group's own respondent count may be shown (it is printed only
    beside the overall mean). Can it give a hidden item mean back? A respondent's mean is their sum over
    the items they answered divided by how many they answered (c). When every counted respondent answered
    the same number c, c × the sum of means is the sum of their item totals: the overall mean is then a
    linear function of the item cells, and overall × n × c minus the shown item totals gives a hidden item
    back exactly — the usual case for an item hidden as a complement in a ward where everyone answered
    everything. Such an overall mean is hidden with the item ("complement"). When the counts differ, each
    respondent's answers weigh 1/c and the reader knows neither who answered how many nor their sums: the
    same subtraction leaves, per respondent whose count differs, their own mean over their items as an
    unknown (anywhere on the scale), so a hidden item total is only bounded, by a band as wide as those
    respondents' possible means — narrow only where the shown means sit at the end of the scale, where
    the shown means already tell much (docs/disclosure.md). With one respondent who skipped one item
    and the rest complete, overall × n × m minus the other items' totals is the hidden item's total plus
    exactly that respondent's mean over their m − 1 items. With few items: at 80 % an instrument of 3
    items needs all 3, so everyone counted answered the same number and the rule above hides the overall
    mean with any hidden item; with a share that lets 2 of 3 count, such a respondent's mean over their 2
    items stays unknown (1–5 on a 1–5 scale). Respondents who answered too few items are in the item
    cells but not in the overall mean: another unknown.

    The staff total's overall mean beside the wards' is a margin like every item's: a ward's (n, sum of
    means) is the total's minus the other wards' and the staff with no ward, so protect_margin hides a
    second ward where one is hidden. The respondent counts form a margin too, and a count is shown only
    with its overall mean: a count hidden by its margin hides the overall mean first, so that the overall
    margin sees it hidden."""
    overall: dict[tuple, Cell] = {}
    for key, size in groups.items():
        n, total, answered = qualified.get(key, (0, Fraction(0), set()))
        cell = overall[key] = Cell(n=n, total=float(total))
        if size < k or 0 < n < k:
            cell.hidden, cell.reason = True, "small"
        elif n and len(answered) == 1 and any(c.hidden and c.n for c in cells[key].values()):
            cell.hidden, cell.reason = True, "complement"
    if staff_total in groups and ward_keys:
        def rest_of(whole: Cell, parts: dict) -> dict:
            rest = Cell(n=whole.n - sum(c.n for c in parts.values()), total=0.0)
            return {**parts, None: rest} if rest.n > 0 else parts

        counts = {key: Cell(n=groups[key], total=0.0) for key in ward_keys}
        whole = Cell(n=groups[staff_total], total=0.0)
        protect_margin(Margin(whole, rest_of(whole, {key[0][1]: counts[key] for key in ward_keys})), k)
        for key, count in [*counts.items(), (staff_total, whole)]:
            if count.hidden and not overall[key].hidden:
                overall[key].hidden, overall[key].reason = True, "complement"
        whole = overall[staff_total]
        protect_margin(Margin(whole, rest_of(whole, {key[0][1]: overall[key] for key in ward_keys})), k)
    return overall


def _instrument_table(ins, items, used, shown_rounds, sums, ward_letter, k, lang, round_number, profiles=()) -> InstrumentTable:
    """Table 1: each informant group across the latest rounds. Table 2: this round's staff groups
    (lettered) with their total — the margin that needs complementary suppression.
    `used`: usable responses per (round, instrument, role, workplace); `sums`: (round, role, staff
    workplace of this round or None, item id, answers, sum of values) for the shown rounds; `profiles`:
    (round, role, ward, items answered, sum of values, respondents) of those who answered enough items."""
    groups: dict[tuple, int] = defaultdict(int)  # ((kind, value), round) -> respondents
    for (rnum, _ins, role, wid), count in used.items():
        if rnum not in shown_rounds:
            continue  # earlier rounds are not in the tables
        groups[(("role", role), rnum)] += count
        if role == m.InformantRole.STAFF and wid in ward_letter and rnum == round_number:
            groups[(("ward", ward_letter[wid]), rnum)] += count

    item_ids = [(it.id, it.number) for it in items]  # plain values: ORM attribute access is slow in these loops
    n: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # group -> item id -> answers
    total: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for rnum, role, wid, iid, count, value_sum in sums:
        keys = [(("role", role), rnum)]
        if wid in ward_letter:  # wid is only set for this round's staff
            keys.append((("ward", ward_letter[wid]), rnum))
        for key in keys:
            n[key][iid] += count
            total[key][iid] += value_sum or 0
    cells: dict[tuple, dict[int, Cell]] = {
        key: {number: Cell(n=n[key].get(iid, 0), total=float(total[key].get(iid, 0))) for iid, number in item_ids} for key in groups}

    staff_total = (("role", m.InformantRole.STAFF), round_number)
    ward_keys = sorted((key for key in groups if key[0][0] == "ward"), key=lambda key: (len(key[0][1]), key[0][1]))  # A … Z, AA …
    for _iid, number in item_ids:  # complementary suppression on the staff margin, on exact values
        if staff_total in cells and ward_keys:
            parts = {key[0][1]: cells[key][number] for key in ward_keys}
            # Staff answers with no ward are in the total but in no column: an unpublished part of the
            # margin, so that the total minus the wards cannot reveal them when they are few.
            whole = cells[staff_total][number]
            rest = Cell(n=whole.n - sum(c.n for c in parts.values()), total=whole.total - sum(c.total for c in parts.values()))
            if rest.n > 0:
                parts[None] = rest
            protect_margin(Margin(whole, parts), k)
        protect_cells({str(key): cells[key][number] for key in groups}, k)
    for key, size in groups.items():  # a group too small as a whole shows nothing at all
        if size < k:
            for cell in cells[key].values():
                cell.hidden, cell.reason = True, cell.reason or "small"

    # The overall mean: the mean over respondents of each one's mean over the items they answered.
    qualified: dict[tuple, list] = defaultdict(lambda: [0, Fraction(0), set()])
    for rnum, role, wid, answered, value_sum, count in profiles:
        for key in [(("role", role), rnum)] + ([(("ward", ward_letter[wid]), rnum)] if wid in ward_letter else []):
            if key in groups:
                q = qualified[key]
                q[0] += count
                q[1] += Fraction(int(value_sum), int(answered)) * count
                q[2].add(int(answered))
    overall_cells = _overall_cells(groups, cells, qualified, staff_total, ward_keys, k)

    def grid(caption: str, keys: list[tuple], total_key: tuple | None = None) -> Grid:
        columns, grid_cells, overall, respondents = [], {}, {}, {}
        for ci, key in enumerate(keys):
            (kind, value), rnum = key
            if kind == "ward":
                label = t("report.group_letter", lang, letter=value)
            elif key == total_key:
                label = t("report.total", lang)
            else:
                label = _role_label(value, lang)
            columns.append(Column(label, rnum))
            respondents[ci] = groups[key]
            col = [cells[key][number] for _iid, number in item_ids]
            for (_iid, number), cell in zip(item_ids, col):
                grid_cells[(number, ci)] = cell
            overall[ci] = overall_cells[key]  # shared, like the cells: the staff total is in both grids
        return Grid(caption, columns, grid_cells, overall, respondents,
                    total_column=keys.index(total_key) if total_key in keys else None)

    by_role = [(("role", role), r) for role in ROLE_ORDER for r in shown_rounds if (("role", role), r) in groups]
    grids = [grid(t("report.grid.groups", lang), by_role)]
    if ward_keys:
        total = [staff_total] if staff_total in groups else []
        grids.append(grid(t("report.grid.staff_groups", lang, round=round_number), ward_keys + total, staff_total))
    low = getattr(ins, f"anchor_low_{lang}") or ""
    high = getattr(ins, f"anchor_high_{lang}") or ""
    return InstrumentTable(
        code=ins.code, name=getattr(ins, f"name_{lang}"), scale=f"{ins.scale_min} = {low}, {ins.scale_max} = {high}",
        items=[(it.number, getattr(it, f"text_{lang}")) for it in items], grids=grids,
        scale_min=ins.scale_min, scale_max=ins.scale_max, good_end=ins.good_end,
    )


def _median(counts: dict[int, int]) -> float:
    """statistics.median of the values behind `counts` (value -> how many), without listing them."""
    size = sum(counts.values())
    ordered = sorted(counts.items())

    def nth(i: int) -> int:  # the i-th smallest value, 0-based
        for value, count in ordered:
            if i < count:
                return value
            i -= count
        raise IndexError(i)

    if size % 2:
        return float(nth(size // 2))
    return float((nth(size // 2 - 1) + nth(size // 2)) / 2)


def _patient_questions(ins, items, counts, k, lang) -> list[PatientQuestion]:
    """`counts`: item id -> value -> answers (blanks left out) in this round.

    n counts rated answers only: "not at all / don't know" is no rating. A mean, a median or a count
    of one value needs k rated answers behind it. A value's count below k is hidden (protect_margin,
    with n as the margin). The row also shows the mean, a second sum over the same counts: with n and
    the mean, any two hidden counts (zeros shown beside them) can be solved for, so once one count is
    hidden all the row's value counts go (complementary suppression); n, mean and median stay.
    The don't-know count stands apart from n and is hidden when below k; _patient_total_hidden keeps
    the questionnaire total from giving it back."""
    out = []
    for it in sorted(items, key=lambda i: i.number):
        values = counts.get(it.id, {})
        rated = {v: c for v, c in values.items() if v != ins.extra_value and c}
        size = sum(rated.values())
        hidden = size < k
        scale = [v for v in range(ins.scale_max, ins.scale_min - 1, -1) if v != ins.extra_value]
        cells = {v: Cell(n=rated.get(v, 0), total=0.0) for v in scale}
        if hidden:
            for v, cell in cells.items():
                cell.hidden, cell.reason = True, "small"
        else:
            protect_margin(Margin(Cell(n=size, total=0.0), {str(v): cell for v, cell in cells.items()}), k)
            if any(cell.hidden for cell in cells.values()):
                for cell in cells.values():
                    cell.hidden, cell.reason = True, cell.reason or "complement"
        if ins.extra_value is not None:
            cells[ins.extra_value] = Cell(n=values.get(ins.extra_value, 0), total=0.0)
            protect_cells({"extra": cells[ins.extra_value]}, k)
        out.append(PatientQuestion(
            number=it.number, text=getattr(it, f"text_{lang}"), n=size,
            mean=None if hidden else sum(v * c for v, c in rated.items()) / size,
            median=None if hidden else _median(rated),
            distribution={v: None if cell.hidden else cell.n for v, cell in sorted(cells.items(), reverse=True)}, hidden=hidden,
            suppressed={v: cell.reason for v, cell in sorted(cells.items(), reverse=True) if cell.hidden},
        ))
    return out


def _patient_total_hidden(questions: list[PatientQuestion], ins, items, counts, total: int) -> bool:
    """Whether the patients' questionnaire count in the method table must be hidden too: per question
    it is n + don't-know + blanks. Blanks are never shown; where a hidden n or don't-know count is the
    only part not shown, the total minus the shown parts would give it back (complementary suppression:
    the total goes)."""
    by_number = {it.number: it.id for it in items}
    for q in questions:
        extra = counts.get(by_number[q.number], {}).get(ins.extra_value, 0) if ins.extra_value is not None else 0
        blanks = total - q.n - extra
        unknown = [part for part, size, not_shown in (("n", q.n, q.hidden), ("extra", extra, q.distribution.get(ins.extra_value, 0) is None),
                                                        ("blank", blanks, True)) if not_shown and size > 0]
        if len(unknown) == 1 and unknown[0] != "blank":
            return True
    return False


def _method(s: Session, rnd_round, kept, lang, k: int = MIN_K, hide_patient_total: bool = False,
            usable=None) -> list[tuple[str, int, int, int | None]]:
    """Per role: individual interviews, group-interview participants, and the people who answered this
    round's usable questionnaires — one person answering DREEM and RKI counts once (distinct consents;
    anonymous patient surveys, one form a person, counted per instrument, the largest) — None (not
    shown) below k, as a group's answers are, and the patients' where it would give a hidden count of
    the patient survey back."""
    interviews = s.execute(
        select(m.Interview.informant_role, m.Interview.kind, func.count(), func.sum(m.Interview.participants))
        .where(m.Interview.round_id == rnd_round.id).group_by(m.Interview.informant_role, m.Interview.kind)
    ).all()
    by_role = defaultdict(lambda: [0, 0, 0])
    for role, kind, count, participants in interviews:
        if kind == m.InterviewKind.INDIVIDUAL:
            by_role[role][0] += count
        else:
            by_role[role][1] += int(participants or 0)
    R = m.QuestionnaireResponse
    usable = usable if usable is not None else _usable_response(rnd_round.study_id, dt.date.today())
    if any(rnum == rnd_round.number for rnum, *_ in kept):
        for role, people in s.execute(
            _responses(R.informant_role, func.count(R.consent_id.distinct()))
            .where(R.round_id == rnd_round.id, R.consent_id.is_not(None), usable).group_by(R.informant_role)
        ):
            by_role[role][2] += people
        anonymous = defaultdict(int)
        for role, _ins, forms in s.execute(
            _responses(R.informant_role, R.instrument_id, func.count())
            .where(R.round_id == rnd_round.id, R.consent_id.is_(None), usable).group_by(R.informant_role, R.instrument_id)
        ):
            anonymous[role] = max(anonymous[role], forms)
        for role, people in anonymous.items():
            by_role[role][2] += people
    for role, row in by_role.items():
        if 0 < row[2] < k or (role == m.InformantRole.PATIENT and hide_patient_total):
            row[2] = None
    return [(_role_label(role, lang), *by_role[role]) for role in ROLE_ORDER if role in by_role]


def _response_rates(s: Session, rnd_round, method, k: int, lang: str) -> list[tuple[str, int, int | None, float | None, int | None]]:
    """Per informant group whose forms were counted back: forms handed out, returned, the response rate and the
    usable questionnaires (the method table's count). Fewer than k returned forms hide the returned count and the
    rate; so does a hidden usable count, which the returned count would otherwise give back."""
    from peerdesk.services.survey_logistics import _totals

    totals = _totals(s, rnd_round.id)
    usable = {label: count for label, _i, _g, count in method}
    known = [role.value for role in ROLE_ORDER]
    out = []
    for role in sorted(totals, key=lambda r: (known.index(r) if r in known else len(known), r)):
        handed_out, returned = totals[role]
        label = _role_label(m.InformantRole(role), lang)
        n = usable.get(label, 0)
        hidden = 0 < returned < k or n is None
        rate = returned / handed_out if handed_out and not hidden else None
        out.append((label, handed_out, None if hidden else returned, rate, n))
    return out


def _quotes(s: Session, rnd_round, today, kq, lang) -> tuple[dict[str, list[tuple[str, str]]], set[int]]:
    """Approved quotes that may print, and the consents behind them. A quote prints only if it belongs
    to an interview of this round whose every participant has a consent covering the interview's kind
    (interviews, or focus groups for a group interview, focus group or dialogue seminar) that is signed, valid and not withdrawn today;
    an interview with more participants than linked consents waits for the rest. A role's quotes
    print only when at least `kq` distinct people of that role are behind such interviews: people,
    not interviews, consents or the `participants` number. Unlinked quotes never print."""
    from peerdesk.services.interview_consents import person_key

    study = rnd_round.study_id
    if not study:
        return {}, set()  # no study, no consent: nothing may print
    Iv, IP, C = m.Interview, m.InterviewParticipant, m.Consent
    allowed = case((Iv.kind.in_(list(m.GROUP_KINDS)), case((usable_clause(study, "focus_groups", today), 1), else_=0)),
                   else_=case((usable_clause(study, "interviews", today), 1), else_=0))
    interviews: dict[int, dict] = {}
    for iid, role, participants, cid, c_role, peer, manager, code, name, ok in s.execute(
        select(Iv.id, Iv.informant_role, Iv.participants, C.id, C.informant_role, C.peer_supporter_id, C.manager_id,
               C.informant_code, C.informant_name, allowed)
        .join(IP, IP.interview_id == Iv.id).join(C, C.id == IP.consent_id).where(Iv.round_id == rnd_round.id)
    ):
        iv = interviews.setdefault(iid, {"role": role, "participants": participants, "ok": True, "consents": set(), "people": set()})
        iv["ok"] = iv["ok"] and bool(ok) and c_role == role
        iv["consents"].add(cid)
        iv["people"].add(person_key(c_role, peer, manager, code, name))
    usable = {iid: iv for iid, iv in interviews.items() if iv["ok"] and len(iv["people"]) >= iv["participants"]}
    people: dict = defaultdict(set)  # role -> distinct people behind interviews whose quotes may print
    for iv in usable.values():
        people[iv["role"]] |= iv["people"]
    # With too few people of a role, its quotes could not stay anonymous: they are not even read.
    attribution = {role: t("report.attribution", lang, role=_role_label(role, lang, plural=False), round=rnd_round.number)
                   for role, who in people.items() if len(who) >= kq}
    if not attribution:
        return {}, set()
    themes = {th.id: getattr(th, f"name_{lang}") for th in s.scalars(select(m.Theme))}
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    used: set[int] = set()
    for text, role, theme_id, interview_id in s.execute(
        select(m.Quote.text, m.Quote.informant_role, m.Quote.theme_id, m.Quote.interview_id)
        .where(m.Quote.round_id == rnd_round.id, m.Quote.status == m.QuoteStatus.APPROVED,
               m.Quote.interview_id.in_(list(usable)), m.Quote.informant_role.in_(attribution))
        .order_by(m.Quote.id)
    ):
        if usable[interview_id]["role"] != role:
            continue  # a quote speaks with its interview's role (services/evaluation refuses anything else)
        used |= usable[interview_id]["consents"]
        out[themes.get(theme_id, t("report.no_theme", lang))].append((text, attribution[role]))
    return dict(out), used


def _quotes_and_comments(s: Session, rnd_round, today, kq, lang) -> tuple[dict[str, list[tuple[str, str]]], set[int]]:
    """Interview quotes and respondents' comment quotes (services/patient_comments), merged by theme."""
    from peerdesk.services import patient_comments

    quotes, used = _quotes(s, rnd_round, today, kq, lang)
    comments, comment_consents = patient_comments.printable(s, rnd_round, today, kq, lang)
    for theme, rows in comments.items():
        quotes.setdefault(theme, []).extend(rows)
    return quotes, used | comment_consents


@operation(A, E)
def deidentified_rows(s: Session, round_number: int, instrument_code: str, today: dt.date | None = None, seed: int | None = None,
                      codes: RespondentCodes | None = None) -> list[dict]:
    """One round's answers for the evaluator's own statistics: respondent codes replaced by
    pseudonyms new for each export (`codes`: one set shared by the instruments of one export, so a
    person's rows join), workplaces by the study's group letters, dates reduced to the round;
    only informants whose consent covers questionnaires and is not withdrawn."""
    today = today or dt.date.today()
    rnd = random.Random(seed) if seed is not None else random.SystemRandom()
    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == round_number))
    # The version of the instrument the round's questionnaires were answered on (the newest, if several).
    answered = select(m.QuestionnaireResponse.id).where(
        m.QuestionnaireResponse.instrument_id == m.Instrument.id,
        m.QuestionnaireResponse.round_id == (rnd_round.id if rnd_round is not None else None)).exists()
    ins = s.scalar(select(m.Instrument).where(m.Instrument.code == instrument_code)
                   .order_by(answered.desc(), m.Instrument.edition.desc()).limit(1))
    if rnd_round is None:
        raise ValidationError("error.no_such_round", field="round_id", number=round_number)
    if ins is None:
        raise ValidationError("error.no_such_instrument", field="instrument_id", code=instrument_code)
    usable = _Usable(s, rnd_round.study_id, today)
    responses = [
        r for r in s.scalars(select(m.QuestionnaireResponse).where(
            m.QuestionnaireResponse.round_id == rnd_round.id, m.QuestionnaireResponse.instrument_id == ins.id))
        if usable(r.consent_id, r.informant_role, "questionnaires", anonymous=r.anonymous)
    ]
    letters = letters_for(s, rnd_round, {r.workplace_id for r in responses if r.workplace_id}, rnd)
    rnd.shuffle(responses)  # row order says nothing either
    codes = codes if codes is not None else RespondentCodes(rnd)
    items = [it for it in ins.items if not it.open_ended]
    out = []
    for r in responses:
        values = {a.item_id: a.value for a in r.answers}
        row = {"respondent": codes.code_for(r), "round": round_number, "role": r.informant_role.value,
               "group": letters.get(r.workplace_id, "")}
        row.update({f"item_{it.number}": values.get(it.id) for it in items})
        out.append(row)
    return out


@operation(A, E)
def save_section(s: Session, round_id: int, title: str, body: str, placement: str | None = None) -> m.ReportSection:
    """The evaluator's text under a heading: replaced when the same heading is saved again. `placement`:
    "before" the results (introduction, method) or "after" them (discussion); a new section goes after
    unless told, a saved one keeps its place unless told."""
    from peerdesk.services.records import create, update

    if placement is not None and placement not in {p.value for p in m.SectionPlacement}:
        raise ValidationError("error.invalid_choice", field="placement")
    existing = s.scalar(select(m.ReportSection).where(m.ReportSection.round_id == round_id, m.ReportSection.title == title))
    if existing is not None:
        return update(s, m.ReportSection, existing.id, existing.version, body=body,
                      **({"placement": placement} if placement is not None else {}))
    position = (s.scalar(select(func.max(m.ReportSection.position)).where(m.ReportSection.round_id == round_id)) or 0) + 1
    return create(s, m.ReportSection, round_id=round_id, position=position, title=title, body=body,
                  placement=placement or m.SectionPlacement.AFTER.value)


@operation(A, E)
def record_produced(s: Session, data: RoundReportData, output: str | None = None) -> int:
    """Remember which consents a produced round report used, so a later withdrawal can list it."""
    from peerdesk.services.consent_use import record_report_run

    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == data.round_number))
    return record_report_run(s, "round_report", data.included_consents, study_id=rnd_round.study_id, round_id=rnd_round.id,
                             output=output)
