"""The evaluator's flow: open a round, enter two questionnaires by keyboard, approve a quote
after fixing a flagged pronoun, build the report and see it open."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt, QThread
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, records
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.evaluation.evaluation_page import EvaluationPage
from peerdesk.ui.operations import Operations


def open_evaluation_page(qtbot, db):
    """The evaluation page as the demo's evaluator sees it, once it has loaded: (page, its Operations)."""
    page = EvaluationPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(db, login(db, "evaluator", "demo"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    return page, ops


def _type_answers(qtbot, grid, values):
    """Type each value into the current item and press Enter, as a person at the keyboard."""
    grid.focus_first_item()
    for value in values:
        qtbot.waitUntil(lambda: grid.open_editor() is not None, timeout=2000)  # the next item is ready for typing
        editor = grid.open_editor()
        if value:
            qtbot.keyClicks(editor, value)
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_evaluator_enters_questionnaires_approves_a_quote_and_builds_the_report(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        r3 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
        interview = s.scalar(select(m.Interview).where(m.Interview.round_id == r3.id, m.Interview.informant_role == "peer_supporter")
                             .order_by(m.Interview.id))  # the demo's: its participant's consent is valid
        quote = records.create(s, m.Quote, round_id=r3.id, informant_role="peer_supporter",
                               text="Han tyckte att rollen blev tydligare med tiden.")  # from no interview yet: it would never print
        quote_id, interview_id = quote.id, interview.id
        before = s.query(m.QuestionnaireResponse).count()
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    assert page.round.number == 3
    grid = page.entry
    assert grid.instrument.code == "DREEM-OK" and grid.table.rowCount() == 14

    for code, values in (("NY-1", ["2", "9", "3"] + ["2"] * 11), ("NY-2", ["1", ""] + ["1"] * 12)):
        qtbot.keyClicks(grid.code, code)
        grid.role.setFocus()
        grid.role.setCurrentIndex(0)
        qtbot.keyClick(grid.role, Qt.Key.Key_Down)  # peer supporter -> staff
        _type_answers(qtbot, grid, values)
        if code == "NY-1":
            # "9" is outside 1–5 and was refused on the spot: the cell took nothing
            assert grid.table.item(1, 1).text() == ""
        with qtbot.waitSignal(grid.saved, timeout=10000):
            qtbot.keyClick(grid.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert grid.code.text() == "" and "saved" in grid.message.text()
    with sqlite_db.session(SYSTEM) as s:
        assert s.query(m.QuestionnaireResponse).count() == before + 2
        new = s.scalars(select(m.QuestionnaireResponse).where(m.QuestionnaireResponse.respondent_code.in_(["NY-1", "NY-2"]))).all()
        assert {r.informant_role for r in new} == {m.InformantRole.STAFF}
        blanks = {r.respondent_code: sum(1 for a in r.answers if a.value is None) for r in new}
        assert blanks == {"NY-1": 1, "NY-2": 1}
    qtbot.waitUntil(lambda: grid.table.item(1, 3).text().startswith("2 /"), timeout=5000)  # missing answers counted per item

    page.tabs.setCurrentWidget(page.quotes)
    qtbot.waitUntil(lambda: any(q.id == quote_id for q in page.quotes.rows), timeout=5000)
    page.quotes.list.setCurrentRow([q.id for q in page.quotes.rows].index(quote_id))
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        page.quotes.approve_button.click()  # refused: "Han" is a gendered pronoun
    qtbot.waitUntil(lambda: "Han → hen" in page.quotes.findings.text(), timeout=5000)
    page.quotes.text.clear()
    qtbot.keyClicks(page.quotes.text, "Hen tyckte att rollen blev tydligare med tiden.")
    assert page.quotes.interview.currentData() is None
    page.quotes.interview.setCurrentIndex(page.quotes.interview.findData(interview_id))  # the interview it came from
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        page.quotes.approve_button.click()
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Quote, quote_id).status == m.QuoteStatus.APPROVED and s.get(m.Quote, quote_id).interview_id == interview_id

    target = tmp_path / "omgang.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page.tabs.setCurrentIndex(2)
    qtbot.keyClicks(page.section_body, "Stodet har blivit en del av vardagen.")  # QTest types ASCII only
    on_gui_thread = []  # the preview is a window: it must be made on the GUI thread, not the render worker's
    page.report_opened.connect(lambda _path: on_gui_thread.append(QThread.currentThread() is QApplication.instance().thread()))
    with qtbot.waitSignal(page.report_opened, timeout=30000):
        page.build_button.click()
    assert on_gui_thread == [True]
    assert opened == []  # shown inside the app, not in an external viewer that may be missing
    assert page.preview.isVisible() and page.preview.page_count == len(PdfReader(str(target)).pages) > 0
    page.preview.close()
    text = "\n".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Hen tyckte att rollen blev tydligare" in text and "Peer supporter, materialinsamlingsomgång 3" in text
    assert "Stodet har blivit en del av vardagen" in text
    page.wait()
    ops.wait()


def test_evaluator_imports_a_file_and_registers_a_quote_with_a_new_theme(qtbot, sqlite_db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from peerdesk.ui.evaluation.new_quote import NewQuoteDialog

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    bad = tmp_path / "svar.csv"
    bad.write_text("respondent_code;roll;1;2\nF-1;personal;1;2\nF-2;personal;7;2\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    page.entry.import_button.click()
    qtbot.waitUntil(lambda: "Row 3" in page.entry.message.text(), timeout=5000)
    good = tmp_path / "ok.csv"
    good.write_text("respondent_code;roll;1;2\nF-1;personal;1;2\nF-2;personal;5;2\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    page.entry.import_button.click()
    qtbot.waitUntil(lambda: "2 questionnaires imported" in page.entry.message.text(), timeout=5000)

    page.tabs.setCurrentWidget(page.quotes)
    page.quotes.new_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(page.quotes, "dialog", None), NewQuoteDialog), timeout=5000)
    dialog = page.quotes.dialog
    dialog.theme.setEditText("Anställningens villkor")
    qtbot.keyClicks(dialog.text, "Det viktigaste var att veta i tid om anstallningen fortsatter.")
    count = len(page.quotes.rows)
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        dialog.save()
    assert len(page.quotes.rows) == count + 1 and page.quotes.rows[-1].status == "draft"
    with sqlite_db.session(SYSTEM) as s:
        q = s.get(m.Quote, page.quotes.rows[-1].id)
        assert s.get(m.Theme, q.theme_id).name_sv == "Anställningens villkor"
    ops.wait()


def test_evaluator_creates_a_round_chooses_wards_and_logs_an_interview(qtbot, sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    panel = page.rounds_panel
    assert panel.number.value() == 4
    qtbot.keyClicks(panel.start, "2027-02-30")  # no such date: refused with a message, nothing saved
    panel.create_button.click()
    qtbot.waitUntil(lambda: "not a valid date" in panel.message.text(), timeout=5000)
    panel.start.clear()
    qtbot.keyClicks(panel.start, "2027-02-01")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        panel.create_button.click()
    assert page.round.number == 4 and page.round.status == "planned"
    unchecked = lambda: panel.wards.count() == 14 and all(  # noqa: E731 — the new round's list: no ward yet
        panel.wards.item(i).checkState() == Qt.CheckState.Unchecked for i in range(14))  # the demo's 14 workplaces
    qtbot.waitUntil(unchecked, timeout=5000)
    for i in range(2):
        panel.wards.item(i).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        panel.wards_button.click()
    from peerdesk.ui.evaluation.interview_dialog import InterviewDialog

    panel.interview_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(panel, "dialog", None), InterviewDialog) and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    dialog.held_on.setFocus()
    dialog.held_on.clear()
    qtbot.keyClicks(dialog.held_on, "2026-11-20")
    dialog.kind.setCurrentIndex(1)
    dialog.participants.setValue(4)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "logged" in panel.message.text(), timeout=5000)
    panel.status.setCurrentIndex(1)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        panel.status_button.click()
    with sqlite_db.session(SYSTEM) as s:
        r4 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 4))
        assert r4.status == m.RoundStatus.COLLECTING
        assert s.query(m.RoundWorkplace).filter_by(round_id=r4.id).count() == 2
        assert s.query(m.Interview).filter_by(round_id=r4.id, participants=4).count() == 1
    ops.wait()
