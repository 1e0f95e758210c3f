"""In the window: the evaluator logs a group interview by typing two consent form numbers, registers a
quote from it and approves it, and the round report prints it; the administrator's withdrawal dialog
lists that quote, and after the withdrawal the quote is gone from the report (issue 16, attack 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo, round_report
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.consents.consents_page import ConsentsPage, WithdrawDialog
from peerdesk.ui.evaluation.interview_dialog import InterviewDialog
from peerdesk.ui.evaluation.new_quote import NewQuoteDialog
from peerdesk.ui.operations import Operations
from tests.test_ui_evaluation import open_evaluation_page
from tests.test_ui_start import when_modal

QUOTE = "Vi fick en ny bild av vad det kan betyda att bli frisk i vardagen."  # typed: ASCII only


def _printed(db) -> list[tuple[str, str]]:
    with db.session(SYSTEM) as s:
        data = round_report.gather(s, 3, lang="en")
    return [q for qs in data.quotes.values() for q in qs]


def _type_form(qtbot, dialog, number: str) -> None:
    qtbot.keyClicks(dialog.picker.number, number)
    qtbot.keyClick(dialog.picker.number, Qt.Key.Key_Return)  # adds the consent; does not save the form


def test_group_interview_with_typed_consents_a_quote_from_it_prints_and_withdrawal_lists_it(qtbot, sqlite_db, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    assert page.round.number == 3
    panel = page.rounds_panel
    page.tabs.setCurrentWidget(panel)

    # 1. A group interview: two staff consents picked by typing their form numbers (any case).
    panel.interview_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(panel, "dialog", None), InterviewDialog) and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # individual -> group
    assert dialog.kind.currentData() == "group"
    _type_form(qtbot, dialog, "F-1100")
    _type_form(qtbot, dialog, "f-1104")
    _type_form(qtbot, dialog, "F-9999")  # no such form: said so, nothing added
    assert "F-9999" in dialog.picker.note.text()
    assert dialog.isVisible() and dialog.picker.chosen.count() == 2
    assert [dialog.picker.chosen.item(i).text().split(" · ")[0] for i in range(2)] == ["F-1100", "F-1104"]
    assert dialog.role.currentData() == "staff" and dialog.participants.value() == 2  # both follow the consents
    dialog.held_on.clear()
    qtbot.keyClicks(dialog.held_on, "2026-11-20")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "logged" in panel.message.text(), timeout=5000)
    with sqlite_db.session(SYSTEM) as s:
        interview = s.scalar(select(m.Interview).where(m.Interview.held_on == "2026-11-20"))
        assert interview.kind == m.InterviewKind.GROUP and interview.participants == 2
        forms = set(s.scalars(select(m.Consent.form_number).join(m.InterviewParticipant, m.InterviewParticipant.consent_id == m.Consent.id)
                              .where(m.InterviewParticipant.interview_id == interview.id)))
        assert forms == {"F-1100", "F-1104"}
        interview_id = interview.id

    # 2. A quote from that interview: its consents are shown, its role is the interview's.
    page.tabs.setCurrentWidget(page.quotes)
    page.quotes.new_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(page.quotes, "dialog", None), NewQuoteDialog), timeout=5000)
    quote_dialog = page.quotes.dialog
    quote_dialog.interview.setCurrentIndex(quote_dialog.interview.findData(interview_id))
    assert quote_dialog.consents.text() == "F-1100, F-1104"
    assert quote_dialog.role.currentData() == "staff" and not quote_dialog.role.isEnabled()
    qtbot.keyClicks(quote_dialog.text, QUOTE)
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        quote_dialog.save()
    page.quotes.list.setCurrentRow(len(page.quotes.rows) - 1)
    assert page.quotes.rows[-1].text == QUOTE
    with qtbot.waitSignal(page.quotes.changed, timeout=5000):
        page.quotes.approve_button.click()
    qtbot.waitUntil(lambda: page.quotes.rows and page.quotes.rows[-1].status == "approved", timeout=5000)
    assert (QUOTE, "Staff member, data collection round 3") in _printed(sqlite_db)
    ops.wait()

    # 3. The administrator withdraws F-1104: the dialog lists the interview and the quote first.
    consents = ConsentsPage()
    qtbot.addWidget(consents)
    consents.show()
    admin_ops = Operations(sqlite_db, login(sqlite_db, "admin", "demo"), consents)
    with qtbot.waitSignal(consents.loaded, timeout=10000):
        consents.attach(admin_ops)
    row = next(i for i, r in enumerate(consents.model.rows) if r.form_number == "F-1104")
    consents.table.selectRow(row)
    seen = []

    def confirm(withdraw_dialog):
        seen.extend(withdraw_dialog.touched.item(i).text() for i in range(withdraw_dialog.touched.count()))
        withdraw_dialog.accept()

    when_modal(qtbot, WithdrawDialog, confirm)
    with qtbot.waitSignal(consents.loaded, timeout=10000):
        consents.withdraw_button.click()
    assert any(QUOTE[:40] in line and "round 3" in line for line in seen), seen
    assert any(line.startswith("Interview 2026-11-20, round 3 (group") for line in seen), seen
    assert "1 quote is no longer printed" in consents.status.text()
    assert QUOTE not in [text for text, _ in _printed(sqlite_db)]
    admin_ops.wait()
