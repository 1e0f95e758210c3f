"""A new office's first week, from the first start to a second user at work — the path a person takes.

It starts where the app starts after its first paint (`app.start_office`: the first-run dialog), never
at a window with an actor injected, and drives the widgets by keyboard and mouse at 1024x640:

1. first start: the database is created with the demo office; with a keyring the recovery key is
   shown and confirmed by its last group, without one a passphrase is asked instead;
2. the administrator adds a supervisor in Settings → Accounts and hands Linnea Björk (overdue for
   her monthly session) over to her;
3. the supervisor logs in with the one-time password, chooses her own, and logs Linnea's monthly
   session with a date typed with dashes — the date is kept, the overdue alert goes;
4. the coordinator (switch user) clears a ward's new-manager alert by logging the briefing;
5. the administrator previews and prints ten blank consent forms and one pre-filled form.

It runs with a keyring (in Swedish, as the office works) and without one (in English).
"""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog

from peerdesk.i18n import language, set_language, t
from peerdesk.services.access import SYSTEM
from peerdesk.ui import app as app_module
from peerdesk.ui.common.style import install_qt_translator
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.setup.first_run import FirstRunDialog
from peerdesk.ui.setup.recovery_dialog import RecoveryKeyDialog
from peerdesk.ui.setup.unlock_dialog import UnlockDialog
from tests.test_ui_registers import keys, open_row, wait_loaded
from tests.test_ui_start import when_modal

ADMIN_PASSWORD = "admins long password"
MAJA_PASSWORD = "majas own password"
WAIT = 30000


def focused():
    return QApplication.focusWidget()


def activate(qtbot, widget) -> None:
    """The widget's window as the active one (a window manager does this on show; offscreen must ask)."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window() and focused() is not None, timeout=5000)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key goes where the keyboard focus is, as it does for a person."""
    assert focused() is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:
    assert focused() is not None, "nothing has the keyboard focus"
    qtbot.keyClicks(focused(), text)


def open_area(qtbot, window, area: str):
    """A click on the area in the sidebar; the page it shows."""
    bar = window.sidebar
    qtbot.mouseClick(bar.viewport(), Qt.MouseButton.LeftButton, pos=bar.visualItemRect(bar.items[area]).center())
    page = window.stack.currentWidget()
    assert page is window.pages.get(area)
    return page


def log_in_at_dialog(qtbot, window, username: str, password: str) -> None:
    """Switch user from the account button, then the login dialog by keyboard."""
    qtbot.mouseClick(window.session.button, Qt.MouseButton.LeftButton)
    window.session.menu.hide()
    with qtbot.waitSignal(window.session.user_changed, timeout=WAIT):
        window.session.switch_action.trigger()
        login = window.session.login_dialog
        activate(qtbot, login)
        assert focused() is login.username
        type_text(qtbot, username)
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, password)
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ops is not None and window.ops.actor.username == username, timeout=WAIT)


@pytest.fixture(params=[("keyring", "sv"), ("no_keyring", "en")], ids=["keyring-sv", "no_keyring-en"])
def office_desk(request, tmp_path, monkeypatch):
    """A fresh computer: no database yet, the office's language, with or without a working keyring."""
    keyring_kind, lang = request.param
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    for name in ("PEERDESK_DB_PASSPHRASE", "PEERDESK_DATABASE_URL", "PEERDESK_USER", "PEERDESK_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    if keyring_kind == "no_keyring":
        request.getfixturevalue("no_keyring")
    before = language()
    set_language(lang)
    install_qt_translator(lang)
    yield keyring_kind, lang
    set_language(before)
    install_qt_translator(before)


def test_first_week_from_first_start_to_a_second_user_at_work(qtbot, office_desk, tmp_path, monkeypatch):
    keyring_kind, lang = office_desk
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1024, 640)
    window.show()
    seen: dict = {}

    # ------------------------------------------------------------ 1. first start
    def confirm_recovery_key(dialog: RecoveryKeyDialog):
        activate(qtbot, dialog)
        seen["key"] = dialog.key_label.text().split()
        seen["ok_before"] = dialog.ok_button.isEnabled()
        type_text(qtbot, seen["key"][-1])
        seen["ok_after"] = dialog.ok_button.isEnabled()
        press(qtbot, Qt.Key.Key_Return)

    def type_passphrase(dialog: UnlockDialog):
        seen["passphrase_asked"] = True
        activate(qtbot, dialog)
        type_text(qtbot, "the office passphrase")
        press(qtbot, Qt.Key.Key_Return)

    def first_run(dialog: FirstRunDialog):
        when_modal(qtbot, RecoveryKeyDialog if keyring_kind == "keyring" else UnlockDialog,
                   confirm_recovery_key if keyring_kind == "keyring" else type_passphrase, seconds=120)
        activate(qtbot, dialog)
        seen["create_button"] = dialog.create_button.text()
        assert focused() is dialog.username
        type_text(qtbot, "admin")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "Ada Admin")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, ADMIN_PASSWORD)
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, ADMIN_PASSWORD)
        dialog.demo.setFocus()
        press(qtbot, Qt.Key.Key_Space)  # load the demo office
        assert dialog.demo.isChecked()
        dialog.password2.setFocus()
        press(qtbot, Qt.Key.Key_Return)

    when_modal(qtbot, FirstRunDialog, first_run)
    with qtbot.waitSignal(window.today.loaded, timeout=120000):
        admin = app_module.start_office(window)
    assert admin is not None and admin.username == "admin"
    assert seen["create_button"] == t("ui.firstrun.create")
    if keyring_kind == "keyring":
        assert len(seen["key"]) == 8 and seen["ok_before"] is False and seen["ok_after"] is True
        assert "passphrase_asked" not in seen
    else:
        assert seen["passphrase_asked"] and "key" not in seen
    assert window.width() == 1024  # nothing forced the window wider
    db = window.ops.db

    # ------------------------------------------------------------ 2. the administrator adds a supervisor
    settings = open_area(qtbot, window, "settings")
    panel = settings.accounts
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=WAIT)  # the administrator and the demo's other three
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    form = panel.dialog
    qtbot.waitExposed(form)
    activate(qtbot, form)
    assert focused() is form.username
    type_text(qtbot, "maja")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Maja Handledare")
    form.roles["supervisor"].setFocus()
    press(qtbot, Qt.Key.Key_Space)
    with qtbot.waitSignal(panel.one_time_shown, timeout=WAIT) as shown:
        press(qtbot, Qt.Key.Key_Return)
    one_time_dialog = shown.args[0]
    one_time = one_time_dialog.password.text()
    qtbot.mouseClick(one_time_dialog.close_button, Qt.MouseButton.LeftButton)

    # …and hands Linnea Björk, overdue for her monthly session, over to Maja on Linnea's form.
    people = open_area(qtbot, window, "people").people
    wait_loaded(qtbot, people.list)
    keys(qtbot, people.list.filter, "Linnea")
    wait_loaded(qtbot, people.list, 1)
    open_row(qtbot, people)
    chooser = people.form.widgets["supervisor_id"]
    qtbot.waitUntil(lambda: chooser.findText("Maja Handledare") >= 0, timeout=WAIT)
    chooser.setFocus()
    if chooser.isEditable():  # a searchable choice: type over it, pick from what it offers
        chooser.lineEdit().selectAll()
        qtbot.keyClicks(chooser.lineEdit(), "Maja")
        popup = chooser.completer().popup()
        qtbot.waitUntil(popup.isVisible, timeout=WAIT)
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    else:
        qtbot.keyClicks(chooser, "Maja")  # a closed combo box finds the item by its first letters
    assert chooser.currentText() == "Maja Handledare"
    activate(qtbot, chooser)
    with qtbot.waitSignal(people.form.saved, timeout=WAIT):
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S saves a register form

    # ------------------------------------------------------------ 3. the supervisor's first login and session
    qtbot.mouseClick(window.session.button, Qt.MouseButton.LeftButton)
    window.session.menu.hide()
    window.session.logout_action.trigger()
    login = window.session.login_dialog
    assert login.isVisible() and window.ops is None
    activate(qtbot, login)
    type_text(qtbot, "maja")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, one_time)
    press(qtbot, Qt.Key.Key_Return)
    assert login.isVisible() and login.choosing_password and focused() is login.new
    type_text(qtbot, MAJA_PASSWORD)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, MAJA_PASSWORD)
    with qtbot.waitSignal(window.session.user_changed, timeout=WAIT):
        press(qtbot, Qt.Key.Key_Return)
    assert window.ops.actor.username == "maja" and not window.ops.actor.must_change_password

    overview = open_area(qtbot, window, "supervision").overview
    qtbot.waitUntil(lambda: [r.name for r in overview.rows] == ["Linnea Björk"], timeout=WAIT)
    row = overview.rows[0]
    assert row.status == "overdue" and row.interval_days == 31  # monthly: she is past her intro
    activate(qtbot, window)  # the login dialog had the keyboard; the window gets it back
    overview.table.setFocus()
    overview.table.selectRow(0)
    press(qtbot, Qt.Key.Key_Return)  # Enter on the person: the session form
    session_form = overview.dialog
    qtbot.waitExposed(session_form)
    activate(qtbot, session_form)
    held_on = dt.date.today() - dt.timedelta(days=3)
    assert focused() is session_form.held_on
    type_text(qtbot, held_on.isoformat())  # typed with dashes, as people write dates
    with qtbot.waitSignal(window.today.loaded, timeout=WAIT):
        press(qtbot, Qt.Key.Key_Return)
    assert not session_form.isVisible()
    qtbot.waitUntil(lambda: overview.rows and overview.rows[0].status == "on_track", timeout=WAIT)
    assert overview.rows[0].last_session == held_on  # the typed date, kept exactly
    from peerdesk import models as m

    with db.session(SYSTEM) as s:
        session = s.query(m.SupervisionSession).order_by(m.SupervisionSession.id.desc()).first()
        assert session.held_on == held_on
        assert session.supervisor_id == s.query(m.User).filter_by(username="maja").one().id

    # ------------------------------------------------------------ 4. the coordinator clears a new manager
    log_in_at_dialog(qtbot, window, "coordinator", "demo")
    today = window.today
    qtbot.waitUntil(lambda: "new_manager" in today.count_labels, timeout=WAIT)
    before = int(today.count_labels["new_manager"].text())
    key = next(a.key for a in today.alerts if a.kind == "new_manager" and a.workplace_name == "Bostad Först Älvstaden")
    qtbot.mouseClick(today.action_buttons[key], Qt.MouseButton.LeftButton)
    briefing = today.form
    activate(qtbot, briefing)
    briefing.summary.setFocus()
    type_text(qtbot, "Gick igenom peer support-rollen med nya chefen.")
    with qtbot.waitSignal(today.loaded, timeout=WAIT):
        qtbot.mouseClick(briefing.save_button, Qt.MouseButton.LeftButton)
    assert key not in {a.key for a in today.alerts}
    assert int(today.count_labels["new_manager"].text()) == before - 1

    # ------------------------------------------------------------ 5. the administrator prints consent forms
    log_in_at_dialog(qtbot, window, "admin", ADMIN_PASSWORD)
    consents = open_area(qtbot, window, "consents").consents
    qtbot.waitUntil(lambda: consents.study.count() > 0 and consents.workplace.count() > 1, timeout=WAIT)
    consents.workplace.setCurrentIndex(consents.workplace.findText("Avdelning 21, psykosvård"))
    consents.copies.setValue(10)
    with qtbot.waitSignal(consents.previewed, timeout=WAIT) as previewed:
        qtbot.mouseClick(consents.preview_button, Qt.MouseButton.LeftButton)
    sample = previewed.args[0]
    assert sample.isVisible() and sample.page_count == 1  # one form as it will look; no number handed out
    sample.close()

    printed_to = []

    def print_dialog_accepted(dialog):
        """The print dialog, accepted with 'Print to file (PDF)' chosen: Qt's own printing path."""
        target = tmp_path / f"printer-{len(printed_to)}.pdf"
        printed_to.append(target)
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(100)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", print_dialog_accepted)
    with qtbot.waitSignal(consents.printed, timeout=120000) as printed:
        qtbot.mouseClick(consents.print_button, Qt.MouseButton.LeftButton)
    assert len(printed.args[0].form_numbers) == 10 and len(PdfReader(printed_to[0]).pages) == 10

    consents.person.setFocus()
    qtbot.keyClicks(consents.person.lineEdit(), "Linnea")
    popup = consents.person.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=WAIT)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert consents.person.currentText().startswith("Linnea Björk")
    with qtbot.waitSignal(consents.previewed, timeout=WAIT) as previewed:
        qtbot.mouseClick(consents.prefill_preview_button, Qt.MouseButton.LeftButton)
    one = previewed.args[0]
    assert one.page_count == 1 and one.print_button.isVisible()
    with qtbot.waitSignal(one.printed, timeout=WAIT):
        qtbot.mouseClick(one.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(printed_to[1]).pages) == 1
    one.close()
    with db.session(SYSTEM) as s:
        prefilled = s.query(m.ConsentForm).order_by(m.ConsentForm.id.desc()).first()
        assert prefilled.peer_supporter_id is not None and s.query(m.ConsentForm).count() == 11
    assert window.width() == 1024
    window.ops.wait()
