"""Attack 10 of issue #16: group letters were reshuffled on every run, so the same report made twice put
one ward under Group B and then under Group D, and a staff group could not be followed across rounds.
Each ward now gets its letter once per study, at random, and keeps it in every report and export."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.services import evaluation, records, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f

TODAY = dt.date(2026, 6, 1)


def _answer(s, study_id, rnd_round, dreem, ward_ids, tag):
    """Five staff answers per ward; every answer of ward w is w + 1, so a group's mean names its ward."""
    for w, ward_id in enumerate(ward_ids):
        for i in range(5):
            code = f"{tag}-W{w}-{i}"
            c = records.create(s, m.Consent, study_id=study_id, informant_role="staff", informant_code=code,
                               signed_on="2025-01-01", valid_until="2027-12-31")
            evaluation.record_response(s, rnd_round.id, dreem.id, code, "staff", {it.number: w + 1 for it in dreem.items},
                                       workplace_id=ward_id, consent_id=c.id)


def _office(s, wards=5, rounds=(3, 4)):
    study = f.study(s)
    dreem = f.instrument(s, "DREEM-OK")
    ward_ids = [f.workplace(s, name=f"Avdelning {w}").id for w in range(wards)]
    for number in rounds:
        _answer(s, study.id, f.round_(s, number=number, study_id=study.id), dreem, ward_ids, f"r{number}")
    return study, ward_ids


def _ward_of_letter(data) -> dict[str, int]:
    """Letter -> ward index, read from the report's staff-group table (the mean of item 1 is ward + 1)."""
    grid = data.instruments[0].grids[1]
    out = {}
    for ci, column in enumerate(grid.columns):
        if column.group.startswith("Group "):
            cell = grid.cells[(1, ci)]
            out[column.group.split()[-1]] = round(cell.total / cell.n) - 1
    return out


def test_the_same_report_made_again_keeps_every_wards_letter(db):
    with db.begin(SYSTEM) as s:
        _office(s, rounds=(3,))
    made = []
    for _ in range(5):  # a new unit of work each time, as a new run of the report is
        with db.begin(SYSTEM) as s:
            made.append(_ward_of_letter(round_report.gather(s, 3, lang="en", today=TODAY)))
    assert len(made[0]) == 5
    assert all(letters == made[0] for letters in made), made


def test_a_ward_keeps_its_letter_from_round_3_to_round_4(db):
    with db.begin(SYSTEM) as s:
        _office(s, rounds=(3, 4))
    with db.begin(SYSTEM) as s:
        round3 = _ward_of_letter(round_report.gather(s, 3, lang="en", today=TODAY))
    with db.begin(SYSTEM) as s:
        round4 = _ward_of_letter(round_report.gather(s, 4, lang="en", today=TODAY))
    assert len(round3) == 5 and round3 == round4


def test_the_export_uses_the_reports_letters(db):
    with db.begin(SYSTEM) as s:
        _office(s, rounds=(3,))
        report = _ward_of_letter(round_report.gather(s, 3, lang="en", today=TODAY))
    with db.begin(SYSTEM) as s:
        rows = round_report.deidentified_rows(s, 3, "DREEM-OK", today=TODAY)
    exported = {row["group"]: row["item_1"] - 1 for row in rows}
    assert exported == report


def test_letters_are_drawn_at_random_not_in_ward_order(db):
    """Over several studies the letters, read in the wards' register order, are not always A, B, C, …"""
    orders = set()
    for n in range(6):
        with db.begin(SYSTEM) as s:
            study = f.study(s, name=f"Studie {n}")
            dreem = f.instrument(s, "DREEM-OK") if n == 0 else s.scalar(select(m.Instrument).where(m.Instrument.code == "DREEM-OK"))
            ward_ids = [f.workplace(s, name=f"Avdelning {n}-{w}").id for w in range(4)]
            _answer(s, study.id, f.round_(s, number=10 + n, study_id=study.id), dreem, ward_ids, f"s{n}")
        with db.begin(SYSTEM) as s:
            letters = _ward_of_letter(round_report.gather(s, 10 + n, lang="en", today=TODAY))
            orders.add(tuple(sorted(letters, key=letters.get)))
    assert len(orders) > 1 and orders != {("A", "B", "C", "D")}


def test_a_ward_that_joins_later_gets_a_free_letter_and_the_others_keep_theirs(db):
    with db.begin(SYSTEM) as s:
        study, ward_ids = _office(s, wards=4, rounds=(3,))
    with db.begin(SYSTEM) as s:
        round3 = _ward_of_letter(round_report.gather(s, 3, lang="en", today=TODAY))
    with db.begin(SYSTEM) as s:
        new_ward = f.workplace(s, name="Avdelning ny").id
        dreem = s.scalar(select(m.Instrument).where(m.Instrument.code == "DREEM-OK"))
        _answer(s, study.id, f.round_(s, number=4, study_id=study.id), dreem, [*ward_ids, new_ward], "r4")
    with db.begin(SYSTEM) as s:
        round4 = _ward_of_letter(round_report.gather(s, 4, lang="en", today=TODAY))
    assert {letter: w for letter, w in round4.items() if w < 4} == round3
    assert len(set(round4)) == 5
    with db.session(SYSTEM) as s:
        stored = s.execute(select(m.GroupLetter.workplace_id, m.GroupLetter.letter).where(m.GroupLetter.study_id == study.id)).all()
    assert len(stored) == 5 and len({letter for _, letter in stored}) == 5


def test_a_round_without_a_study_keeps_its_own_letters(db):
    """Patients answer anonymously, so a round without a study still has ward groups in its export."""
    with db.begin(SYSTEM) as s:
        rnd_round = f.round_(s, number=7)
        patient = f.instrument(s, "PATIENT")
        for w in range(3):
            ward = f.workplace(s, name=f"Avdelning P{w}").id
            for i in range(3):
                evaluation.record_response(s, rnd_round.id, patient.id, f"PAT-{w}-{i}", "patient", {1: w + 1}, workplace_id=ward)
    runs = []
    for _ in range(4):
        with db.begin(SYSTEM) as s:
            runs.append({row["group"]: row["item_1"] for row in round_report.deidentified_rows(s, 7, "PATIENT", today=TODAY)})
    assert len(runs[0]) == 3 and all(r == runs[0] for r in runs)
    with db.session(SYSTEM) as s:
        assert s.scalar(select(m.GroupLetter.round_id).limit(1)) == rnd_round.id


def test_letters_a_colleague_stored_first_are_kept_and_not_given_twice(db):
    """Two reports of one study drawing letters at the same moment: the second finds the first's letters
    stored (here: stored in between by another unit of work) and draws only for the wards still missing."""
    from peerdesk.services.group_letters import letters_for

    with db.begin(SYSTEM) as s:
        study, ward_ids = _office(s, wards=3, rounds=(3,))
    with db.begin(SYSTEM) as s:
        rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        first = letters_for(s, rnd_round, ward_ids[:2])
    with db.begin(SYSTEM) as s:
        rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        both = letters_for(s, rnd_round, ward_ids)
    assert {w: both[w] for w in ward_ids[:2]} == first and len(set(both.values())) == 3


def test_a_draw_that_loses_the_race_reads_the_winners_letters(db, monkeypatch):
    """The read happened before a colleague's letters were committed: storing ours clashes with the unique
    constraints, and the letters are read again instead of the report failing or a ward getting two."""
    from peerdesk.services import group_letters

    with db.begin(SYSTEM) as s:
        study, ward_ids = _office(s, wards=3, rounds=(3,))
    with db.begin(SYSTEM) as s:
        rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        winner = group_letters.letters_for(s, rnd_round, ward_ids)
    real, calls = group_letters._stored, []

    def stale_first(s, owner):
        calls.append(owner)
        return {} if len(calls) == 1 else real(s, owner)

    monkeypatch.setattr(group_letters, "_stored", stale_first)
    with db.begin(SYSTEM) as s:
        rnd_round = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        assert group_letters.letters_for(s, rnd_round, ward_ids) == winner
    assert len(calls) == 2
    with db.session(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.GroupLetter)) == 3
