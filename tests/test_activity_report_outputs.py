"""The activity report's files as a reader gets them: the PDF's text read back with pypdf (Swedish and English),
the XLSX with openpyxl, the JSON; the same suppression in all three; no names; and `peerdesk report activity`."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import activity_report as ar
from peerdesk.services.access import SYSTEM
from peerdesk.services.records import create
from tests import activity_office as office
from tests import factories as f

D = dt.date
S, E = office.START, office.END


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _names(s) -> list[str]:
    rows = s.execute(select(m.PeerSupporter.first_name, m.PeerSupporter.last_name)).all()
    managers = [n for (n,) in s.execute(select(m.Manager.name))]
    return [w for first, last in rows for w in (first, last)] + managers + ["Avdelning"]


@pytest.fixture
def built(sqlite_db):
    from peerdesk.services.settings import set_setting

    with sqlite_db.begin(SYSTEM) as s:
        set_setting(s, "office.name", "Föreningen Brukarkraft")
        info = office.build(s)
    return sqlite_db, info


def _small_office(s) -> None:
    """Three group sessions and twelve individual ones in March: a 3 that must never be printed."""
    from peerdesk.services import supervision

    w = f.workplace(s, region="Skåne").id
    people = [f.peer(s, "Hemlig", f"Person{i}", status="placed").id for i in range(6)]
    for p in people:
        create(s, m.Placement, peer_supporter_id=p, workplace_id=w, start_date=D(2025, 1, 1))
    for i in range(12):
        supervision.log_session(s, D(2026, 3, 1 + i), [people[i % 6]], duration_minutes=60)
    for _ in range(3):
        supervision.log_session(s, D(2026, 3, 20), people[:3], form="group", duration_minutes=90)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_pdf_has_the_title_period_scope_tables_and_charts_and_no_names(built, tmp_path, lang):
    db, info = built
    path = tmp_path / f"activity-{lang}.pdf"
    with db.begin(SYSTEM) as s:
        report = ar.gather_activity(s, start=S, end=E, grant_id=info.grant_vg)
        pages = ar.write_activity_report(s, report, path, lang=lang)
        names = _names(s)
    text = pdf_text(path)
    assert pages == len(PdfReader(str(path)).pages) >= 2
    words = {"sv": ["Verksamhetsrapport", "Föreningen Brukarkraft", "Period: 2026-01-01 – 2026-06-30", "Bidrag: Allmänna arvsfonden, 2025/101",
                    "Kamratstödjare", "Slutenvård", "Heltidstjänster (snitt)", "Enskilda (även telefon och video)", "Avstämningsmöten",
                    "informerade inom 30 dagar", "Särskild visstid", "Samtycken som samlats in", "Figur 1. Handledningssamtal per månad",
                    "Så räknas uppgifterna"],
             "en": ["Activity report", "Föreningen Brukarkraft", "Period: 1 Jan 2026 – 30 Jun 2026", "Grant: Allmänna arvsfonden, 2025/101",
                    "Peer supporters", "Inpatient", "Full-time equivalents (average)", "Individual (incl. phone and video)",
                    "Check-in meetings", "briefed within 30 days", "Fixed-term", "Consents collected",
                    "Figure 1. Supervision sessions per month", "How the figures are counted"]}[lang]
    flat = " ".join(text.split())
    for word in words:
        assert word in flat, word
    # Each shown figure is printed as the table gives it: the placements total, the sessions total.
    for key in ("placements.total", "sessions.total", "briefings.total"):
        assert not report.figures[key].hidden
        assert re.search(rf"\b{report.value(key)}\b", flat)
    fte = report.text("fte.total", lang)
    assert fte in flat and ("," in fte) == (lang == "sv")  # "1,23" in Swedish, "1.23" in English
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", flat), name


def test_a_count_of_three_is_printed_nowhere(sqlite_db, tmp_path):
    """Three group sessions: "< 5" in the PDF, the XLSX and the JSON; the total and the individual sessions
    cannot both be shown (15 − 12 = 3), nor the hours that would give the 3 × 1.5 hours back."""
    with sqlite_db.begin(SYSTEM) as s:
        _small_office(s)
    pdf, xlsx, js = tmp_path / "a.pdf", tmp_path / "a.xlsx", tmp_path / "a.json"
    with sqlite_db.begin(SYSTEM) as s:
        report = ar.gather_activity(s, start=S, end=E)
        ar.write_activity_report(s, report, pdf, json_path=js, lang="en")
        ar.write_activity_report(s, report, xlsx, lang="en")
    assert report.value("sessions.group") == 3 and report.figures["sessions.group"].hidden == "small"
    # PDF: the supervision table's rows
    flat = " ".join(pdf_text(pdf).split())
    row = flat[flat.index("Individual (incl. phone and video)"):]
    row = row[:row.index("Table 4")]
    assert "Group < 5" in row and " 3 " not in f" {row} " and "4.5" not in row
    assert not ("15" in row.split() and "12" in row.split())  # total and individual: not both
    # XLSX: the same cells
    book = load_workbook(xlsx, read_only=True)
    sheet = next(book[n] for n in book.sheetnames if n.startswith("Supervision"))
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    group = next(r for r in cells if r[0] == "Group")
    assert group[1:] == ["< 5", "–"]
    assert all(3 not in r[1:2] and 4.5 not in r for r in cells)  # sessions column; hours column
    shown = {r[0]: r[1] for r in cells[1:]}
    assert not (shown["Total"] == 15 and shown["Individual (incl. phone and video)"] == 12)
    months = next(book[n] for n in book.sheetnames if n.startswith("Per month"))
    march = next(r for r in months.iter_rows(values_only=True) if r[0] == "2026-03")
    assert march[2] == "< 5"  # the three group sessions in March
    book.close()
    # JSON: the same suppression, and no exact hidden value anywhere
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["figures"]["sessions.group"] == "< 5" and data["small_count_rule"]["k"] == 5
    assert not (data["figures"]["sessions.total"] == 15 and data["figures"]["sessions.individual"] == 12)
    assert data["per_month"]["sessions.group"][2] == "< 5"
    counts = {k: v for k, v in data["figures"].items() if not k.startswith(("fte.", "hours."))}  # 6 half-time: 3.0 FTE
    assert 3 not in counts.values() and 4.5 not in data["figures"].values()


def test_the_xlsx_and_json_carry_every_figure_as_shown(built, tmp_path):
    db, info = built
    with db.begin(SYSTEM) as s:
        report = ar.gather_activity(s, start=S, end=E, region=office.VG)
        ar.write_activity_report(s, report, tmp_path / "r.xlsx", json_path=tmp_path / "r.json", lang="sv")
        names = _names(s)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["scope"] == {"kind": "region", "grant_id": None, "region": office.VG, "label": office.VG}
    assert data["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert set(data["figures"]) == set(report.figures) and data["months"][0] == "2026-01"
    for key, fig in report.figures.items():
        assert data["figures"][key] == fig.json_value(report.k)
    book = load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert book.sheetnames[0] == "Verksamhetsrapport" and any(n.startswith("Placeringar") for n in book.sheetnames)
    every = [v for n in book.sheetnames for r in book[n].iter_rows(values_only=True) for v in r if isinstance(v, str)]
    placements = next(book[n] for n in book.sheetnames if n.startswith("Placeringar"))
    total = next(r for r in placements.iter_rows(values_only=True) if r[0] == "Totalt")
    assert total[1] == (report.value("placements.total") if not report.figures["placements.total"].hidden else total[1])
    book.close()
    text = " ".join(every)
    assert "Region: Västra Götaland" in text
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", text), name


def test_saving_is_audited_with_the_period_and_format_only(built, tmp_path):
    db, info = built
    with db.begin(SYSTEM) as s:
        report = ar.gather_activity(s, start=S, end=E, grant_id=info.grant_sk)
        ar.write_activity_report(s, report, tmp_path / "x.pdf", json_path=tmp_path / "x.json", lang="en")
    with db.session(SYSTEM) as s:
        rows = s.execute(select(m.AuditEvent.fields).where(m.AuditEvent.action == "activity_report").order_by(m.AuditEvent.id)).all()
    details = [json.loads(r[0]) for r in rows]
    assert details == [{"format": "pdf", "from": "2026-01-01", "to": "2026-06-30", "grant_id": info.grant_sk},
                       {"format": "json", "from": "2026-01-01", "to": "2026-06-30", "grant_id": info.grant_sk}]


def test_an_unknown_extension_is_refused_before_any_work(sqlite_db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with sqlite_db.begin(SYSTEM) as s:
        report = ar.gather_activity(s, start=S, end=E)
        with pytest.raises(ValidationError) as err:
            ar.write_activity_report(s, report, out / "report.docx", json_path=out / "report.json")
    assert "report.docx: the report can be saved as .pdf or .xlsx" in err.value.message
    assert not list(out.iterdir())
    with sqlite_db.session(SYSTEM) as s:
        assert not s.scalar(select(func.count()).select_from(m.AuditEvent).where(m.AuditEvent.action == "activity_report"))


# ---------------------------------------------------------------- `peerdesk report activity`
@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("activity")), "PEERDESK_DB_PASSPHRASE": "activity cli passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def test_the_cli_writes_the_pdf_and_the_json_for_a_region(demo_env, tmp_path):
    from tests.test_cli import run

    pdf, js = tmp_path / "verksamhet.pdf", tmp_path / "verksamhet.json"
    done = run({**demo_env, "PEERDESK_USER": "coordinator"}, "report", "activity", "--from", "2025-01-01", "--to", "2025-12-31",
               "--region", "Västra regionen", "-o", str(pdf), "--json", str(js), "--lang", "sv")
    assert done.returncode == 0, done.stderr
    assert f"Saved {pdf} (" in done.stdout and f"Saved {js}." in done.stdout
    text = " ".join(pdf_text(pdf).split())
    assert "Verksamhetsrapport" in text and "Region: Västra regionen" in text and "Period: 2025-01-01 – 2025-12-31" in text
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["scope"]["region"] == "Västra regionen" and data["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert isinstance(data["figures"]["placements.total"], (int, str))


def test_the_cli_writes_an_xlsx(demo_env, tmp_path):
    from tests.test_cli import run

    out = tmp_path / "activity.xlsx"
    done = run(demo_env, "report", "activity", "--from", "2025-01-01", "--to", "2025-12-31", "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = load_workbook(out, read_only=True)
    assert book.sheetnames[0] == "Activity report" and "Per month" in book.sheetnames
    book.close()


@pytest.mark.parametrize("argv, message", [
    (["--from", "2025-12-31", "--to", "2025-01-01", "-o", "x.pdf"], "End date cannot be before the start date."),
    (["--from", "2025-01-01", "--to", "2025-12-31", "--grant", "4711", "-o", "x.pdf"], "There is no such grant."),
    (["--from", "2025-01-01", "--to", "2025-12-31", "--region", "Atlantis", "-o", "x.pdf"], "No workplace is in that region."),
    (["--from", "2025-01-01", "--to", "2025-12-31", "--grant", "1", "--region", "Västra regionen", "-o", "x.pdf"],
     "Choose a grant or a region, not both."),
    (["--from", "2025-01-01", "--to", "2025-12-31", "-o", "x.docx"], "x.docx: the report can be saved as .pdf or .xlsx."),
    (["--from", "2025-01-01", "--to", "2025-12-31"], "Say where to save the report"),
    (["--from", "2025-02-30", "--to", "2025-12-31", "-o", "x.pdf"], "Start date: not a valid date"),
    (["--from", "2025-01-01", "--to", "2025-12-31", "--grant", "abc", "-o", "x.pdf"], "Grant: enter a whole number"),
])
def test_the_cli_refuses_bad_input_with_one_line_and_writes_nothing(demo_env, tmp_path, argv, message):
    from tests.test_cli import run

    argv = [str(tmp_path / a) if a.startswith("x.") else a for a in argv]
    done = run(demo_env, "report", "activity", *argv)
    assert done.returncode in (1, 2)
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("peerdesk") and message.lower() in err.lower(), err
    assert not list(tmp_path.iterdir())


def test_a_supervisor_may_not_make_the_report(demo_env, tmp_path):
    from tests.test_cli import run

    done = run({**demo_env, "PEERDESK_USER": "supervisor"}, "report", "activity", "--from", "2025-01-01", "--to", "2025-12-31",
               "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 1 and "not allowed" in done.stderr.lower()
    assert not list(tmp_path.iterdir())
