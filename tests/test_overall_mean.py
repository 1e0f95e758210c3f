"""Issue 21: the overall mean of a group is the mean of its respondents' means over the items each
answered (as usual for RKI/DREEM, and as the source report's Figure 1 compares Personalgrupp Y 2,69
with Z 1,57), counting respondents who answered at least `report.min_share_answered` of the items.
One blank item no longer hides a group's overall mean; the overall mean still never gives a hidden
figure back. Expected values are worked out by hand from the answers written here."""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction

import pytest
from pypdf import PdfReader

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.reports.round_report import build
from peerdesk.services import evaluation, publication, records, round_report
from peerdesk.services.access import SYSTEM
from peerdesk.services.group_letters import letters_for
from peerdesk.services.settings import checked_setting, set_setting
from tests import factories as f
from tests import round_report_reference as reference

TODAY = dt.date(2026, 6, 1)
ITEMS = 14  # DREEM, Organisationens klimat


def _answers(values: list[int | None]) -> dict[int, int | None]:
    assert len(values) == ITEMS
    return {number: v for number, v in enumerate(values, start=1)}


def _blank(values: list[int], *numbers: int) -> list[int | None]:
    return [None if i + 1 in numbers else v for i, v in enumerate(values)]


# Personalgrupp Y (the seed's sceptical group): five count, one answered too few items.
Y = [
    _blank([3] * 14, 5),  # 13 answered, mean 3
    [2] * 7 + [3] * 7,  # 14 answered, mean 2.5
    _blank([3] * 14, 13, 14),  # 12 of 14 = 86 %: counts, mean 3
    [3] * 7 + [2] * 7,  # mean 2.5
    _blank([3] * 7 + [2] * 7, 3),  # 13 answered: items 1, 2, 4–7 are 3 (18), 8–14 are 2 (14): 32/13
    [5] * 10 + [None] * 4,  # 10 of 14 = 71 % < 80 %: left out of the overall mean (it would raise it)
]
# Personalgrupp Z (the seed's positive group): five respondents, two left one item blank.
Z = [
    [1] * 7 + [2] * 7,  # mean 1.5
    [2] * 7 + [1] * 7,  # mean 1.5
    _blank([2] * 14, 7),  # 13 answered, mean 2
    [1] * 14,  # mean 1
    _blank([2] * 12 + [1] * 2, 9),  # 13 answered: eleven 2s and two 1s = 24/13
]
Y_MEAN = (Fraction(3) + Fraction(5, 2) + Fraction(3) + Fraction(5, 2) + Fraction(32, 13)) / 5  # 175/65 = 2.6923…
Z_MEAN = (Fraction(3, 2) + Fraction(3, 2) + Fraction(2) + Fraction(1) + Fraction(24, 13)) / 5  # 102/65 = 1.5692…


def _consent(s, study_id, code):
    return records.create(s, m.Consent, study_id=study_id, informant_role="staff", informant_code=code,
                          signed_on="2025-01-01", valid_until="2027-12-31", scope_questionnaires=True)


def _office(s, groups: dict[str, list[list[int | None]]], round_number: int = 2):
    """Staff answers of one round, one ward per group name; returns (round, {group name: ward id})."""
    study = f.study(s)
    rounds = {n: f.round_(s, number=n, study_id=study.id) for n in range(1, round_number + 1)}
    dreem = f.instrument(s, "DREEM-OK")
    wards = {}
    for name, respondents in groups.items():
        wards[name] = f.workplace(s, name=f"Avdelning {name}").id
        for i, values in enumerate(respondents):
            code = f"{name}-{i}"
            evaluation.record_response(s, rounds[round_number].id, dreem.id, code, "staff", _answers(values),
                                       workplace_id=wards[name], consent_id=_consent(s, study.id, code).id)
    return rounds[round_number], wards


def _columns(s, data, rnd_round, wards, lang="sv") -> dict[str, tuple]:
    """Group name -> (grid, column index) in the staff-groups table, found by the ward's stored letter."""
    letters = letters_for(s, rnd_round, list(wards.values()))
    grid = data.instruments[0].grids[1]
    index = {c.group: ci for ci, c in enumerate(grid.columns)}
    from peerdesk.i18n import t

    out = {name: (grid, index[t("report.group_letter", lang, letter=letters[wid])]) for name, wid in wards.items()}
    out["total"] = (grid, index[t("report.total", lang)])
    return out


def _pdf_text(data, path) -> str:
    build(data, str(path))
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _same_as_reference(s, number, lang="sv"):
    fast = round_report.gather(s, number, lang=lang, today=TODAY, seed=1)
    slow = reference.gather(s, number, lang=lang, today=TODAY, seed=1)
    assert fast == slow
    return fast


def test_the_seeds_figure1_comparison_of_staff_groups_y_and_z_with_blank_items(db, tmp_path):
    assert round(float(Y_MEAN), 2) == 2.69 and round(float(Z_MEAN), 2) == 1.57  # the seed's figures, by hand above
    with db.begin(SYSTEM) as s:
        rnd_round, wards = _office(s, {"Y": Y, "Z": Z})
        data = _same_as_reference(s, 2)
        cols = _columns(s, data, rnd_round, wards)
    y_grid, y = cols["Y"]
    z_grid, z = cols["Z"]
    # Blank items leave items 13 and 14 of Y (n=4) and 7 and 9 of Z (n=4) hidden, and each other's as
    # complements; before, any hidden item hid the group's overall mean.
    assert y_grid.cells[(13, y)].hidden and z_grid.cells[(7, z)].hidden
    assert (y_grid.overall[y].n, y_grid.overall[y].hidden) == (5, False)  # the sixth answered too few items
    assert y_grid.overall[y].mean == pytest.approx(float(Y_MEAN), abs=1e-12)
    assert (z_grid.overall[z].n, z_grid.overall[z].hidden) == (5, False)
    assert z_grid.overall[z].mean == pytest.approx(float(Z_MEAN), abs=1e-12)
    total_grid, total = cols["total"]
    assert total_grid.overall[total].n == 10
    assert total_grid.overall[total].mean == pytest.approx(float((Y_MEAN * 5 + Z_MEAN * 5) / 10), abs=1e-12)  # 277/130: 2,13
    assert data.instruments[0].grids[0].overall[0].mean == total_grid.overall[total].mean  # staff, round 2 in table 1

    text = _pdf_text(data, tmp_path / "r.pdf")
    staff_groups = text[text.index("Personalgrupper, omgång 2"):]
    overall_row = staff_groups[staff_groups.index("Totalmedelvärde"):].split("Antal svarande")[0]
    expected = {y: "2,69", z: "1,57"}  # the groups' columns are in the order of their (random) letters; the total last
    assert re.findall(r"\d,\d\d", overall_row) == [expected[ci] for ci in sorted(expected)] + ["2,13"]
    assert overall_row.count("n=5") == 2 and "n=10" in overall_row
    assert "Den som besvarat färre än 80 % av påståendena räknas inte" in " ".join(text.split())  # the note, wrapped


def test_the_minimum_share_is_a_setting_checked_before_it_is_stored(db):
    with db.begin(SYSTEM) as s:
        rnd_round, wards = _office(s, {"Y": Y, "Z": Z})
        set_setting(s, "report.min_share_answered", 0.7)  # now 10 of 14 (71 %) is enough: the sixth counts
        data = _same_as_reference(s, 2, lang="en")
        grid, y = _columns(s, data, rnd_round, wards, "en")["Y"]
        assert grid.overall[y].n == 6
        assert grid.overall[y].mean == pytest.approx(float((Y_MEAN * 5 + 5) / 6), abs=1e-12)
        assert data.min_share_answered == 0.7
        for bad in (0.3, 1.5, "80 %", True, None):
            with pytest.raises(ValidationError) as caught:
                set_setting(s, "report.min_share_answered", bad)
            assert "between 50 and 100 %" in caught.value.message
        assert checked_setting(s, "report.min_share_answered") == 0.7  # nothing bad was stored
        s.get(m.Setting, "report.min_share_answered").value = json.dumps(2)  # stored behind PeerDesk's back
        s.flush()
        with pytest.raises(ValidationError):
            round_report.gather(s, 2, lang="en", today=TODAY)


def test_items_needed_is_exact():
    assert round_report.items_needed(0.8, 14) == 12  # 11.2 -> 12
    assert round_report.items_needed(0.7, 10) == 7  # not 8 (0.7 * 10 = 7.000000000000001 in floating point)
    assert round_report.items_needed(0.8, 20) == 16 and round_report.items_needed(1.0, 3) == 3
    assert round_report.items_needed(0.5, 1) == 1


def test_fewer_than_k_qualifying_shows_a_dash_and_the_margin_hides_a_second_ward(db, tmp_path):
    # A: six respondents, but only four answered enough items; B: six, C: seven, all counted.
    few = [[2] * 14] * 4 + [[4] * 8 + [None] * 6] * 2
    groups = {"A": few, "B": [[3] * 13 + [None]] * 3 + [[2] * 14] * 3, "C": [[1] * 14] * 4 + [[2] * 12 + [None] * 2] * 3}
    with db.begin(SYSTEM) as s:
        rnd_round, wards = _office(s, groups)
        data = _same_as_reference(s, 2)
        cols = _columns(s, data, rnd_round, wards)
    grid, _ = cols["A"]
    a, b, c, total = (cols[name][1] for name in ("A", "B", "C", "total"))
    assert grid.respondents[a] == 6 and grid.overall[a].n == 4
    assert grid.overall[a].hidden and grid.overall[a].reason == "small"
    # The staff total's overall mean is a margin: total minus the shown wards must leave two unknowns.
    assert grid.overall[b].hidden and grid.overall[b].reason == "complement"  # the smallest other ward
    assert not grid.overall[c].hidden and not grid.overall[total].hidden
    shown = [ci for ci in (a, b, c) if not grid.overall[ci].hidden]
    hidden_parts = [ci for ci in (a, b, c) if grid.overall[ci].hidden and grid.overall[ci].n]
    assert len(hidden_parts) == 2 and shown == [c]
    text = _pdf_text(data, tmp_path / "r.pdf")
    staff_groups = text[text.index("Personalgrupper, omgång 2"):]
    overall_row = staff_groups[staff_groups.index("Totalmedelvärde"):].split("Antal svarande")[0]
    assert overall_row.count("–") == 2 and "n=4" not in overall_row and "n=6" not in overall_row
    respondents_row = staff_groups[staff_groups.index("Antal svarande"):].splitlines()
    assert "6" not in " ".join(respondents_row[:5]).split()  # neither A's nor B's count


def test_an_overall_mean_that_would_give_a_hidden_item_back_is_hidden(db):
    # B: five respondents, all answered every item, so B's overall mean times 14 is the sum of B's item means.
    # A's item 4 has n=4 (one blank), so B's item 4 is hidden as its complement: B's overall mean would give it back.
    groups = {"A": [[2] * 14] * 4 + [_blank([3] * 14, 4)],
              "B": [[1] * 7 + [3] * 7, [2] * 14, [3] * 3 + [4] * 11, [2] * 14, [5] + [1] * 13],
              "C": [[2] * 14] * 8}
    with db.begin(SYSTEM) as s:
        rnd_round, wards = _office(s, groups)
        data = _same_as_reference(s, 2, lang="en")
        cols = _columns(s, data, rnd_round, wards, "en")
    grid, b = cols["B"]
    a = cols["A"][1]
    assert grid.cells[(4, a)].hidden and grid.cells[(4, b)].hidden and grid.cells[(4, b)].reason == "complement"
    # The attack the rule stops, on the exact values: 14 × overall − the other 13 item means = item 4's mean.
    respondents = groups["B"]
    overall = sum(Fraction(sum(r), len(r)) for r in respondents) / 5
    others = sum(Fraction(sum(r[i] for r in respondents), 5) for i in range(14) if i != 3)
    assert 14 * overall - others == Fraction(sum(r[3] for r in respondents), 5)
    assert grid.overall[b].hidden and grid.overall[b].reason == "complement"
    # A answered different numbers of items (13 and 14): its hidden item is only bounded, so A's overall
    # mean could stand — but it is the margin's second hidden ward now, so B's cannot be worked back.
    assert grid.overall[a].hidden and grid.overall[a].reason == "complement"
    assert not grid.overall[cols["C"][1]].hidden


def test_publication_keeps_the_overall_means_and_how_they_were_computed(db, tmp_path):
    with db.begin(SYSTEM) as s:
        rnd_round, wards = _office(s, {"Y": Y, "Z": Z})
        set_setting(s, "report.min_share_answered", 0.75)
        draft = round_report.gather(s, 2, lang="sv", today=TODAY, seed=1)
        raw = json.loads(json.dumps(publication.dump(draft)))
        again = publication.load(raw)
        assert again.min_share_answered == 0.75
        assert [g.overall for g in again.instruments[0].grids] == [g.overall for g in draft.instruments[0].grids]
        publication.publish(s, 2, today=TODAY)
        set_setting(s, "report.min_share_answered", 1.0)  # later changes do not touch the published report
        published = round_report.gather(s, 2, lang="sv", today=TODAY)
        assert published.min_share_answered == 0.75
        assert [g.overall for g in published.instruments[0].grids] == [g.overall for g in draft.instruments[0].grids]
    text = _pdf_text(published, tmp_path / "published.pdf")
    assert "färre än 75 % av påståendena" in " ".join(text.split())
    # A snapshot made before this change has no such field: its overall means were the mean of the item means.
    del raw["min_share_answered"]
    old = publication.load(raw)
    assert old.min_share_answered is None
    text = _pdf_text(old, tmp_path / "old.pdf")
    assert "Totalmedelvärde: medelvärdet av påståendenas medelvärden." in " ".join(text.split())


def test_a_later_report_says_which_rounds_were_published_with_the_mean_of_the_item_means(db, tmp_path):
    with db.begin(SYSTEM) as s:
        round2, _wards = _office(s, {"Y": Y, "Z": Z}, round_number=2)
        dreem = f.instrument(s, "DREEM-OK")
        round3 = f.round_(s, number=3, study_id=round2.study_id)
        for i, values in enumerate(Z):
            code = f"Z3-{i}"
            evaluation.record_response(s, round3.id, dreem.id, code, "staff", _answers(values),
                                       consent_id=_consent(s, round3.study_id, code).id)
        publication.publish(s, 2, today=TODAY)
        pub = s.query(m.Publication).one()  # made as a version before this change would have made it
        snapshot = json.loads(pub.snapshot)
        for lang in snapshot["reports"]:
            del snapshot["reports"][lang]["min_share_answered"]
        pub.snapshot = json.dumps(snapshot)
        s.flush()
        data = round_report.gather(s, 3, lang="sv", today=TODAY)
        assert data.frozen_rounds == [2] and data.item_mean_rounds == [2] and data.min_share_answered == 0.8
        assert publication.load(json.loads(json.dumps(publication.dump(data)))).item_mean_rounds == [2]
    text = " ".join(_pdf_text(data, tmp_path / "r3.pdf").split())
    assert "räknas inte; n är antalet som räknas. 1 omgång (2) visas som den publicerades, med totalmedelvärdet som " \
           "medelvärdet av påståendenas medelvärden." in text
