"""Importing an office's Excel registers: mapping by header, preview with every problem per row,
all-or-nothing commit, and a second import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.services import register_import as ri
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.tabular import read_sheet
from tests import factories as f

COORD = Actor(None, "coord", frozenset({m.Role.COORDINATOR}))


def _load(db, kind, path, skip=(), commit=False, actor=COORD, skip_bad=False):
    sheet = read_sheet(path)
    rows = ri.rows_from_sheet(sheet, ri.guess_mapping(kind, sheet.header))
    with db.begin(actor) as s:
        if commit:
            return ri.commit(s, kind, rows, skip=set(skip), skip_bad_rows=skip_bad)
        return ri.preview(s, kind, rows, skip=set(skip), skip_bad_rows=skip_bad)


def _count(db, model):
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(model))


def _workplaces_xlsx(path):
    book = Workbook()
    sh = book.active
    sh.append(["Arbetsplats", "Organisation", "Typ", "Inriktning", "Region", "Kontaktperson"])
    sh.append(["Avdelning 12 Psykos", "Sahlgrenska, Psykiatri Psykos", "Slutenvård", "Psykos", "VGR", "Åsa Öberg"])
    sh.append(["Bostad Först Göteborg", "Göteborgs stad", "kommunal", None, "VGR", None])
    sh.append([None, None, None, None, None, None])
    sh.append(["Mottagning Öst", "Psykiatri Öst", "Öppenvård", "Ångest", "VGR", None])
    book.save(path)


def test_workplaces_from_xlsx_swedish_headers_then_again_changes_nothing(db, tmp_path):
    path = tmp_path / "arbetsplatser.xlsx"
    _workplaces_xlsx(path)
    sheet = read_sheet(path)
    assert ri.guess_mapping("workplaces", sheet.header) == {0: "name", 1: "organisation", 2: "kind", 3: "specialty",
                                                            4: "region", 5: "contact_name"}
    preview = _load(db, "workplaces", path)
    assert preview.ok and [r.number for r in preview.results] == [2, 3, 5]  # the blank row 4 keeps its number
    assert _count(db, m.Workplace) == 0  # a preview writes nothing
    _load(db, "workplaces", path, commit=True)
    with db.session(SYSTEM) as s:
        w = s.scalar(select(m.Workplace).where(m.Workplace.name == "Bostad Först Göteborg"))
        assert w.kind == m.WorkplaceKind.MUNICIPAL
        assert s.scalar(select(m.Workplace.contact_name).where(m.Workplace.name == "Avdelning 12 Psykos")) == "Åsa Öberg"
    again = _load(db, "workplaces", path, commit=True)
    assert [r.status for r in again.results] == [ri.UNCHANGED] * 3
    assert _count(db, m.Workplace) == 3


SWEDISH_PEOPLE = (
    "Förnamn;Efternamn;Personnummer;E-post;Utbildningskull;Certifierad;Status\n"
    "Åsa;Öberg;19800101-0001;asa@example.se;Kull T;2025-02-21;Certifierad\n"
    "Örjan;Ärlig;;orjan@example;Kull T;2025-02-21;placerad\n"  # bad e-mail
    "Märta;Ågren;19800101-0009;;Kull X;21/02/2025;certifierad\n"  # bad checksum, unknown cohort
    "Åsa;Öberg;19800101-0001;;;;\n"  # the same person again
    "Lars;Lind;;;;2025-13-01;astronaut\n"  # bad date, bad status
    "Ingrid;Ek;;;;;\n"
)


def test_swedish_semicolon_csv_in_windows_1252_lists_every_problem_by_row(db, tmp_path):
    with db.begin(SYSTEM) as s:
        f.cohort(s)
    path = tmp_path / "personer.csv"
    path.write_bytes(SWEDISH_PEOPLE.encode("cp1252"))
    preview = _load(db, "people", path)
    by_row = {r.number: r for r in preview.results}
    assert by_row[2].status == ri.NEW and by_row[7].status == ri.NEW
    assert [r.number for r in preview.problems] == [3, 4, 5, 6]
    assert any("e-mail" in p for p in by_row[3].problems)
    assert len(by_row[4].problems) == 2  # both problems of the row, not only the first
    assert any("checksum" in p.lower() or "check digit" in p.lower() for p in by_row[4].problems)
    assert any("cohort" in p for p in by_row[4].problems)
    assert "row 2" in by_row[5].problems[0]
    assert len(by_row[6].problems) == 2
    assert _count(db, m.PeerSupporter) == 0
    with pytest.raises(ValidationError):
        _load(db, "people", path, commit=True)
    assert _count(db, m.PeerSupporter) == 0  # all or nothing
    done = _load(db, "people", path, commit=True, skip=(3, 4, 5, 6))
    assert done.count(ri.NEW) == 2 and done.count(ri.SKIPPED) == 4
    with db.session(SYSTEM) as s:
        asa = s.scalar(select(m.PeerSupporter).where(m.PeerSupporter.personal_number == "19800101-0001"))
        assert (asa.first_name, asa.last_name, asa.status, asa.cohort.name) == ("Åsa", "Öberg", m.PeerStatus.CERTIFIED, "Kull T")
        assert s.scalar(select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.action == "import")) == 1
    again = _load(db, "people", path, skip_bad=True)
    assert {r.number: r.status for r in again.results if r.status != ri.SKIPPED} == {2: ri.UNCHANGED, 7: ri.UNCHANGED}
    assert _count(db, m.PeerSupporter) == 2


def test_tenures_placements_and_contracts_with_overlaps_and_unknown_names(db, tmp_path):
    with db.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning Ö")
        f.peer(s, first="Åsa", last="Öberg")
    tenures = tmp_path / "chefer.csv"
    tenures.write_text("Avdelning,Chef,Från,Till,Tf\n"
                       "Avdelning Ö,Karin Öst,2024-01-01,2024-12-31,\n"
                       "Avdelning Ö,Per Berg,2025-01-01,,nej\n"
                       "Avdelning Ö,Sven Sund,2025-06-01,,\n"  # overlaps Per Berg
                       "Avdelning Ä,Per Berg,2025-01-01,,\n", encoding="utf-8")
    p = _load(db, "tenures", tenures)
    assert [r.number for r in p.problems] == [4, 5]
    assert "overlap" in " ".join(p.problems[0].problems).lower() or "2025-01-01" in p.problems[0].problems[0]
    assert "workplace" in p.problems[1].problems[0].lower()
    _load(db, "tenures", tenures, commit=True, skip_bad=True)
    with db.session(SYSTEM) as s:
        assert sorted(s.scalars(select(m.Manager.name))) == ["Karin Öst", "Per Berg"]
    placements = tmp_path / "placeringar.csv"
    placements.write_text("Kamratstödjare;Arbetsplats;Startdatum;Slutdatum;Omfattning %\n"
                          "Åsa Öberg;Avdelning Ö;2025-02-01;;50\n"
                          "Öberg, Åsa;Avdelning Ö;2025-03-01;;50\n"  # overlaps the row before
                          "Nils Holgersson;Avdelning Ö;2025-02-01;;150\n", encoding="utf-8")
    p = _load(db, "placements", placements)
    assert [r.number for r in p.problems] == [3, 4]
    assert len(p.problems[1].problems) == 1 and "peer supporter" in p.problems[1].problems[0].lower()
    contracts = tmp_path / "anstallningar.csv"
    contracts.write_text("Person;Arbetsgivare;Anställningsform;Från;Till;Omfattning;Finansiering\n"
                         "Åsa Öberg;NSPH Väst;Särskild visstid;2025-01-01;2025-06-30;50;Regionbidrag\n"
                         "Åsa Öberg;NSPH Väst;visstid;2025-06-01;2025-12-31;50;Arvsfonden\n"
                         "Åsa Öberg;NSPH Väst;visstid;2026-01-01;;50;\n", encoding="utf-8")
    p = _load(db, "contracts", contracts)
    assert [r.number for r in p.problems] == [3, 4]
    assert "2025-01-01" in p.problems[0].problems[0]  # the overlapping period is named by its dates
    assert "end date" in p.problems[1].problems[0].lower()  # fixed-term without an end

    # Imported once, then again: the second time everything is already there, unchanged.
    for kind, path in (("tenures", tenures), ("placements", placements), ("contracts", contracts)):
        first = _load(db, kind, path, commit=True, skip_bad=True)
        assert first.count(ri.NEW) + first.count(ri.UNCHANGED) >= 1, kind
        second = _load(db, kind, path, commit=True, skip_bad=True)
        assert second.count(ri.NEW) == 0 and second.count(ri.UNCHANGED) == first.count(ri.NEW) + first.count(ri.UNCHANGED), kind
    assert _count(db, m.ManagerTenure) == 2 and _count(db, m.Placement) == 1 and _count(db, m.ContractPeriod) == 1


def test_a_new_manager_whose_tenure_is_refused_is_not_left_behind(db, tmp_path):
    with db.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning Ö")
    path = tmp_path / "chefer.csv"
    path.write_text("Avdelning,Chef,Från,Till\n"
                    "Avdelning Ö,Karin Öst,2024-01-01,\n"
                    "Avdelning Ö,Nina Ny,2023-06-01,\n"  # overlaps Karin's open tenure: refused with its new manager
                    "Avdelning Ö,Nina Ny,2022-01-01,2022-12-31\n", encoding="utf-8")
    p = _load(db, "tenures", path, commit=True, skip_bad=True)
    assert [r.status for r in p.results] == [ri.NEW, ri.SKIPPED, ri.NEW]
    with db.session(SYSTEM) as s:
        assert sorted(s.scalars(select(m.Manager.name))) == ["Karin Öst", "Nina Ny"]


def test_a_supervisor_may_not_import_and_the_preview_writes_nothing_on_error(db, tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("name,organisation,kind\nA,B,inpatient\n", encoding="utf-8")
    with pytest.raises(AccessDenied):
        _load(db, "workplaces", path, actor=Actor(None, "sup", frozenset({m.Role.SUPERVISOR})))


def test_guess_mapping_remembers_the_users_choice():
    header = ["Namn", "Förvaltning", "Vårdform", "Egen kolumn"]
    assert ri.guess_mapping("workplaces", header) == {0: "name", 1: "organisation", 2: "kind"}
    assert ri.guess_mapping("workplaces", header, {"Egen kolumn": "specialty"})[3] == "specialty"


def test_a_large_file_reports_progress_and_can_be_cancelled(sqlite_db, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("name,organisation,kind\n" + "".join(f"Avdelning {i},Org,inpatient\n" for i in range(300)), encoding="utf-8")
    seen = []
    sheet = read_sheet(path)
    rows = ri.rows_from_sheet(sheet, ri.guess_mapping("workplaces", sheet.header))
    with sqlite_db.begin(COORD) as s:
        p = ri.preview(s, "workplaces", rows, progress=lambda done, total: seen.append((done, total)) or True)
    assert p.count(ri.NEW) == 300 and seen[0] == (25, 300) and seen[-1] == (300, 300)
    from peerdesk.errors import PeerDeskError

    with pytest.raises(PeerDeskError), sqlite_db.begin(COORD) as s:
        ri.commit(s, "workplaces", rows, progress=lambda done, total: done < 100)
    assert _count(sqlite_db, m.Workplace) == 0  # cancelled: nothing imported


def test_a_person_without_personal_number_is_recognised_by_name_whatever_the_case_of_a_swedish_letter(db, tmp_path):
    """SQLite's lower() does not fold Å/Ä/Ö: matching by name is done in Python, so a re-import of
    "ÅSA ÖBERG" (no personal number) finds Åsa Öberg instead of adding her twice."""
    with db.begin(SYSTEM) as s:
        f.peer(s, "Åsa", "Öberg", region="Norr")
        f.peer(s, "Örjan", "Älv")
    path = tmp_path / "personer.csv"
    path.write_bytes("Förnamn;Efternamn;Region\nÅSA;ÖBERG;Norr\nÖrjan;Älv;\nÄnna;Ny;\n".encode("cp1252"))
    preview = _load(db, "people", path)
    by_row = {r.number: r for r in preview.results}
    assert by_row[2].status != ri.NEW and by_row[3].status == ri.UNCHANGED and by_row[4].status == ri.NEW
    placements = tmp_path / "placeringar.csv"
    with db.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning Ö")
    placements.write_bytes("Person;Arbetsplats;Från\nåsa öberg;Avdelning Ö;2026-01-01\n".encode("cp1252"))
    assert [r.status for r in _load(db, "placements", placements).results] == [ri.NEW]  # the person was found
