"""Issue 16, attack 6: the patient survey showed a mean and a median from one answer when the other
answers were "not applicable", and its per-value counts showed single answers.

n now counts rated answers only (not "not at all / don't know", not blanks); a mean, a median or a
count needs k answers behind it; a hidden count cannot be worked back from n, the mean or the
questionnaire total. The PDF is read back as an outside reader would."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader

from peerdesk.reports.round_report import build
from peerdesk.services import evaluation, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f

TODAY = dt.date(2026, 6, 1)
K = 5  # report.min_group_size's default


def _survey(s, answers_per_patient: list[dict[int, int | None]]) -> None:
    """Round 1 with anonymous patient surveys: one dict of item number -> value per patient."""
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    ins = f.instrument(s, "PATIENT")
    for i, answers in enumerate(answers_per_patient):
        evaluation.record_response(s, rnd.id, ins.id, f"PAT-{i:02d}", "patient", answers)


def _pdf_text(data, tmp_path) -> str:
    path = tmp_path / "omgang-1.pdf"
    build(data, str(path))
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _patient_row(text: str, lang: str = "en") -> list[str]:
    """The cells after question 1's text, up to question 2: n, mean, median, counts 7 … 0."""
    start = text.index("1. Has your time as a patient" if lang == "en" else "1. Har din tid som patient")
    row = text[start:text.index("2. ", start)]
    row = row[row.index("?") + 1:]  # after the question's text
    return row.split()


def _method_row(text: str, label: str) -> list[str]:
    """The method table's cells after a role's label: individual, group participants, respondents (people)."""
    method = text[text.index("Respondents (people)" if "Respondents (people)" in text else "Svarande (personer)"):].split("\n")
    at = method.index(label)
    return method[at + 1:at + 4]


def test_one_rated_answer_among_not_applicable_shows_no_mean_median_or_counts(db, tmp_path):
    # Twelve patients: one rates question 1 with a 2, eleven say "not at all / don't know" (0).
    with db.begin(SYSTEM) as s:
        _survey(s, [{1: 2, 2: 6, 3: 6, 4: 6}] + [{1: 0, 2: 6, 3: 6, 4: 6} for _ in range(11)])
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
    q1 = data.patient[0]
    assert q1.n == 1  # "not applicable" is no rating
    assert q1.hidden and q1.mean is None and q1.median is None
    assert all(q1.distribution[v] is None for v in range(1, 8))
    assert q1.distribution[0] == 11  # eleven "don't know" is no small group
    row = _patient_row(_pdf_text(data, tmp_path))
    assert row[:3] == ["–", "–", "–"]  # n, mean, median
    assert row[3:10] == ["–"] * 7 and row[10] == "11"
    assert "2,00" not in row and "2.00" not in row and "1" not in row


def test_a_count_of_one_is_hidden_and_cannot_be_worked_back_from_n_or_the_mean(db, tmp_path):
    # Question 1: six 7s, five 6s and one 3 (n = 12). The 3 is one person's answer.
    answers = [7] * 6 + [6] * 5 + [3]
    with db.begin(SYSTEM) as s:
        _survey(s, [{1: v, 2: 5, 3: 5, 4: 5} for v in answers])
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
    q1 = data.patient[0]
    assert q1.n == 12 and round(q1.mean, 2) == 6.25 and q1.median == 6.5  # behind 12 answers: shown
    assert q1.distribution[3] is None and q1.suppressed[3] == "small"
    row = _patient_row(_pdf_text(data, tmp_path))
    n, mean = int(row[0]), float(row[1].replace(",", "."))
    counts = row[3:10]  # 7 … 1
    shown = {7 - i: int(c) for i, c in enumerate(counts) if c != "–"}
    hidden = [7 - i for i, c in enumerate(counts) if c == "–"]
    assert 3 in hidden
    # By subtraction from n: with one cell hidden the rest would give it; here none is left to subtract from.
    assert len(hidden) >= 2
    # With n and the mean a reader has two equations; the counts shown must leave the hidden ones open:
    # more than one way to fill the hidden cells (each at least 1, as a hidden cell is never 0) fits both.
    rest_n, rest_sum = n - sum(shown.values()), round(mean * n) - sum(v * c for v, c in shown.items())

    def fillings(values, left_n, left_sum):
        if not values:
            return 1 if left_n == 0 and left_sum == 0 else 0
        v, *others = values
        return sum(fillings(others, left_n - c, left_sum - v * c) for c in range(left_n + 1))

    assert fillings(hidden, rest_n, rest_sum) > 1
    assert "1" not in counts  # no single answer shows anywhere in the row


def test_counts_all_at_least_k_are_shown(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _survey(s, [{1: v, 2: 4, 3: 4, 4: 4} for v in [7] * 5 + [5] * 6])
        data = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1)
    q1 = data.patient[0]
    assert q1.n == 11 and q1.distribution[7] == 5 and q1.distribution[5] == 6 and q1.distribution[6] == 0
    row = _patient_row(_pdf_text(data, tmp_path), "sv")
    assert row[0] == "11" and row[3:11] == ["5", "0", "6", "0", "0", "0", "0", "0"]


def test_the_questionnaire_total_does_not_give_a_hidden_dont_know_count_back(db, tmp_path):
    # Six patients, none leaves question 1 blank: five rate it, one says "don't know". n = 5 is shown, and
    # the method table's 6 questionnaires minus 5 would be that one person's "don't know".
    with db.begin(SYSTEM) as s:
        _survey(s, [{1: 6, 2: 6, 3: 6, 4: 6}] * 5 + [{1: 0, 2: 6, 3: 6, 4: 6}])
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
    assert data.patient[0].n == 5 and data.patient[0].distribution[0] is None
    patients = next(row for row in data.method if row[0] == "Patients")
    assert patients[3] is None
    text = _pdf_text(data, tmp_path)
    assert _method_row(text, "Patients")[-1] == "–"
    assert "fewer than 5 respondents" in text and "worked out from n and the mean" in text


def test_method_table_hides_a_role_with_fewer_than_k_questionnaires(db, tmp_path):
    from peerdesk import models as m
    from peerdesk.services import records

    with db.begin(SYSTEM) as s:
        study = f.study(s)
        rnd = f.round_(s, number=1, study_id=study.id)
        dreem = f.instrument(s, "DREEM-OK")
        for i in range(2):
            mg = records.create(s, m.Manager, name=f"Chef {i}")
            c = records.create(s, m.Consent, study_id=study.id, informant_role="manager", manager_id=mg.id,
                                signed_on="2025-01-01", valid_until="2027-12-31")
            evaluation.record_response(s, rnd.id, dreem.id, f"M{i}", "manager", {it.number: 2 for it in dreem.items}, consent_id=c.id)
        data = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1)
    assert [row[3] for row in data.method] == [None]
    assert _method_row(_pdf_text(data, tmp_path), "Chefer")[-1] == "–"


# ------------------------------------------------------------------ the rule on any answers
from types import SimpleNamespace  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

_INS = SimpleNamespace(scale_min=1, scale_max=7, extra_value=0)
_ITEM = SimpleNamespace(id=1, number=1, text_en="Q", text_sv="F")


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 7), st.integers(1, 14), max_size=8), st.integers(3, 7))
def test_no_published_figure_stands_on_fewer_than_k_answers(counts, k):
    (q,) = round_report._patient_questions(_INS, [_ITEM], {1: counts}, k, "en")
    rated = {v: c for v, c in counts.items() if v != 0}
    assert q.n == sum(rated.values())  # "don't know" is no rating
    assert (q.mean is None) == (q.median is None) == q.hidden == (q.n < k)
    shown = {v: c for v, c in q.distribution.items() if c is not None}
    assert all(c == 0 or c >= k for c in shown.values())  # no count below k shows
    assert all(shown[v] == counts.get(v, 0) for v in shown)  # and what shows is true
    hidden = [v for v in range(1, 8) if q.distribution[v] is None and counts.get(v, 0)]
    # n minus the shown counts leaves at least two hidden counts (or none), and with the mean shown, all go
    assert len(hidden) != 1 or q.hidden
    if hidden and not q.hidden:
        assert all(q.distribution[v] is None for v in range(1, 8))
