"""The anonymised round report: right numbers, nobody identifiable, withdrawn consent respected."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings, strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.reports.round_report import build
from peerdesk.services import consent as consents, disclosure, evaluation, records, round_report
from peerdesk.services.access import SYSTEM
from peerdesk.services.suppression import Cell, Margin, protect_margin
from tests import factories as f

TODAY = dt.date(2026, 6, 1)


def pdf_text(path) -> str:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages)


def _study_consent(s, study_id, code, **kw):
    return records.create(s, m.Consent, study_id=study_id, informant_role="staff", informant_code=code,
                          signed_on="2025-01-01", valid_until="2027-12-31", **kw)


def _figure1_office(s):
    """DREEM answers whose per-item means are known: peer supporters in rounds 1–3, staff in rounds 2–3."""
    study = f.study(s)
    rounds = {n: f.round_(s, number=n, study_id=study.id) for n in (1, 2, 3)}
    dreem = f.instrument(s, "DREEM-OK")
    ward = f.workplace(s)
    plan = {  # (role, round): list of respondents' answer to every item, item k gets value + (k % 2)
        ("peer_supporter", 1): [2, 2, 3, 3, 3],  # item 1 mean 2.60, item 2 mean 3.60
        ("peer_supporter", 2): [1, 2, 2, 3, 2, 2],  # mean 2.00 / 3.00
        ("peer_supporter", 3): [3, 3, 2, 2, 2],  # 2.40 / 3.40
        ("staff", 2): [2, 2, 2, 3, 3, 2, 2],  # 2.29 / 3.29 (16/7)
        ("staff", 3): [1, 2, 2, 2, 2, 1],  # 1.67 / 2.67 (10/6)
    }
    for (role, rnum), values in plan.items():
        for i, v in enumerate(values):
            c = _study_consent(s, study.id, f"{role}-{rnum}-{i}") if role == "staff" else records.create(
                s, m.Consent, study_id=study.id, informant_role="peer_supporter", peer_supporter_id=f.peer(s, f"P{rnum}{i}", "X").id,
                signed_on="2025-01-01", valid_until="2027-12-31")
            answers = {item.number: min(5, v + (item.number + 1) % 2) for item in dreem.items}
            evaluation.record_response(s, rounds[rnum].id, dreem.id, f"{role}-{rnum}-{i}", role, answers,
                                       workplace_id=ward.id if role == "staff" else None, consent_id=c.id)
    return rounds


def test_figure1_means_per_group_and_round_to_two_decimals(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _figure1_office(s)
        data = round_report.gather(s, 3, lang="sv", today=TODAY, seed=1)
    path = tmp_path / "r.pdf"
    build(data, str(path))
    text = pdf_text(path)
    grid = data.instruments[0].grids[0]
    assert [(c.group, c.round_number) for c in grid.columns] == [
        ("Peer supportrar", 1), ("Peer supportrar", 2), ("Peer supportrar", 3), ("Personal", 2), ("Personal", 3)]
    item1 = [round(grid.cells[(1, ci)].mean, 2) for ci in range(5)]
    item2 = [round(grid.cells[(2, ci)].mean, 2) for ci in range(5)]
    assert item1 == [2.6, 2.0, 2.4, 2.29, 1.67] and item2 == [3.6, 3.0, 3.4, 3.29, 2.67]
    row1 = re.search(r"1\. Verksamheten främjar lärande.*?(?=2\. Verksamheten)", text, re.S).group(0)
    assert re.findall(r"\d,\d\d", row1) == ["2,60", "2,00", "2,40", "2,29", "1,67"]
    assert "n=7" in row1 and "n=6" in row1


def test_a_group_of_four_gets_no_mean(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=1, study_id=study.id)
        dreem = f.instrument(s, "DREEM-OK")
        for i in range(4):
            c = _study_consent(s, study.id, f"S{i}")
            evaluation.record_response(s, r.id, dreem.id, f"S{i}", "staff", {it.number: 2 for it in dreem.items}, consent_id=c.id)
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
    grid = data.instruments[0].grids[0]
    assert all(cell.hidden and cell.mean is None for cell in grid.cells.values())
    assert grid.overall[0].hidden
    path = tmp_path / "r.pdf"
    build(data, str(path))
    text = pdf_text(path)
    assert "2.00" not in text and "n=4" not in text and "fewer than 5" in text


def test_withdrawn_consent_changes_the_published_means(db):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=1, study_id=study.id)
        dreem = f.instrument(s, "DREEM-OK")
        ids = []
        for i, v in enumerate([1, 2, 2, 3, 3, 5]):
            c = _study_consent(s, study.id, f"S{i}")
            evaluation.record_response(s, r.id, dreem.id, f"S{i}", "staff", {it.number: v for it in dreem.items}, consent_id=c.id)
            ids.append((c.id, c.version))
        before = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
        run_id = round_report.record_produced(s, before, "round-1.pdf")
    assert round(before.instruments[0].grids[0].cells[(1, 0)].mean, 2) == 2.67  # 16 / 6
    with db.begin(SYSTEM) as s:
        consents.withdraw(s, ids[-1][0], ids[-1][1], "2026-05-01", "vill inte")
        after = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
        from peerdesk.services.consent_use import reports_affected_by

        assert [r.id for r in reports_affected_by(s, ids[-1][0])] == [run_id]  # the earlier report is listed
    cell = after.instruments[0].grids[0].cells[(1, 0)]
    assert (cell.n, round(cell.mean, 2)) == (5, 2.2)  # 11 / 5: the withdrawn answers are gone
    assert ids[-1][0] not in after.included_consents and after.excluded_responses == 1


def test_demo_report_names_no_person_or_workplace_anywhere(db, tmp_path):
    from peerdesk.services import demo

    with db.begin(SYSTEM) as s:
        demo.load_demo(s, today=TODAY)
        names = set()
        for first, last in s.execute(select(m.PeerSupporter.first_name, m.PeerSupporter.last_name)):
            names |= {first, last, f"{first} {last}"}
        names |= set(s.scalars(select(m.Manager.name))) | {n.split()[0] for n in s.scalars(select(m.Manager.name))}
        names |= set(s.scalars(select(m.Workplace.name))) | {c for c in s.scalars(select(m.Workplace.contact_name)) if c}
        names |= set(s.scalars(select(m.User.display_name)))
        data = round_report.gather(s, 3, lang="sv", today=TODAY)
    path = tmp_path / "omgang-3.pdf"
    pages = build(data, str(path))
    assert pages >= 4
    text = pdf_text(path)
    meta = " ".join(str(v) for v in (PdfReader(str(path)).metadata or {}).values())
    for name in names:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        assert not pattern.search(text), f"a name in the report: {name!r}"
        assert not pattern.search(meta), f"a name in the metadata: {name!r}"
    assert "materialinsamlingsomgång 3" in text  # quotes attributed by role and round only
    assert "Grupp" in text and "–" in text


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 60)), min_size=1, max_size=6), k=st.integers(3, 6))
def test_a_hidden_cell_cannot_be_recovered_from_the_total_and_the_other_cells(parts, k):
    cells = {str(i): Cell(n=n, total=float(min(total, 5 * n))) for i, (n, total) in enumerate(parts)}
    total = Cell(n=sum(c.n for c in cells.values()), total=sum(c.total for c in cells.values()))
    protect_margin(Margin(total, cells), k)
    contributing = [c for c in cells.values() if c.n > 0]
    hidden = [c for c in contributing if c.hidden]
    for c in contributing:
        if 0 < c.n < k:
            assert c.hidden  # primary rule, on exact counts
    if not total.hidden:
        # What an attacker can compute: the total minus all visible cells = the sum of the hidden ones.
        # That reveals a single cell only if exactly one is hidden.
        assert len(hidden) != 1
    if len(contributing) == 1 and contributing[0].hidden:
        assert total.hidden


def test_quote_with_a_gendered_pronoun_or_a_name_cannot_be_approved(db):
    with db.begin(SYSTEM) as s:
        r = f.round_(s)
        f.peer(s, "Anna", "Lindgren")
        q = records.create(s, m.Quote, round_id=r.id, informant_role="peer_supporter", text="Hon sa att Annas avdelning var bra.")
        qid, v = q.id, q.version
        findings = disclosure.check_quote(s, q.text)
    assert {(x.term, x.kind, x.suggestion) for x in findings} == {("Hon", "pronoun", "hen"), ("Annas", "name", None)}
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            records.update(s, m.Quote, qid, v, status="approved")
    assert info.value.key == "error.quote_flagged" and "Anna" not in info.value.message
    with db.begin(SYSTEM) as s:
        q = records.update(s, m.Quote, qid, v, text="Hen sa att avdelningen var bra.", status="approved")
        assert q.status == m.QuoteStatus.APPROVED


def test_quotes_need_three_informants_of_the_role(db):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        r = f.round_(s, number=1, study_id=study.id)
        mgr = records.create(s, m.Consent, study_id=study.id, informant_role="manager", manager_id=f.manager(s, "Chef").id,
                             signed_on="2025-01-10")
        chef = f.interview_with(s, r.id, "individual", "manager", [mgr.id])
        group = f.interview_with(s, r.id, "group", "staff", f.staff_consents(s, study.id, 4))
        records.create(s, m.Quote, round_id=r.id, informant_role="manager", text="Chefscitat utan namn.", status="approved",
                       interview_id=chef.id)
        records.create(s, m.Quote, round_id=r.id, informant_role="staff", text="Personalcitat utan namn.", status="approved",
                       interview_id=group.id)
        records.create(s, m.Quote, round_id=r.id, informant_role="staff", text="Ett utkast.", interview_id=group.id)
        data = round_report.gather(s, 1, lang="en", today=TODAY)
    quotes = [q for qs in data.quotes.values() for q in qs]
    assert quotes == [("Personalcitat utan namn.", "Staff member, data collection round 1")]


def test_grid_texts_fit_their_columns_and_keep_words_whole():
    """Nine staff groups make narrow columns: labels wrap at spaces ("Grupp A", never "Grup p A")
    and the round headers wrap instead of running into the next column ("Omg. 20Omg. 20")."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from peerdesk.reports.round_report import CELL_PADDING, _grid_table
    from peerdesk.services.round_report import Column, Grid

    items = [(1, "Verksamheten hjälper människor att känna sig sammanhängande med andra på ett positivt sätt.")]
    columns = [Column(f"Grupp {letter}", 20) for letter in "ABCDEFGHI"]
    cells = {(1, ci): Cell(n=12, total=30.0) for ci in range(9)}
    grid = Grid("Personalgrupper", columns, cells, {ci: Cell(n=12, total=30.0) for ci in range(9)}, {ci: 12 for ci in range(9)})
    table = _grid_table(grid, items, "sv")
    widths = table._colWidths
    for row in table._cellvalues[:3]:
        for ci, text in enumerate(row):
            room = widths[ci] - (2 * CELL_PADDING if ci == 0 else 0)  # centred headers may use the padding, never the next column
            for line in str(text).split("\n"):
                assert stringWidth(line, "Helvetica-Bold", 8) <= room + 0.01, (ci, line)
    assert table._cellvalues[0][1] == "Grupp\nA" and table._cellvalues[1][1] == "Omg.\n20"
    assert table._cellvalues[2][0].startswith("1. Verksamheten") and "\n" in table._cellvalues[2][0]


def _staff_round(s, wards: int, value: int, wardless: int = 0, wardless_value: int = 5) -> round_report.RoundReportData:
    """Round 1 of one study: five staff answers per ward (every item `value`), plus some with no ward."""
    study = f.study(s)
    r = f.round_(s, number=1, study_id=study.id)
    dreem = f.instrument(s, "DREEM-OK")
    ward_ids = [f.workplace(s, name=f"Avdelning {w}").id for w in range(wards)]
    plan = [(f"W{w}-{i}", value, ward_id) for w, ward_id in enumerate(ward_ids) for i in range(5)]
    plan += [(f"X{i}", wardless_value, None) for i in range(wardless)]
    for code, v, ward_id in plan:
        c = _study_consent(s, study.id, code)
        evaluation.record_response(s, r.id, dreem.id, code, "staff", {it.number: v for it in dreem.items}, workplace_id=ward_id,
                                   consent_id=c.id)
    return round_report.gather(s, 1, lang="en", today=TODAY, seed=1)


def test_staff_without_a_ward_cannot_be_worked_out_from_the_total_minus_the_wards(db):
    """Two wards of five show their means and the staff total is shown: two staff answers with no ward would
    be the total minus the wards. One ward's cell is hidden as well, so they cannot be recomputed."""
    with db.begin(SYSTEM) as s:
        data = _staff_round(s, wards=2, value=2, wardless=2)
    wards = data.instruments[0].grids[1]
    for item in (1, 2):
        cells = [wards.cells[(item, ci)] for ci in range(len(wards.columns))]
        total = cells[-1]
        assert not total.hidden and total.n == 12
        visible_parts = [c for c in cells[:-1] if not c.hidden]
        # Total minus the visible wards must not be the two wardless answers alone.
        assert sum(c.n for c in visible_parts) < 10


def test_every_ward_gets_its_own_letter_past_z(db):
    with db.begin(SYSTEM) as s:
        data = _staff_round(s, wards=30, value=3)
    labels = [c.group for c in data.instruments[0].grids[1].columns[:-1]]
    assert len(labels) == len(set(labels)) == 30
    assert [label.split()[-1] for label in labels] == [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "AA", "AB", "AC", "AD"]
