"""The evaluator builds a round report in the window: a text that would identify someone stops it,
and the page says which text (never the words), as the CLI does."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, records
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.test_ui_evaluation import open_evaluation_page


def test_the_window_refuses_a_report_whose_quote_names_someone_registered_after_approval(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        r3 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        quote = records.create(s, m.Quote, round_id=r3.id, informant_role="staff", status="approved",
                               text="Det var Vilgot som visade oss hur rollen kunde se ut.")
        quote_id = quote.id
        f.peer(s, "Vilgot", "Strömgren")  # registered after the quote was approved
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    target = tmp_path / "omgang3.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    page.tabs.setCurrentIndex(2)
    page.build_button.click()
    qtbot.waitUntil(lambda: f"Quote {quote_id}" in page.report_status.text(), timeout=20000)
    assert "Vilgot" not in page.report_status.text() and page.build_button.isEnabled()
    assert not target.exists()
    ops.wait()


def test_the_window_does_not_save_a_section_with_a_phone_number(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    target = tmp_path / "omgang3.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    page.tabs.setCurrentIndex(2)
    page.section_title.clear()
    qtbot.keyClicks(page.section_title, "Kontakt")
    qtbot.keyClicks(page.section_body, "Fragor till Karin Holm pa avd 21, 070-123 45 67.")  # QTest types ASCII only
    page.build_button.click()
    qtbot.waitUntil(lambda: "section could identify someone" in page.report_status.text(), timeout=20000)
    assert "070" not in page.report_status.text() and "Karin" not in page.report_status.text()
    assert not target.exists()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.ReportSection).where(m.ReportSection.title == "Kontakt")) is None
    ops.wait()
