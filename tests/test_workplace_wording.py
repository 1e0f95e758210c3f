"""Issue #21: survey wording that assumed a ward. The patient survey asks about "peer supportrar vid
avdelningen"; in a municipal service (Housing First) that is "verksamheten", or "boendet" where the
setting says so. The report, the window's answer grid and the export's labels follow the round's
workplace kind; a ward round reads as before."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from peerdesk import models as m
from peerdesk.reports import statistics_file
from peerdesk.reports.round_report import build
from peerdesk.services import evaluation, round_export, round_report, settings
from peerdesk.services.access import SYSTEM
from peerdesk.services.workplace_wording import MIXED, noun_for, reword, round_kind
from tests import factories as f

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(("noun", "lang", "text", "expected"), [
    ("service", "sv", "Har du upplevt stöd från avdelningens peer supportrar?", "Har du upplevt stöd från verksamhetens peer supportrar?"),
    ("home", "sv", "peer supportrar vid avdelningen?", "peer supportrar vid boendet?"),
    ("clinic", "sv", "Avdelningen har peer supportrar.", "Mottagningen har peer supportrar."),
    ("service", "en", "there being peer supporters on the ward?", "there being peer supporters at the service?"),
    ("service", "en", "support from the ward's peer supporters?", "support from the service's peer supporters?"),
    ("home", "en", "about the ward having peer supporters?", "about the housing service having peer supporters?"),
    ("service", "sv", "Avdelningschefen och avdelningsnumret", "Avdelningschefen och avdelningsnumret"),  # whole words only
    ("ward", "sv", "vid avdelningen", "vid avdelningen"),
])
def test_reword(noun, lang, text, expected):
    assert reword(text, lang, noun) == expected


def test_a_setting_per_instrument_and_kind_chooses_the_noun():
    assert noun_for("municipal", "PATIENT") == "service" and noun_for("inpatient", "PATIENT") == "ward"
    assert noun_for("outpatient", "PATIENT") == "clinic" and noun_for(MIXED, "PATIENT") == "service" and noun_for(None, "X") == "ward"
    chosen = {"PATIENT": {"municipal": "home"}}
    assert noun_for("municipal", "PATIENT", chosen) == "home" and noun_for("municipal", "RKI", chosen) == "service"
    assert noun_for("municipal", "PATIENT", {"PATIENT": {"municipal": "nonsense"}}) == "service"


def _patient_round(s, kinds):
    """Round 1 at workplaces of `kinds`, six anonymous patient surveys."""
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    places = [f.workplace(s, name=f"Ställe {i}", kind=kind) for i, kind in enumerate(kinds)]
    ins = f.instrument(s, "PATIENT")
    for i in range(6):
        evaluation.record_response(s, rnd.id, ins.id, f"PAT-{i}", "patient", {1: 5, 2: 6, 3: 4, 4: 7},
                                   workplace_id=places[i % len(places)].id)
    return rnd


def _report_text(db, tmp_path, lang="sv") -> str:
    with db.begin(SYSTEM) as s:
        data = round_report.gather(s, 1, lang=lang, today=TODAY, seed=1)
    path = tmp_path / f"r-{lang}.pdf"
    build(data, str(path))
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_municipal_round_report_says_verksamheten(db, tmp_path):
    with db.begin(SYSTEM) as s:
        rnd = _patient_round(s, [m.WorkplaceKind.MUNICIPAL])
        assert round_kind(s, rnd.id) == "municipal"
    text = " ".join(_report_text(db, tmp_path).split())
    assert "verksamhetens peer supportrar" in text and "peer supportrar vid verksamheten" in text
    assert "avdelningen" not in text.lower().replace("avdelningens", "") and "avdelningens" not in text
    english = " ".join(_report_text(db, tmp_path, "en").split())
    assert "the service's peer supporters" in english and "the ward" not in english


def test_setting_prints_boendet_for_housing_first(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _patient_round(s, [m.WorkplaceKind.MUNICIPAL])
        settings.set_setting(s, "survey.workplace_noun", {"PATIENT": {"municipal": "home"}})
    text = " ".join(_report_text(db, tmp_path).split())
    assert "boendets peer supportrar" in text and "avdelningens" not in text


def test_ward_round_reads_as_before_and_mixed_rounds_are_neutral(db, tmp_path):
    with db.begin(SYSTEM) as s:
        rnd = _patient_round(s, [m.WorkplaceKind.INPATIENT])
    assert "avdelningens peer supportrar" in " ".join(_report_text(db, tmp_path).split())
    with db.begin(SYSTEM) as s:
        s.add(m.RoundWorkplace(round_id=rnd.id, workplace_id=f.workplace(s, name="Bostad Först", kind=m.WorkplaceKind.MUNICIPAL).id))
        s.flush()
        assert round_kind(s, rnd.id) == MIXED
    assert "verksamhetens peer supportrar" in " ".join(_report_text(db, tmp_path).split())


def test_answer_grid_and_export_labels_follow_the_round(db, tmp_path):
    with db.begin(SYSTEM) as s:
        rnd = _patient_round(s, [m.WorkplaceKind.MUNICIPAL])
        defs = {d.code: d for d in evaluation.instrument_defs(s, rnd.id)}
        plain = {d.code: d for d in evaluation.instrument_defs(s)}
        export = round_export.export_rows(s, 1, "PATIENT", today=TODAY)
        table = round_export.statistics_table(s, export, "sv")
    texts = {number: text for number, text, _open in defs["PATIENT"].items}
    assert texts[2]["sv"] == "Har du upplevt stöd från verksamhetens peer supportrar?"
    assert texts[2]["en"] == "Have you experienced support from the service's peer supporters?"
    assert "avdelningens" in dict((n, t) for n, t, _o in plain["PATIENT"].items)[2]["sv"]  # no round: as written
    assert table.variable_labels["item_2"] == "Har du upplevt stöd från verksamhetens peer supportrar?"
    path = tmp_path / "r.sav"
    statistics_file.write(table, path, "sav")
    import pyreadstat

    _frame, meta = pyreadstat.read_sav(str(path))
    assert meta.column_names_to_labels["item_1"].endswith("vid verksamheten?")
