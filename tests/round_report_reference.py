"""The round report's gathering as it was before it moved to SQL: every answer read into Python
and grouped there, the consent rule asked of consent_use per informant. Kept as the obvious
reference that tests/test_round_report_equivalence.py compares the fast version with; when a
report rule changes, change it here too."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import t
from peerdesk.services.round_report import (
    ROLE_ORDER,
    Column,
    Grid,
    InstrumentTable,
    PatientQuestion,
    RoundReportData,
    _role_label,
)
from peerdesk.services.group_letters import letters_for
from peerdesk.services.suppression import MIN_K, Cell, Margin, effective_k, protect_cells, protect_margin


class _Usable:
    """Which informants' data may be used, asked of the consent service (services.consent_use):
    consent covering the scope, signed, valid and not withdrawn. Anonymous patient surveys
    (no consent record) are consented to by answering."""

    def __init__(self, s: Session, study_id: int | None, on: dt.date) -> None:
        from peerdesk.services.consent_use import SCOPES, usable_consent_ids

        self.ids = {scope: (usable_consent_ids(s, study_id, scope, on) if study_id else set()) for scope in SCOPES}

    def __call__(self, consent_id: int | None, role: m.InformantRole, *scopes: str, anonymous: bool = False) -> bool:
        if consent_id is None:
            return anonymous and role == m.InformantRole.PATIENT and "questionnaires" in scopes
        return any(consent_id in self.ids[scope] for scope in scopes)


def gather(s: Session, round_number: int, lang: str = "sv", today: dt.date | None = None, seed: int | None = None) -> RoundReportData:
    from peerdesk.services.settings import get_setting

    today = today or dt.date.today()
    rnd = random.Random(seed) if seed is not None else random.SystemRandom()
    rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == round_number))
    if rnd_round is None:
        raise ValidationError("error.no_such_round", field="round_id", number=round_number)
    k = effective_k(get_setting(s, "report.min_group_size"))
    kq = max(MIN_K, int(get_setting(s, "report.min_quote_informants")))
    share = get_setting(s, "report.min_share_answered")
    rounds = {r.id: r.number for r in s.scalars(select(m.EvaluationRound).where(m.EvaluationRound.number <= round_number))}
    usable = _Usable(s, rnd_round.study_id, today)

    # Questionnaire responses of this and earlier rounds whose consent allows it.
    responses = s.execute(
        select(m.QuestionnaireResponse.id, m.QuestionnaireResponse.round_id, m.QuestionnaireResponse.instrument_id,
               m.QuestionnaireResponse.informant_role, m.QuestionnaireResponse.workplace_id, m.QuestionnaireResponse.consent_id,
               m.QuestionnaireResponse.anonymous)
        .where(m.QuestionnaireResponse.round_id.in_(rounds))
    ).all()
    kept, excluded, used_consents, consent_of = {}, 0, set(), {}
    for rid, round_id, ins_id, role, wid, cid, anonymous in responses:
        if usable(cid, role, "questionnaires", anonymous=anonymous):
            kept[rid] = (rounds[round_id], ins_id, role, wid)
            consent_of[rid] = cid
            if cid:
                used_consents.add(cid)
        else:
            excluded += 1
    answers = defaultdict(list)  # response id -> [(item id, value)]
    if kept:
        for resp_id, item_id, value in s.execute(
            select(m.Answer.response_id, m.Answer.item_id, m.Answer.value).where(m.Answer.response_id.in_(list(kept)))
        ):
            answers[resp_id].append((item_id, value))

    instruments = []
    patient: list[PatientQuestion] = []
    hide_patient_total = False
    staff_wards = sorted({wid for (_, _, role, wid) in kept.values() if role == m.InformantRole.STAFF and wid})
    ward_letter = letters_for(s, rnd_round, staff_wards, rnd)  # the study's stored letters
    for ins in s.scalars(select(m.Instrument).order_by(m.Instrument.id)):
        used = {rid: v for rid, v in kept.items() if v[1] == ins.id}
        if not used:
            continue
        items = [it for it in ins.items if not it.open_ended]
        item_by_id = {it.id: it for it in items}
        if ins.code == "PATIENT":
            patient = _patient_questions(ins, item_by_id, used, answers, round_number, k, lang)
            total = sum(1 for rnum, _i, role, _w in kept.values() if rnum == round_number and role == m.InformantRole.PATIENT)
            hide_patient_total = _patient_total_hidden(patient, ins, item_by_id, used, answers, round_number, total)
            continue
        instruments.append(_instrument_table(ins, items, item_by_id, used, answers, ward_letter, k, lang, round_number, share))

    method = _method(s, rnd_round, kept, lang, k, hide_patient_total, consent_of)
    quotes, quote_consents = _quotes(s, rnd_round, usable, kq, lang)
    used_consents |= quote_consents
    sections = [(sec.title, sec.body, sec.placement) for sec in s.scalars(
        select(m.ReportSection).where(m.ReportSection.round_id == rnd_round.id).order_by(m.ReportSection.position, m.ReportSection.id))]
    study = s.get(m.Study, rnd_round.study_id) if rnd_round.study_id else None
    return RoundReportData(
        lang=lang, round_number=round_number,
        period=f"{rnd_round.start_date.isoformat()} – {rnd_round.end_date.isoformat() if rnd_round.end_date else ''}",
        study=study.name if study else None, method=method, instruments=instruments, patient=patient, quotes=quotes, sections=sections, k=k,
        included_consents=sorted(used_consents), excluded_responses=excluded, method_counts="people",
        min_share_answered=share,
    )


ROUNDS_SHOWN = 3  # this round beside the two before it, as in the source report's Figure 1


def _instrument_table(ins, items, item_by_id, used, answers, ward_letter, k, lang, round_number, share) -> InstrumentTable:
    """Table 1: each informant group across the latest rounds. Table 2: this round's staff groups
    (lettered) with their total — the margin that needs complementary suppression."""
    groups: dict[tuple, list[int]] = defaultdict(list)  # ((kind, value), round) -> response ids
    for rid, (rnum, _ins, role, wid) in used.items():
        groups[(("role", role), rnum)].append(rid)
        if role == m.InformantRole.STAFF and wid in ward_letter and rnum == round_number:
            groups[(("ward", ward_letter[wid]), rnum)].append(rid)
    shown_rounds = sorted({key[1] for key in groups})[-ROUNDS_SHOWN:]

    cells: dict[tuple, dict[int, Cell]] = {}
    item_ids = [(it.id, it.number) for it in items]
    for key, rids in groups.items():  # one pass over the group's answers (not one per item: 20 rounds are 300k answers)
        n: dict[int, int] = defaultdict(int)
        total: dict[int, int] = defaultdict(int)
        for rid in rids:
            for iid, v in answers[rid]:
                if v is not None:
                    n[iid] += 1
                    total[iid] += v
        cells[key] = {number: Cell(n=n.get(iid, 0), total=float(total.get(iid, 0))) for iid, number in item_ids}

    staff_total = (("role", m.InformantRole.STAFF), round_number)
    ward_keys = sorted((key for key in groups if key[0][0] == "ward"), key=lambda key: (len(key[0][1]), key[0][1]))  # A … Z, AA …
    for it in items:  # complementary suppression on the staff margin, on exact values
        if staff_total in cells and ward_keys:
            parts = {key[0][1]: cells[key][it.number] for key in ward_keys}
            whole = cells[staff_total][it.number]  # staff with no ward: an unpublished part (as the app since the fix)
            rest = Cell(n=whole.n - sum(c.n for c in parts.values()), total=whole.total - sum(c.total for c in parts.values()))
            if rest.n > 0:
                parts[None] = rest
            protect_margin(Margin(whole, parts), k)
        protect_cells({str(key): cells[key][it.number] for key in groups}, k)
    for key, rids in groups.items():  # a group too small as a whole shows nothing at all
        if len(rids) < k:
            for cell in cells[key].values():
                cell.hidden, cell.reason = True, cell.reason or "small"

    # Overall mean: each respondent's mean over the items they answered, for those who answered at least
    # `share` of the items; the mean of those means. Hidden below k, or (everyone counted answered the same
    # number of items, so it is the item totals' sum over that number) beside a hidden item.
    need = 1
    while Fraction(need, len(items)) < Fraction(str(share)):
        need += 1
    overall_of: dict[tuple, Cell] = {}
    for key, rids in groups.items():
        means, counts = [], set()
        for rid in rids:
            values = [v for iid, v in answers[rid] if iid in item_by_id and v is not None]
            if len(values) >= need:
                means.append(Fraction(sum(values), len(values)))
                counts.add(len(values))
        cell = overall_of[key] = Cell(n=len(means), total=float(sum(means, Fraction(0))))
        if len(rids) < k or 0 < len(means) < k:
            cell.hidden, cell.reason = True, "small"
        elif means and len(counts) == 1 and any(c.hidden and c.n for c in cells[key].values()):
            cell.hidden, cell.reason = True, "complement"
    if staff_total in groups and ward_keys:
        # Respondent counts are a margin; a count is shown only with its overall mean.
        counts = {key[0][1]: Cell(n=len(groups[key]), total=0.0) for key in ward_keys}
        whole = Cell(n=len(groups[staff_total]), total=0.0)
        if whole.n - sum(c.n for c in counts.values()) > 0:
            counts[None] = Cell(n=whole.n - sum(c.n for c in counts.values()), total=0.0)
        protect_margin(Margin(whole, counts), k)
        for key in ward_keys + [staff_total]:
            count = whole if key == staff_total else counts[key[0][1]]
            if count.hidden and not overall_of[key].hidden:
                overall_of[key].hidden, overall_of[key].reason = True, "complement"
        parts = {key[0][1]: overall_of[key] for key in ward_keys}
        whole = overall_of[staff_total]
        if whole.n - sum(c.n for c in parts.values()) > 0:
            parts[None] = Cell(n=whole.n - sum(c.n for c in parts.values()), total=0.0)
        protect_margin(Margin(whole, parts), k)

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
            respondents[ci] = len(groups[key])
            col = [cells[key][it.number] for it in items]
            for it, cell in zip(items, col):
                grid_cells[(it.number, ci)] = cell
            overall[ci] = overall_of[key]
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


def _patient_questions(ins, item_by_id, used, answers, round_number, k, lang) -> list[PatientQuestion]:
    rids = [rid for rid, v in used.items() if v[0] == round_number]
    out = []
    for it in sorted(item_by_id.values(), key=lambda i: i.number):
        values = [v for rid in rids for (iid, v) in answers[rid] if iid == it.id and v is not None]
        rated = [v for v in values if v != ins.extra_value]
        hidden = len(rated) < k
        scale = [v for v in range(ins.scale_max, ins.scale_min - 1, -1) if v != ins.extra_value]
        counts = {v: rated.count(v) for v in scale}
        if hidden:
            reasons = {v: "small" for v in scale}
        elif any(0 < c < k for c in counts.values()):  # one hidden count hides them all (n and the mean are shown)
            reasons = {v: "small" if 0 < c < k else "complement" for v, c in counts.items()}
        else:
            reasons = {}
        dist = {v: None if v in reasons else c for v, c in counts.items()}
        if ins.extra_value is not None:
            extra = values.count(ins.extra_value)
            dist[ins.extra_value] = None if 0 < extra < k else extra
            if 0 < extra < k:
                reasons[ins.extra_value] = "small"
        out.append(PatientQuestion(
            number=it.number, text=getattr(it, f"text_{lang}"), n=len(rated),
            mean=None if hidden else sum(rated) / len(rated),
            median=None if hidden else float(statistics.median(rated)),
            distribution=dict(sorted(dist.items(), reverse=True)), hidden=hidden,
            suppressed=dict(sorted(reasons.items(), reverse=True)),
        ))
    return out


def _patient_total_hidden(questions, ins, item_by_id, used, answers, round_number, total) -> bool:
    """Total = n + don't-know + blanks per question: hidden when a hidden count is all it leaves out."""
    rids = [rid for rid, v in used.items() if v[0] == round_number]
    number_to_id = {it.number: iid for iid, it in item_by_id.items()}
    for q in questions:
        extra = sum(1 for rid in rids for (iid, v) in answers[rid] if iid == number_to_id[q.number] and v == ins.extra_value)
        blanks = total - q.n - extra
        unknown = [q.hidden and q.n > 0, q.distribution.get(ins.extra_value, 0) is None and extra > 0, blanks > 0]
        if sum(unknown) == 1 and not unknown[2]:
            return True
    return False


def _method(s: Session, rnd_round, kept, lang, k, hide_patient_total, consent_of) -> list[tuple[str, int, int, int | None]]:
    """Questionnaire respondents counted as people: distinct consents; anonymous forms (one a person)
    per instrument, the largest count."""
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
    people, anonymous = defaultdict(set), defaultdict(lambda: defaultdict(int))
    for rid, (rnum, ins, role, _wid) in kept.items():
        if rnum == rnd_round.number:
            if consent_of[rid] is None:
                anonymous[role][ins] += 1
            else:
                people[role].add(consent_of[rid])
    for role in set(people) | set(anonymous):
        by_role[role][2] += len(people[role]) + max(anonymous[role].values(), default=0)
    for role, row in by_role.items():  # too few questionnaires, or the patients' total giving a hidden count back
        if 0 < row[2] < k or (role == m.InformantRole.PATIENT and hide_patient_total):
            row[2] = None
    return [(_role_label(role, lang), *by_role[role]) for role in ROLE_ORDER if role in by_role]


def _person(c: m.Consent) -> tuple:
    """Who signed: a peer supporter or manager by id, anyone else by code (else name), case and spaces folded."""
    if c.informant_role == m.InformantRole.PEER_SUPPORTER:
        return ("peer", c.peer_supporter_id)
    if c.informant_role == m.InformantRole.MANAGER:
        return ("manager", c.manager_id)
    if c.informant_code and c.informant_code.strip():
        return (c.informant_role.value, "code", c.informant_code.strip().lower())
    return (c.informant_role.value, "name", " ".join((c.informant_name or "").split()).lower())


def _quotes(s: Session, rnd_round, usable, kq, lang) -> tuple[dict[str, list[tuple[str, str]]], set[int]]:
    # An interview's quotes may print when every participant has a linked consent of the interview's role
    # that may be used for its kind; the role's people are counted from those interviews.
    ok_interviews: dict[int, tuple[m.Interview, list[m.Consent]]] = {}
    for iv in s.scalars(select(m.Interview).where(m.Interview.round_id == rnd_round.id)):
        consents = [s.get(m.Consent, p.consent_id) for p in s.scalars(
            select(m.InterviewParticipant).where(m.InterviewParticipant.interview_id == iv.id))]
        scope = "focus_groups" if iv.kind == m.InterviewKind.GROUP else "interviews"
        people = {_person(c) for c in consents}
        if consents and len(people) >= iv.participants and all(
                c.informant_role == iv.informant_role and usable(c.id, c.informant_role, scope) for c in consents):
            ok_interviews[iv.id] = (iv, consents)
    people_of: dict = defaultdict(set)
    for iv, consents in ok_interviews.values():
        people_of[iv.informant_role] |= {_person(c) for c in consents}
    themes = {th.id: getattr(th, f"name_{lang}") for th in s.scalars(select(m.Theme))}
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    used: set[int] = set()
    for q in s.scalars(select(m.Quote).where(m.Quote.round_id == rnd_round.id, m.Quote.status == m.QuoteStatus.APPROVED).order_by(m.Quote.id)):
        if q.interview_id not in ok_interviews:
            continue  # unlinked, or someone in the interview may not be used
        iv, consents = ok_interviews[q.interview_id]
        if iv.informant_role != q.informant_role or len(people_of[q.informant_role]) < kq:
            continue  # too few people of that role for a quote to stay anonymous
        used |= {c.id for c in consents}
        attribution = t("report.attribution", lang, role=_role_label(q.informant_role, lang, plural=False), round=rnd_round.number)
        out[themes.get(q.theme_id, t("report.no_theme", lang))].append((q.text, attribution))
    return dict(out), used
