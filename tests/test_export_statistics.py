"""Issue #21 (SPSS and Stata): `export-round --format sav|dta` writes the same de-identified rows as the
CSV, with the question texts as variable labels and the scale anchors, "vet ej" and the roles as value
labels; the files are read back with pyreadstat, as SPSS and Stata would read them. Like the CSV, the
export is a use of the consents whose data it holds."""

from __future__ import annotations

import csv

import pyreadstat
import pytest
from peerdesk import models as m
from peerdesk.reports import statistics_file
from peerdesk.services import evaluation, round_export
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.test_export_uses import TODAY, _cli, _office, demo_office  # noqa: F401 (demo_office: a fixture)

READ = {"sav": pyreadstat.read_sav, "dta": pyreadstat.read_dta}


def _write(db, tmp_path, fmt, instrument=None, lang="sv"):
    with db.begin(SYSTEM) as s:
        export = round_export.export_rows(s, 3, instrument, today=TODAY)
        table = round_export.statistics_table(s, export, lang)
    path = tmp_path / f"round3.{fmt}"
    statistics_file.write(table, path, fmt)
    frame, meta = READ[fmt](str(path))
    return export, frame, meta


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_one_instrument_file_has_question_texts_anchors_and_roles(db, tmp_path, fmt):
    with db.begin(SYSTEM) as s:
        _office(s)
        rki = f.instrument(s, "RKI")
        texts = {it.number: it.text_sv for it in rki.items}
    export, frame, meta = _write(db, tmp_path, fmt, "RKI")
    limit = statistics_file.LABEL_BYTES[fmt]
    assert list(frame.columns) == export.columns
    for number in (1, 2, 20):  # the question's own text, cut only where the format must (Stata: 80 bytes)
        label = meta.column_names_to_labels[f"item_{number}"]
        assert label == statistics_file.shorten(texts[number], limit) and label.rstrip("…") in texts[number]
    assert meta.column_names_to_labels["role"] == "Informantens roll"
    assert meta.variable_value_labels["item_1"] == {1: "Instämmer inte alls", 5: "Instämmer helt och hållet"}
    assert meta.variable_value_labels["role"][round_export.ROLE_CODES["staff"]] == "Personal"
    assert set(frame["role"]) == {round_export.ROLE_CODES["staff"]}
    # The answers are the export's, row for row.
    by_code = {row["respondent"]: row for row in export.rows}
    assert len(frame) == len(by_code) == 12
    for _, read in frame.iterrows():
        row = by_code[read["respondent"]]
        assert [int(read[f"item_{i}"]) for i in range(1, 21)] == [row[f"item_{i}"] for i in range(1, 21)]
        assert read["group"] == row["group"] and int(read["round"]) == 3


def test_english_labels_with_lang_en(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _office(s)
        first = f.instrument(s, "RKI").items[0].text_en
    _export, _frame, meta = _write(db, tmp_path, "sav", "RKI", lang="en")
    assert meta.column_names_to_labels["item_1"] == first
    assert meta.variable_value_labels["item_1"] == {1: "Strongly disagree", 5: "Strongly agree"}
    assert meta.variable_value_labels["role"][round_export.ROLE_CODES["staff"]] == "Staff member"


def test_patient_survey_labels_the_dont_know_value_and_keeps_blanks_missing(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=3, study_id=study.id)
        ins = f.instrument(s, "PATIENT")
        rated = [it.number for it in ins.items if not it.open_ended]
        for k in range(6):
            evaluation.record_response(s, r.id, ins.id, f"PAT-{k}", "patient", {rated[0]: 0, rated[1]: 7, rated[2]: None, rated[3]: k + 1})
    export, frame, meta = _write(db, tmp_path, "sav", "PATIENT")
    labels = meta.variable_value_labels[f"item_{rated[0]}"]
    assert labels == {0: "inte alls/vet ej", 1: "i låg grad", 7: "i hög grad"}
    assert set(frame[f"item_{rated[0]}"]) == {0} and frame[f"item_{rated[2]}"].isna().all()  # blank stays missing, not 0
    assert set(frame["role"]) == {round_export.ROLE_CODES["patient"]} and len(frame) == 6


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_all_instruments_in_one_file_still_join_and_never_mislabel(db, tmp_path, fmt):
    with db.begin(SYSTEM) as s:
        _office(s)
    export, frame, meta = _write(db, tmp_path, fmt)
    by_code: dict[str, dict[str, tuple]] = {}
    for _, row in frame.iterrows():  # staff member i encodes i in items 1 and 2 of both instruments
        by_code.setdefault(row["respondent"], {})[row["instrument"]] = (int(row["item_1"]), int(row["item_2"]))
    assert len(by_code) == 12 and all(a["RKI"] == a["DREEM-OK"] for a in by_code.values())
    assert frame[frame["instrument"] == "DREEM-OK"]["item_15"].isna().all()  # DREEM's 14 items: 15–20 missing
    label = meta.column_names_to_labels["item_1"]
    assert label.startswith("DREEM-OK: ") and ("| RKI: " in label or fmt == "dta")  # Stata's 80 bytes cut the rest
    # RKI's 1 is "do not agree at all", DREEM's 1 "agree completely": the value stays unlabelled, not wrong.
    assert 1 not in meta.variable_value_labels.get("item_1", {})
    assert not meta.column_names_to_labels["item_20"].startswith("DREEM")  # only RKI has a 20th item


def test_shorten_cuts_at_a_character_boundary():
    text = "Återhämtning " * 20
    cut = statistics_file.shorten(text, 80)
    assert len(cut.encode("utf-8")) <= 80 and cut.endswith("…") and text.startswith(cut[:-1])
    assert statistics_file.shorten("kort", 80) == "kort"


# ------------------------------------------------------------------ the command, as the evaluator runs it
def test_export_round_sav_then_withdraw_lists_it(demo_office, tmp_path, capsys):  # noqa: F811
    out = tmp_path / "round3.sav"
    assert _cli(demo_office, "export-round", "3", "--instrument", "RKI", "--format", "sav", "-o", str(out), user="evaluator") == 0
    frame, meta = pyreadstat.read_sav(str(out))
    assert len(frame) > 0 and meta.column_names_to_labels["item_1"].startswith("Återhämtningsperspektivet")  # Swedish by default
    assert meta.variable_value_labels["item_1"][5] == "Instämmer helt och hållet"
    assert not any(str(v).startswith("ST-") for v in frame["respondent"])  # de-identified like the CSV
    capsys.readouterr()
    assert _cli(demo_office, "consent", "withdraw", "F-1100", "--on", TODAY.isoformat()) == 0
    said = capsys.readouterr().out
    assert "round3.sav" in said, said
    assert _cli(demo_office, "consent", "undo-withdrawal", "F-1100") == 0


def test_export_round_dta_in_english_and_csv_stays_the_default(demo_office, tmp_path):  # noqa: F811
    dta, csv_out = tmp_path / "round3.dta", tmp_path / "round3.csv"
    assert _cli(demo_office, "export-round", "3", "--instrument", "RKI", "--format", "dta", "--lang", "en", "-o", str(dta),
                user="evaluator") == 0
    frame, meta = pyreadstat.read_dta(str(dta))
    assert meta.variable_value_labels["item_1"] == {1: "Strongly disagree", 5: "Strongly agree"}
    assert meta.column_names_to_labels["respondent"] == "Respondent code (new for every export)"
    assert _cli(demo_office, "export-round", "3", "--instrument", "RKI", "-o", str(csv_out), user="evaluator") == 0
    rows = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    assert len(rows) == len(frame) and {row["role"] for row in rows} <= {role.value for role in m.InformantRole}


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_empty_text_columns_and_an_empty_export_still_write(tmp_path, fmt):
    table = statistics_file.StatisticsTable(["respondent", "group", "item_1"],
                                            [{"respondent": "AB12", "group": "", "item_1": None}, {"respondent": "CD34", "group": "", "item_1": 3}],
                                            {"group": "Grupp"}, {"item_1": {1: "låg"}}, {"item_1"})
    statistics_file.write(table, tmp_path / f"a.{fmt}", fmt)
    frame, meta = READ[fmt](str(tmp_path / f"a.{fmt}"))
    assert list(frame["group"]) == ["", ""] and frame["item_1"].isna().tolist() == [True, False]
    empty = statistics_file.StatisticsTable(["respondent", "item_1"], [], {}, {}, {"item_1"})
    statistics_file.write(empty, tmp_path / f"e.{fmt}", fmt)
    assert len(READ[fmt](str(tmp_path / f"e.{fmt}"))[0]) == 0
