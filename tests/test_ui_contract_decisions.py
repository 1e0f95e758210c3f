"""Done when (issue #19): the administrator sees `contract_decision_due` on Today, records "continues" by typing
the new period's end, prints the letter, records it as handed over, and the alert is gone."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.i18n import format_date
from peerdesk.models import Role
from peerdesk.services.access import SYSTEM
from peerdesk.ui.contracts.decision_dialog import DecisionDialog
from tests.test_ui_today import demo_db, open_window, rows, windows  # noqa: F401 - fixtures and the Today helpers


def _shot(widget, name: str) -> None:
    """PEERDESK_SHOTS=folder keeps pictures of the steps (for looking at them under Xvfb)."""
    import os

    folder = os.environ.get("PEERDESK_SHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, name))


def test_administrator_decides_prints_the_letter_and_records_it_handed_over(qtbot, demo_db, windows, tmp_path, monkeypatch):  # noqa: F811
    today = dt.date.today()
    window, ops, _ = open_window(qtbot, demo_db, "admin", Role.ADMINISTRATOR, windows)
    page = window.today
    assert page.count_labels["contract_decision_due"].text() == "1"
    assert rows(page)["Contract end: decision to tell (1)"] == ["Mats Engström"]
    key = next(a.key for a in page.alerts if a.kind == "contract_decision_due")
    button = page.action_buttons[key]
    assert button.text() == "Decide…" and "Mats Engström" in button.accessibleName()

    window.resize(1024, 640)
    _shot(window, "today-decision-due.png")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.form
    assert isinstance(dialog, DecisionDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: "Mats Engström" in dialog.context.text(), timeout=10000)
    end = today + dt.timedelta(days=40)
    assert format_date(end) in dialog.context.text()
    assert not dialog.print_button.isEnabled() and not dialog.told_button.isEnabled()  # nothing decided yet

    # Continues, to a new end typed in the date field; the extent as it was.
    dialog.decision.setFocus()
    qtbot.keyClicks(dialog.decision, "Continues")
    assert dialog.decision.currentData() == "continues" and dialog.new_end.isEnabled()
    # A year more would take Mats past the LAS limit for fixed-term employment: refused, in words, nothing lost.
    dialog.new_end.selectAll()
    qtbot.keyClicks(dialog.new_end, (end + dt.timedelta(days=100)).isoformat())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=15000)
    assert "over the limit of 365" in dialog.error.text() and dialog.decision.currentData() == "continues"
    # To the limit: 341 days so far, 24 more.
    new_end = end + dt.timedelta(days=24)
    dialog.new_end.selectAll()
    qtbot.keyClicks(dialog.new_end, new_end.isoformat())
    with qtbot.waitSignal(dialog.changed, timeout=15000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "decision is saved" in dialog.message.text()
    _shot(dialog, "decision-dialog-saved.png")
    assert dialog.print_button.isEnabled() and dialog.told_button.isEnabled()
    qtbot.waitUntil(lambda: page.form is dialog and page.count_labels["contract_decision_due"].text() == "1", timeout=15000)

    # Print letter…: the print dialog (accepted, printing to a file), and the pages it prints are the letter.
    printed_text, target = [], tmp_path / "printer.pdf"

    def accept(print_dialog):
        from peerdesk.storage.safe_output import private_dir

        (letter,) = private_dir().glob("*/contract-decision.pdf")  # the PDF whose pages are sent to the printer
        printed_text.append(" ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(letter)).pages))
        printer = print_dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(100)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    dialog.lang.setCurrentIndex(dialog.lang.findData("en"))
    with qtbot.waitSignal(dialog.printed, timeout=30000) as printed:
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert printed.args == [1] and len(PdfReader(str(target)).pages) == 1
    (text,) = printed_text
    assert "To Mats Engström" in text and "Your employment continues" in text
    assert f"{format_date(end + dt.timedelta(days=1), 'en')} – {format_date(new_end, 'en')}, 50% of full time" in text
    assert "Noor" not in text and "Robin" not in text  # no one else's data

    # Handed over today: the alert is gone from Today.
    assert dialog.told_on.date() == today
    with qtbot.waitSignal(page.loaded, timeout=15000):
        qtbot.mouseClick(dialog.told_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: key not in {a.key for a in page.alerts}, timeout=15000)
    assert page.count_labels["contract_decision_due"].text() == "0"
    _shot(dialog, "decision-dialog-told.png")
    assert not dialog.told_button.isEnabled() and not dialog.save_button.isEnabled()  # told: the decision stands
    with demo_db.session(SYSTEM) as s:
        c = s.get(m.ContractPeriod, int(key.split(":")[1]))
        follow = s.get(m.ContractPeriod, c.follow_on_id)
        assert (c.continuation_decision, c.told_on, c.decided_by_id) == ("continues", today, demo_db.users["admin"])
        assert (follow.start_date, follow.end_date, follow.extent_percent) == (end + dt.timedelta(days=1), new_end, 50)
        assert s.scalar(select(m.AuditEvent.id).where(m.AuditEvent.action == "contract_letter", m.AuditEvent.record_id == c.id))
    dialog.close()
    ops.wait()
