"""Issue 21, done-when: in the window the evaluator enters a paper patient survey with its "Beskriv"
comments, takes a comment as a quote under a theme, approves it after the disclosure check (refused
while it names a registered person, approved once edited), and sees it in the draft report — in the
report's data and in the PDF's text."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, round_report
from peerdesk.services.access import SYSTEM
from tests.test_ui_evaluation import open_evaluation_page

NAMED = "Johan lyssnade alltid pa mig."  # Johan Karlsson is one of the demo's peer supporters (typed: ASCII only)
EDITED = "Peer supportern lyssnade alltid pa mig."
OPEN_ANSWER = "Bra att de finns."


def _editor(qtbot, grid):
    qtbot.waitUntil(lambda: grid.open_editor() is not None, timeout=2000)
    return grid.open_editor()


def test_evaluator_enters_a_patient_survey_with_comments_and_reports_one_as_a_quote(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    assert page.round.number == 3
    grid = page.entry

    # 1. The paper form: instrument, code, role, then value, Tab, comment, Enter … as a person types it.
    grid.instrument_box.setFocus()
    while grid.instrument.code != "PATIENT":
        qtbot.keyClick(grid.instrument_box, Qt.Key.Key_Down)
    assert grid.table.rowCount() == 5  # four rated questions and the open one
    qtbot.keyClicks(grid.code, "PAPPER-1")
    grid.role.setFocus()
    while grid.role.currentData() != "patient":
        qtbot.keyClick(grid.role, Qt.Key.Key_Down)
    grid.focus_first_item()
    for value, comment in (("6", NAMED), ("5", None), ("0", None), ("7", None)):
        editor = _editor(qtbot, grid)
        qtbot.keyClicks(editor, value)
        if comment:
            qtbot.keyClick(editor, Qt.Key.Key_Tab)  # on to the item's comment
            qtbot.waitUntil(lambda: grid.table.currentColumn() == 2, timeout=2000)
            editor = _editor(qtbot, grid)
            qtbot.keyClicks(editor, comment)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    editor = _editor(qtbot, grid)  # the open question: only its comment takes text
    assert grid.table.currentRow() == 4 and grid.table.currentColumn() == 2
    qtbot.keyClicks(editor, OPEN_ANSWER)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    with qtbot.waitSignal(grid.saved, timeout=10000):
        qtbot.keyClick(grid.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "saved" in grid.message.text() and grid.table.item(0, 2).text() == ""  # cleared for the next form
    with sqlite_db.session(SYSTEM) as s:
        resp = s.scalar(select(m.QuestionnaireResponse).where(m.QuestionnaireResponse.respondent_code == "PAPPER-1"))
        by_item = {s.get(m.InstrumentItem, a.item_id).number: (a.value, a.text) for a in resp.answers}
        assert by_item == {1: (6, NAMED), 2: (5, None), 3: (0, None), 4: (7, None), 5: (None, OPEN_ANSWER)}
        assert resp.anonymous and resp.informant_role == m.InformantRole.PATIENT

    # 2. The comment as a quote candidate, under a new theme.
    quotes = page.quotes
    page.tabs.setCurrentWidget(quotes)
    qtbot.waitUntil(lambda: any(NAMED in quotes.comments.item(i).text() for i in range(quotes.comments.count())), timeout=5000)
    row = next(i for i in range(quotes.comments.count()) if NAMED in quotes.comments.item(i).text())
    quotes.comments.setCurrentRow(row)
    quotes.comment_theme.setFocus()
    quotes.comment_theme.lineEdit().selectAll()
    qtbot.keyClicks(quotes.comment_theme.lineEdit(), "Stod och samtal")
    with qtbot.waitSignal(quotes.changed, timeout=5000):
        quotes.take_button.click()
    current = quotes.rows[quotes.list.currentRow()]
    assert current.text == NAMED and current.answer_id is not None and current.status == "draft"
    assert quotes.text.toPlainText() == NAMED and not quotes.interview.isEnabled()

    # 3. Approving it as written is refused: the check names the registered name, nothing is approved.
    quotes.approve_button.click()
    qtbot.waitUntil(lambda: "Johan" in quotes.findings.text(), timeout=5000)
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Quote, current.id).status == m.QuoteStatus.DRAFT

    # 4. Edited, checked clean, approved.
    quotes.text.clear()
    qtbot.keyClicks(quotes.text, EDITED)
    with qtbot.waitSignal(quotes.changed, timeout=5000):
        quotes.check_button.click()
    assert quotes.findings.text() == "No names, places, numbers, addresses, gendered pronouns or marked terms found."
    with qtbot.waitSignal(quotes.changed, timeout=5000):
        quotes.approve_button.click()
    qtbot.waitUntil(lambda: any(q.id == current.id and q.status == "approved" for q in quotes.rows), timeout=5000)
    with sqlite_db.session(SYSTEM) as s:
        q = s.get(m.Quote, current.id)
        assert (q.text, q.status, q.interview_id) == (EDITED, m.QuoteStatus.APPROVED, None)
        assert s.get(m.Theme, q.theme_id).name_sv == "Stod och samtal"
        data = round_report.gather(s, 3, lang="sv")
    assert (EDITED, "Patient, materialinsamlingsomgång 3") in data.quotes["Stod och samtal"]

    # 5. The draft report in the window: the quote under its theme, attributed by role and round only.
    target = tmp_path / "omgang3.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    page.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(page.report_opened, timeout=30000):
        page.build_button.click()
    page.preview.close()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(target)).pages)
    assert EDITED in text and "Patient, materialinsamlingsomgång 3" in text and "Stod och samtal" in text
    assert "Johan" not in text and "PAPPER-1" not in text
    page.wait()
    ops.wait()
