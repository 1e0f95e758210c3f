"""The window when the keyring holds a wrong key: the unlock dialog says so, the recovery key typed there
opens the office, and a question offers to store it in place of the wrong one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from peerdesk.services import demo
from peerdesk.services.access import SYSTEM
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.keys import KEYRING_SERVICE, _account
from peerdesk.storage.opening import open_current
from peerdesk.ui import app as app_module
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.setup.unlock_dialog import UnlockDialog
from tests.test_ui_start import data_dir, when_modal  # noqa: F401 - data_dir is a fixture

WRONG = "0f" * 32


def _office_with_a_wrong_stored_key(data_dir, keyring_backend):
    target = DatabaseTarget("sqlite", path=data_dir / "peerdesk.db")
    opened = open_current(create=True, target=target)
    with opened.db.begin(SYSTEM) as s:
        demo.load_demo(s)
    opened.db.dispose()
    entry = (KEYRING_SERVICE, _account(target.path))
    right = keyring_backend.items[entry]
    keyring_backend.items[entry] = WRONG
    return opened.recovery_key, entry, right


def test_a_wrong_stored_key_asks_for_the_recovery_key_and_the_office_opens(qtbot, data_dir, keyring_backend, monkeypatch):
    recovery, entry, right = _office_with_a_wrong_stored_key(data_dir, keyring_backend)
    monkeypatch.setenv("PEERDESK_USER", "coordinator")
    monkeypatch.setenv("PEERDESK_PASSWORD", "demo")
    questions = []

    def answer(parent, title, text, *args, **kwargs):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    seen = {}

    def type_recovery_key(dialog: UnlockDialog):
        seen["reason"] = dialog.reason.text() if dialog.reason.isVisible() else ""
        dialog.passphrase.setFocus()
        qtbot.keyClicks(dialog.passphrase, recovery)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    when_modal(qtbot, UnlockDialog, type_recovery_key)
    with qtbot.waitSignal(window.today.loaded, timeout=60000):
        actor = app_module.start_office(window)
    assert actor is not None
    assert "keyring does not open the database" in seen["reason"]
    assert len(questions) == 1 and "Store it in the keyring instead" in questions[0]
    assert keyring_backend.items[entry] == right  # replaced: the next start opens without asking
    assert str(data_dir / "peerdesk.db") in window.db_label.text()
    window.ops.db.dispose()


def test_no_keeps_the_stored_key_and_the_office_still_opens(qtbot, data_dir, keyring_backend, monkeypatch):
    recovery, entry, _right = _office_with_a_wrong_stored_key(data_dir, keyring_backend)
    monkeypatch.setenv("PEERDESK_USER", "coordinator")
    monkeypatch.setenv("PEERDESK_PASSWORD", "demo")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()

    def type_recovery_key(dialog: UnlockDialog):
        dialog.passphrase.setFocus()
        qtbot.keyClicks(dialog.passphrase, recovery)
        qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    when_modal(qtbot, UnlockDialog, type_recovery_key)
    with qtbot.waitSignal(window.today.loaded, timeout=60000):
        assert app_module.start_office(window) is not None
    assert keyring_backend.items[entry] == WRONG
    window.ops.db.dispose()
