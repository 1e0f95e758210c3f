"""The evaluator places a section before the results in the window's section editor, builds the
report, and finds the section ahead of the first table (issue #21 R1)."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM
from tests.test_ui_evaluation import open_evaluation_page


def test_evaluator_places_an_introduction_before_the_results(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    assert page.round.number == 3
    target = tmp_path / "omgang.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    page.tabs.setCurrentIndex(2)
    page.section_title.selectAll()
    qtbot.keyClicks(page.section_title, "Inledning")
    qtbot.keyClicks(page.section_body, "Omgangen foljer upp det forsta aret.")  # QTest types ASCII only
    from peerdesk.i18n import t

    assert page.section_place.currentText() == t("ui.eval.section_after")  # the default, as sections printed until now
    page.section_place.setFocus()
    qtbot.keyClick(page.section_place, Qt.Key.Key_Down)
    assert page.section_place.currentText() == t("ui.eval.section_before")
    with qtbot.waitSignal(page.report_opened, timeout=30000):
        page.build_button.click()
    page.preview.close()
    text = "\n".join(p.extract_text() for p in PdfReader(str(target)).pages[1:])  # past the title page and its contents
    assert text.index("Omgangen foljer upp det forsta aret.") < text.index("Tabell 1.")
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.ReportSection.placement).where(m.ReportSection.title == "Inledning")) == "before"
    page.wait()
    ops.wait()
