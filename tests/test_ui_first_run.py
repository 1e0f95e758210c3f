"""The first start as an office meets it, by keyboard: the first-run dialog, then (with a keyring) the
recovery key, shown once and confirmed by typing its last group; without a keyring, a passphrase.

Before commit fe64b5d the keyring path ended in "An unexpected error" (a {key} placeholder collided
with t()'s first parameter) and the recovery key was never shown; these tests start where the
person starts, at the first-run dialog, and end logged in.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from peerdesk.i18n import set_language
from peerdesk.services.access import SYSTEM
from peerdesk.storage.keys import KEYRING_SERVICE
from peerdesk.ui import app as app_module
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.setup.first_run import FirstRunDialog
from peerdesk.ui.setup.recovery_dialog import RecoveryKeyDialog
from peerdesk.ui.setup.unlock_dialog import UnlockDialog
from tests.test_ui_start import when_modal

PASSWORD = "a long admin password"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)
    monkeypatch.delenv("PEERDESK_DATABASE_URL", raising=False)
    return tmp_path / "data"


def focused():
    return QApplication.focusWidget()


def activate(qtbot, dialog) -> None:
    """The dialog as the active window (a window manager does this on show; offscreen needs asking)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog and focused() is not None, timeout=5000)


def type_text(qtbot, text: str) -> None:
    """Keys go where the focus is, as they do for a person."""
    qtbot.keyClicks(focused(), text)


def press(qtbot, key) -> None:
    qtbot.keyClick(focused(), key)


def fill_first_run_by_keyboard(qtbot, dialog: FirstRunDialog, seen: dict) -> None:
    activate(qtbot, dialog)
    seen["button"] = dialog.create_button.text()
    seen["focus_at_start"] = focused() is dialog.username
    type_text(qtbot, "kim")  # replaces the suggested "admin", which starts selected
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Kim Admin")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, PASSWORD)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, PASSWORD + "!")  # a typo in the repeat
    press(qtbot, Qt.Key.Key_Return)
    seen["mismatch_error"] = (dialog.field_errors["password2"].isVisible(), dialog.field_errors["password2"].text())
    seen["other_errors_hidden"] = not any(dialog.field_errors[f].isVisible() for f in ("username", "display_name", "password"))
    seen["focus_after_error"] = focused() is dialog.password2
    error = dialog.field_errors["password2"]
    seen["error_unclipped"] = error.height() >= error.heightForWidth(error.width())
    type_text(qtbot, PASSWORD)  # the field's text is selected: typing replaces it
    press(qtbot, Qt.Key.Key_Return)


def test_first_start_with_a_keyring_shows_the_recovery_key_and_asks_for_its_last_group(qtbot, data_dir, keyring_backend,
                                                                                      tmp_path, monkeypatch):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    seen: dict = {}
    sheet = tmp_path / "sheet.pdf"
    offered = []

    def choose_file(parent, title, default, filters):
        offered.append(default)
        return str(sheet), filters

    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose_file))

    def confirm_key(dialog: RecoveryKeyDialog):
        activate(qtbot, dialog)
        seen["key_shown"] = dialog.key_label.text()
        seen["selectable"] = bool(dialog.key_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse)
        seen["ok_at_start"] = dialog.ok_button.isEnabled()
        seen["focus"] = focused() is dialog.last_group
        qtbot.mouseClick(dialog.save_sheet_button, Qt.MouseButton.LeftButton)
        seen["sheet_status"] = dialog.sheet_status.text()
        press(qtbot, Qt.Key.Key_Escape)  # leaving without the key: it says why, and stays
        seen["after_escape"] = (dialog.isVisible(), dialog.hint.text())
        dialog.close()  # the window's close button: the same
        seen["after_close"] = dialog.isVisible()
        seen["hint_unclipped"] = dialog.hint.height() >= dialog.hint.heightForWidth(dialog.hint.width())
        type_text(qtbot, "0123abcd")
        seen["wrong"] = (dialog.ok_button.isEnabled(), dialog.hint.isVisible() and dialog.hint.text())
        press(qtbot, Qt.Key.Key_Return)  # Enter with a wrong group does not get past
        seen["still_open_after_wrong_enter"] = dialog.isVisible()
        dialog.last_group.selectAll()
        last_group = seen["key_shown"].split()[-1]
        type_text(qtbot, last_group.upper())  # as copied from paper: case does not matter
        seen["right"] = (dialog.ok_button.isEnabled(), dialog.hint.isVisible())
        press(qtbot, Qt.Key.Key_Return)

    def first_run(dialog):
        when_modal(qtbot, RecoveryKeyDialog, confirm_key)
        fill_first_run_by_keyboard(qtbot, dialog, seen)

    when_modal(qtbot, FirstRunDialog, first_run)
    opened = app_module.open_database_for(window)

    assert opened is not None, seen
    assert seen["button"] == "Create database" and seen["focus_at_start"]
    assert seen["mismatch_error"] == (True, "The passwords do not match.") and seen["other_errors_hidden"]
    assert seen["focus_after_error"] and seen["error_unclipped"]
    # The key shown is the one in the keyring, in 8 groups of 8, selectable; the sheet got a meaningful name.
    stored = keyring_backend.items[(KEYRING_SERVICE, f"sqlite:{(data_dir / 'peerdesk.db').resolve()}")]
    groups = seen["key_shown"].split()
    assert "".join(groups) == stored and len(groups) == 8 and all(len(g) == 8 for g in groups)
    assert seen["selectable"] and seen["focus"] and seen["ok_at_start"] is False
    assert offered[0].endswith(".pdf") and "peerdesk-recovery-key-" in offered[0]
    assert str(sheet) in seen["sheet_status"]
    assert seen["after_escape"][0] and "will not be shown again" in seen["after_escape"][1]
    assert seen["after_close"] and seen["hint_unclipped"]
    assert seen["wrong"] == (False, "That is not the key's last group. Compare with what you wrote down.")
    assert seen["still_open_after_wrong_enter"]
    assert seen["right"] == (True, False)
    # The saved sheet holds the key (read back as a reader sees it).
    from pypdf import PdfReader

    pdf = PdfReader(str(sheet))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and all(g in text for g in groups)
    assert str(data_dir / "peerdesk.db") in text.replace("\n", "")  # a long path wraps
    # Logged in as the new administrator, on the encrypted file the keyring opens.
    assert opened.actor is not None and opened.actor.username == "kim" and opened.key_source == "keyring"
    assert not (data_dir / "peerdesk.db").read_bytes().startswith(b"SQLite format 3")
    from peerdesk import models as m

    with opened.db.session(SYSTEM) as s:
        assert s.query(m.User).filter_by(username="kim").one().display_name == "Kim Admin"
    opened.db.dispose()


def test_first_start_without_a_keyring_asks_for_a_passphrase_and_shows_no_recovery_key(qtbot, data_dir, no_keyring):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    seen: dict = {}

    def type_passphrase(dialog: UnlockDialog):
        seen["asked"] = True
        qtbot.keyClicks(dialog.passphrase, "office passphrase")
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    def first_run(dialog):
        when_modal(qtbot, UnlockDialog, type_passphrase)
        fill_first_run_by_keyboard(qtbot, dialog, seen)

    shown = []
    real_exec = RecoveryKeyDialog.exec
    RecoveryKeyDialog.exec = lambda self: shown.append(self) or real_exec(self)
    try:
        when_modal(qtbot, FirstRunDialog, first_run)
        opened = app_module.open_database_for(window)
    finally:
        RecoveryKeyDialog.exec = real_exec
    assert opened is not None and seen.get("asked") and not shown
    assert opened.key_source == "passphrase" and opened.recovery_key == ""
    assert opened.actor is not None and opened.actor.username == "kim"
    opened.db.dispose()


def test_first_run_dialog_in_swedish_says_create_database(qtbot):
    set_language("sv")
    try:
        dialog = FirstRunDialog("/tmp/x.db")
        qtbot.addWidget(dialog)
        assert dialog.create_button.text() == "Skapa databasen"
        recovery = RecoveryKeyDialog("-".join(["0123abcd"] * 8), "/tmp/x.db")
        qtbot.addWidget(recovery)
        assert recovery.save_sheet_button.text() == "Spara återställningsblad…"
    finally:
        set_language("en")
