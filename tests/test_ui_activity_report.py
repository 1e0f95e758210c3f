"""The activity report in the window, as a coordinator uses it: the Funding area, type the period, choose a region,
see the figures (counts only, small ones as "< 5"), save the PDF and the XLSX — and read the files back."""

from __future__ import annotations

import json

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from tests.test_ui_registers import (  # noqa: F401  (fixtures)
    WAIT,
    _own_settings,
    demo_db,
    demo_template,
    finish,
    open_window,
    type_into,
)


def _figures(page) -> dict[str, list[str]]:
    tree = page.figures
    out = {}
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        out.setdefault(item.text(0), [item.text(c) for c in range(1, 4)])
    return out


def _open_page(qtbot, demo_db, user="coordinator"):
    window = open_window(qtbot, demo_db, user)
    window.sidebar.select("funding")
    area = window.pages["funding"]
    page = area.activity
    bar = area.tabBar()  # the grants come first; the person clicks the activity report's tab
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(area.indexOf(page)).center())
    assert area.currentWidget() is page
    window.ops.wait()
    qtbot.waitUntil(lambda: page.choices is not None, timeout=WAIT)
    return window, page


def test_a_coordinator_types_the_period_chooses_a_region_sees_the_figures_and_saves_the_pdf(qtbot, demo_db, tmp_path, monkeypatch):
    window, page = _open_page(qtbot, demo_db)
    type_into(qtbot, page.start_field, "2025-01-01")
    qtbot.keyClick(page.start_field, Qt.Key.Key_Tab)
    type_into(qtbot, page.end_field, "2026-12-31")
    qtbot.keyClick(page.end_field, Qt.Key.Key_Tab)
    page.scope.setFocus()
    qtbot.keyClick(page.scope, Qt.Key.Key_Down)  # whole office → one grant → one region
    qtbot.keyClick(page.scope, Qt.Key.Key_Down)
    assert page.scope.currentData() == "region"
    assert page.which.isEnabled() and "Västra regionen" in [page.which.itemText(i) for i in range(page.which.count())]
    page.which.setFocus()
    while page.which.currentText() != "Västra regionen":
        qtbot.keyClick(page.which, Qt.Key.Key_Down)
    assert not page.pdf_button.isEnabled()  # nothing to save before the figures are shown
    with qtbot.waitSignal(page.shown, timeout=WAIT):
        qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert "Region: Västra regionen" in page.status.text() and "2025" in page.status.text()
    shown = _figures(page)
    report = page.report
    assert shown["Total"][0] == report.text("people.total", "en")  # the people table's total, as printed
    assert "Peer supporters" in shown and "Placements and workplaces" in shown and "Supervision" in shown
    assert shown["Inpatient"][0] == report.text("placements.inpatient", "en")
    with demo_db.session(SYSTEM) as s:
        names = [w for first, last in s.execute(select(m.PeerSupporter.first_name, m.PeerSupporter.last_name)) for w in (first, last)]
    on_screen = " ".join(" ".join([k, *v]) for k, v in shown.items())
    assert not any(f" {name} " in f" {on_screen} " for name in names)
    small = [k for k, fig in report.figures.items() if fig.hidden == "small"]
    assert all(fig.value not in (1, 2, 3, 4) or fig.hidden for fig in report.figures.values() if fig.unit == "count" and
               not k_exempt(fig, report))
    if small:
        assert "< 5" in on_screen
    # The charts per month, as the PDF draws them, on their own tab: one per series group, each a real drawing
    # whose axis names the period's months.
    page.views.setCurrentWidget(page.charts)
    assert len(page.chart_widgets) == 3 and all(r.isValid() for r in page.chart_drawings)
    assert all(c.isVisible() and c.width() > 300 for c in page.chart_widgets)
    sessions = page.chart_widgets[0].pixmap().toImage()  # bars and axis text drawn on white paper, not a blank box
    inked = sum(sessions.pixelColor(x, y).lightness() < 200 for x in range(0, sessions.width(), 3)
                for y in range(0, sessions.height(), 3))
    assert inked > 100, inked
    from peerdesk.reports.activity_report import chart_svgs

    svgs = chart_svgs(report, "en")
    assert "2025-01" in svgs[0][1] and "2026-12" in svgs[0][1]
    assert [c.accessibleName() for c in page.chart_widgets] == [caption for caption, _svg in svgs]

    target = tmp_path / "verksamhet.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    assert f"Saved {target}" in page.status.text()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    assert "Activity report" in text and "Region: Västra regionen" in text and "Figure 1. Supervision sessions per month" in text

    xlsx = tmp_path / "verksamhet.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), "Excel (*.xlsx)"))
    with qtbot.waitSignal(page.saved, timeout=WAIT):
        qtbot.mouseClick(page.xlsx_button, Qt.MouseButton.LeftButton)
    book = load_workbook(xlsx, read_only=True)
    assert "Per month" in book.sheetnames
    book.close()
    with demo_db.session(SYSTEM) as s:
        formats = [json.loads(f)["format"] for (f,) in s.execute(select(m.AuditEvent.fields).where(m.AuditEvent.action == "activity_report"))]
    assert formats == ["pdf", "xlsx"]
    finish(window)


def k_exempt(fig, report) -> bool:
    return fig is report.figures["rounds.held"]


def test_a_period_that_ends_before_it_starts_says_so_and_shows_nothing(qtbot, demo_db):
    window, page = _open_page(qtbot, demo_db, "admin")
    type_into(qtbot, page.start_field, "2026-06-01")
    type_into(qtbot, page.end_field, "2026-01-01")
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "before the start date" in page.status.text(), timeout=WAIT)
    assert page.figures.topLevelItemCount() == 0 and not page.pdf_button.isEnabled() and page.show_button.isEnabled()
    finish(window)


def test_the_funding_area_is_for_administrators_and_coordinators(qtbot, demo_db):
    for user, sees in (("supervisor", False), ("evaluator", False)):
        window = open_window(qtbot, demo_db, user)
        assert ("funding" in window._visible) == sees
        finish(window)
