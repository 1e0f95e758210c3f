"""The evaluator's flow: open a round, enter two questionnaires by keyboard, approve a quote
after fixing a flagged pronoun, build the report and see it open."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, records
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.evaluation.evaluation_page import EvaluationPage
from peerdesk.ui.operations import Operations


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
        quote = records.create(s, m.Quote, round_id=r3.id, informant_role="peer_supporter",
                               text="Han tyckte att rollen blev tydligare med tiden.")
        quote_id = quote.id
        before = s.query(m.QuestionnaireResponse).count()
    evaluator = login(sqlite_db, "evaluator", "demo")
    page = EvaluationPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, evaluator, page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
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
    qtbot.waitUntil(lambda: grid.table.item(1, 2).text().startswith("2 /"), timeout=5000)  # missing answers counted per item

    page.tabs.setCurrentWidget(page.quotes)
    qtbot.waitUntil(lambda: any(q.id == quote_id for q in page.quotes.rows), timeout=5000)
    page.quotes.list.setCurrentRow([q.id for q in page.quotes.rows].index(quote_id))
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        page.quotes.approve_button.click()  # refused: "Han" is a gendered pronoun
    qtbot.waitUntil(lambda: "Han → hen" in page.quotes.findings.text(), timeout=5000)
    page.quotes.text.clear()
    qtbot.keyClicks(page.quotes.text, "Hen tyckte att rollen blev tydligare med tiden.")
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        page.quotes.approve_button.click()
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Quote, quote_id).status == m.QuoteStatus.APPROVED

    target = tmp_path / "omgang.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page.tabs.setCurrentIndex(2)
    qtbot.keyClicks(page.section_body, "Stodet har blivit en del av vardagen.")  # QTest types ASCII only
    with qtbot.waitSignal(page.report_opened, timeout=30000):
        page.build_button.click()
    assert opened == [str(target)]
    text = "\n".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "Hen tyckte att rollen blev tydligare" in text and "Peer supporter, materialinsamlingsomgång 3" in text
    assert "Stodet har blivit en del av vardagen" in text
    page.wait()
    ops.wait()
