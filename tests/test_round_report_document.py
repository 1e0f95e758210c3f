"""Issue #21 R1: the round report as a document for a funder or an ethics board — a title page with a
table of contents whose page numbers are right, numbered tables and figures, the evaluator's sections
before or after the results, a chart a Swedish reader reads right, one sentence instead of a grid of
"–", people counted as people, no grid of only earlier rounds, and group letters without gaps."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.reports.round_report import build
from peerdesk.services import evaluation, publication, records, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.test_round_report import TODAY, _figure1_office, _study_consent

DOTS = re.compile(r"^(?P<title>.*?)\s*(?:\.\s*){3,}(?P<page>\d+)\s*$")


def _contents(first_page: str) -> list[tuple[str, int]]:
    """(chapter, page) from the title page's contents. pypdf reads a contents line's title, leader dots
    and page number as separate lines: titles and numbers are paired in order."""
    lines = [line.strip() for line in first_page.split("Innehåll", 1)[1].splitlines() if line.strip()]
    titles, numbers = [], []
    for line in lines:
        if line.upper() == "UTKAST" or not line.replace(".", "").strip():
            continue
        mt = DOTS.match(line)
        if line.isdigit() or mt:
            numbers.append(int(line if line.isdigit() else mt["page"]))
            if mt and mt["title"]:
                titles.append(mt["title"])
        else:
            titles.append(line)
    assert len(titles) == len(numbers), (titles, numbers)
    return list(zip(titles, numbers))


def _pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def _flat(text: str) -> str:
    """The text with its line breaks as spaces: a sentence reads the same wherever the page wraps it."""
    return " ".join(text.split())


def _staff(s, study_id, rnd_round, instrument, wards: dict[int, int], tag: str, value: int = 2):
    """`wards`: ward id -> how many staff answer there. Returns the consents, one person each."""
    out = []
    for ward_id, size in wards.items():
        for i in range(size):
            code = f"{tag}-{ward_id}-{i}"
            c = _study_consent(s, study_id, code)
            evaluation.record_response(s, rnd_round.id, instrument.id, code, "staff", {it.number: value for it in instrument.items},
                                       workplace_id=ward_id, consent_id=c.id)
            out.append(c)
    return out


@pytest.fixture
def demo_report(db, tmp_path):
    """The Swedish demo report of round 3 with an introduction placed before the results and a discussion after."""
    from peerdesk.services import demo

    with db.begin(SYSTEM) as s:
        demo.load_demo(s, today=TODAY)
        r3 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        round_report.save_section(s, r3.id, "Inledning", "Denna rapport inleds med syftet.", placement="before")
        round_report.save_section(s, r3.id, "Diskussion", "Resultaten diskuteras till sist.", placement="after")
        data = round_report.gather(s, 3, lang="sv", today=TODAY)
    path = tmp_path / "omgang-3.pdf"
    build(data, str(path))
    return data, _pages(path)


def test_the_contents_list_every_chapter_with_the_page_it_starts_on(demo_report):
    _data, pages = demo_report
    assert "Innehåll" in pages[0]
    entries = _contents(pages[0])
    titles = [title for title, _ in entries]
    for chapter in ("Inledning", "Metod och material", "DREEM, sektion Organisationens klimat", "Patientenkäten", "Citat", "Diskussion"):
        assert chapter in titles, (chapter, titles)
    for title, page in entries:
        assert 1 < page <= len(pages)
        assert title in pages[page - 1], f"{title!r} is not on page {page}"
        assert not any(title in text for text in pages[1:page - 1]), f"{title!r} starts before page {page}"
    assert [page for _, page in entries] == sorted(page for _, page in entries)


def test_tables_and_figures_are_numbered_in_order_with_captions(demo_report):
    _data, pages = demo_report
    text = "\n".join(pages)
    tables = [int(n) for n in re.findall(r"Tabell (\d+)\. \S", text)]
    figures = [int(n) for n in re.findall(r"Figur (\d+)\. \S", text)]
    assert len(tables) >= 4 and tables == list(range(1, len(tables) + 1))
    assert len(figures) >= 1 and figures == list(range(1, len(figures) + 1))
    assert "Tabell 1. Insamlat material per informantgrupp, omgång 3" in text
    assert "Figur 1. DREEM, sektion Organisationens klimat: medelvärde per grupp och omgång" in text


def test_a_section_placed_before_prints_before_the_first_table_and_one_after_at_the_end(demo_report):
    _data, pages = demo_report
    body = "\n".join(pages[1:])  # past the title page, whose contents name both sections
    intro, first_table = body.index("Denna rapport inleds med syftet."), body.index("Tabell 1.")
    last_table, discussion = body.rindex("Tabell "), body.index("Resultaten diskuteras till sist.")
    assert intro < first_table and discussion > last_table
    assert body.index("Citat") < discussion  # after the quotes too


def test_a_section_keeps_its_place_when_saved_again_and_a_wrong_place_is_refused(db):
    with db.begin(SYSTEM) as s:
        r = f.round_(s, number=1, study_id=f.study(s).id)
        round_report.save_section(s, r.id, "Metod", "Intervjuer och enkäter.", placement="before")
        round_report.save_section(s, r.id, "Metod", "Intervjuer, enkäter och fokusgrupper.")  # placement not given: kept
        round_report.save_section(s, r.id, "Slutsatser", "Det fungerade.")  # new: after
        assert round_report._sections(s, r.id) == [("Metod", "Intervjuer, enkäter och fokusgrupper.", "before"),
                                                   ("Slutsatser", "Det fungerade.", "after")]
        with pytest.raises(ValidationError) as err:
            round_report.save_section(s, r.id, "Inledning", "Text.", placement="middle")
        assert err.value.field == "placement"


def test_a_section_placed_before_the_results_still_passes_the_disclosure_check(db):
    with db.begin(SYSTEM) as s:
        r = f.round_(s, number=1, study_id=f.study(s).id)
        f.peer(s, "Kerstin", "Blomqvist")
    with pytest.raises(ValidationError):
        with db.begin(SYSTEM) as s:
            round_report.save_section(s, r.id, "Inledning", "Kerstin Blomqvist började först.", placement="before")


def test_the_swedish_chart_writes_decimal_commas_starts_at_the_scale_minimum_and_says_low_is_good(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _figure1_office(s)
        data = round_report.gather(s, 3, lang="sv", today=TODAY, seed=1)
    path = tmp_path / "r.pdf"
    build(data, str(path))
    text = "\n".join(_pages(path))
    figure = text[text.index("Figur 1."):]
    assert "2,5" in figure and "1,5" in figure  # the axis, in steps of 0,5
    assert not re.search(r"\d\.\d", text), re.findall(r".{20}\d\.\d.{20}", text)  # never "2.5"
    assert "0,5" not in figure  # the axis starts at 1, the scale's minimum, not at 0
    grid = data.instruments[0].grids[0]
    means = [f"{grid.overall[ci].mean:.2f}".replace(".", ",") for ci in range(len(grid.columns))]
    assert sorted(re.findall(r"^\d,\d\d$", figure, re.M)) == sorted(means)  # a value label on every bar: the overall means
    assert "Lägre värde är bättre: 1 är det bästa möjliga, 5 det sämsta." in _flat(figure)


def test_the_english_chart_says_which_end_is_good_in_english(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _figure1_office(s)
        data = round_report.gather(s, 3, lang="en", today=TODAY, seed=1)
    path = tmp_path / "r.pdf"
    build(data, str(path))
    text = _flat("\n".join(_pages(path)))
    assert "Lower is better: 1 is the best possible value, 5 the worst." in text and "2.5" in text


def test_a_table_that_suppression_empties_prints_one_sentence_instead_of_the_grid(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=1, study_id=study.id)
        dreem = f.instrument(s, "DREEM-OK")
        wards = {f.workplace(s, name=f"Avdelning {w}").id: 2 for w in range(3)}  # 6 staff: each ward's 2 too few
        _staff(s, study.id, r, dreem, wards, "s")
        data = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1)
    path = tmp_path / "r.pdf"
    build(data, str(path))
    text = _flat("\n".join(_pages(path)))
    assert "Tabellen ”Personalgrupper, omgång 1” visas inte: alla dess värden döljs för att skydda små grupper (färre än 5 svar)." in text
    assert "Grupp A" not in text and "Totalt" not in text  # no grid of "–"
    assert "Per informantgrupp och omgång" in text  # the staff as a whole still show


def test_the_method_table_counts_people_not_questionnaires(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=1, study_id=study.id)
        dreem, rki = f.instrument(s, "DREEM-OK"), f.instrument(s, "RKI")
        ward = f.workplace(s).id
        for c in _staff(s, study.id, r, dreem, {ward: 6}, "d"):  # the same six people answer RKI too
            evaluation.record_response(s, r.id, rki.id, f"rki-{c.id}", "staff", {it.number: 3 for it in rki.items},
                                       workplace_id=ward, consent_id=c.id)
        data = {lang: round_report.gather(s, 1, lang=lang, today=TODAY, seed=1) for lang in ("sv", "en")}
    assert [row for row in data["sv"].method if row[0] == "Personal"] == [("Personal", 0, 0, 6)]  # not 12
    for lang, header, note in (("sv", "Svarande (personer)", "räknar personer, inte enkäter"),
                               ("en", "Respondents (people)", "counts people, not questionnaires")):
        path = tmp_path / f"r-{lang}.pdf"
        build(data[lang], str(path))
        text = _flat(_pages(path)[1])
        assert header in text and note in text
        assert "Enkätsvar" not in text and "Questionnaires" not in text


def test_a_round_4_report_prints_no_grid_of_only_earlier_rounds(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r3, r4 = f.round_(s, number=3, study_id=study.id), f.round_(s, number=4, study_id=study.id)
        dreem, rki = f.instrument(s, "DREEM-OK"), f.instrument(s, "RKI")
        ward = f.workplace(s).id
        _staff(s, study.id, r3, rki, {ward: 6}, "rki3")  # RKI only in round 3
        _staff(s, study.id, r3, dreem, {ward: 6}, "dreem3")
        _staff(s, study.id, r4, dreem, {ward: 6}, "dreem4")
        data = round_report.gather(s, 4, lang="sv", today=TODAY, seed=1)
    path = tmp_path / "r4.pdf"
    build(data, str(path))
    pages = [_flat(p) for p in _pages(path)]
    text = "\n".join(pages)
    assert "RKI – Recovery Knowledge Inventory besvarades inte i omgång 4. Resultaten från tidigare omgångar (3) redovisas i de omgångarnas rapporter." in text
    assert not re.search(r"Tabell \d+\. RKI", text) and not re.search(r"Figur \d+\. RKI", text)
    rki_page = next(p for p in pages[1:] if "besvarades inte i omgång 4" in p)
    assert "Omg. 3" not in rki_page and "Medelvärde" not in rki_page
    assert re.search(r"Tabell \d+\. DREEM", text) and "Omg. 4" in text  # the instrument of this round prints


def test_a_new_studys_letters_are_contiguous_and_a_ward_that_joins_later_gets_the_next(db):
    from peerdesk.services.group_letters import letters_for

    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r3, r4 = f.round_(s, number=3, study_id=study.id), f.round_(s, number=4, study_id=study.id)
        wards = [f.workplace(s, name=f"Avdelning {w}").id for w in range(5)]
        first = letters_for(s, r3, wards)
        assert sorted(first.values()) == ["A", "B", "C", "D", "E"]
        late = f.workplace(s, name="Avdelning sen").id
        again = letters_for(s, r4, [*wards, late])
        assert {w: again[w] for w in wards} == first and again[late] == "F"


def test_the_letters_of_a_new_study_are_in_no_fixed_order_of_the_wards(db):
    from peerdesk.services.group_letters import letters_for

    orders = set()
    with db.begin(SYSTEM) as s:
        for n in range(8):
            study = f.study(s, name=f"Studie {n}")
            r = f.round_(s, number=n + 1, study_id=study.id)
            wards = [f.workplace(s, name=f"Avdelning {n}-{w}").id for w in range(4)]
            letters = letters_for(s, r, wards)
            assert sorted(letters.values()) == ["A", "B", "C", "D"]
            orders.add(tuple(letters[w] for w in wards))
    assert len(orders) > 1


def test_a_publication_keeps_the_sections_places_the_scale_and_what_the_method_table_counts(db):
    with db.begin(SYSTEM) as s:
        rounds = _figure1_office(s)
        round_report.save_section(s, rounds[3].id, "Inledning", "Syftet med omgången.", placement="before")
        round_report.save_section(s, rounds[3].id, "Diskussion", "Vad resultaten betyder.", placement="after")
        data = round_report.gather(s, 3, lang="sv", today=TODAY, seed=1)
        loaded = publication.load(publication.dump(data))
        assert loaded.sections == [("Inledning", "Syftet med omgången.", "before"), ("Diskussion", "Vad resultaten betyder.", "after")]
        ins = loaded.instruments[0]
        assert (ins.scale_min, ins.scale_max, ins.good_end) == (1, 5, "low")
        assert loaded.method_counts == "people"
        publication.publish(s, 3, today=TODAY)
    with db.begin(SYSTEM) as s:
        published = round_report.gather(s, 3, lang="sv", today=TODAY)
    assert published.published is not None
    assert published.sections == data.sections and published.instruments[0].good_end == "low"


def test_a_snapshot_from_before_placements_prints_its_sections_after_and_counts_questionnaires(db):
    with db.begin(SYSTEM) as s:
        _figure1_office(s)
        raw = publication.dump(round_report.gather(s, 3, lang="sv", today=TODAY, seed=1))
    raw["sections"] = [["Analys", "Gammal text."]]
    raw.pop("method_counts")
    for ins in raw["instruments"]:
        for key in ("scale_min", "scale_max", "good_end"):
            ins.pop(key)
    old = publication.load(raw)
    assert old.sections == [("Analys", "Gammal text.", "after")]
    assert old.method_counts == "questionnaires" and old.instruments[0].scale_min is None
