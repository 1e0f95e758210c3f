"""Login lockout and the inactivity lock, as a person meets them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.operations import Operations
from peerdesk.ui.security.idle_lock import IdleLock
from peerdesk.ui.setup.login_dialog import LoginDialog
from peerdesk.models import Role


def _user(db, name="kim", password="right password"):
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, name, "Kim", password, [Role.COORDINATOR])


def _submit(qtbot, dialog, password):
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def test_login_lockout_delay_after_repeated_failures(qtbot, sqlite_db):
    _user(sqlite_db)
    dialog = LoginDialog(sqlite_db, username="kim")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(3):
        _submit(qtbot, dialog, "wrong")
        assert dialog.error.text() == "Wrong user name or password." and dialog.actor is None
    _submit(qtbot, dialog, "right password")  # even the right password waits out the delay
    assert "Too many failed attempts" in dialog.error.text() and dialog.actor is None
    assert dialog.password.text() == ""


def test_right_password_logs_in(qtbot, sqlite_db):
    _user(sqlite_db)
    dialog = LoginDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "KIM")
    with qtbot.waitSignal(dialog.accepted):
        _submit(qtbot, dialog, "right password")
    assert dialog.actor.username == "kim" and dialog.actor.roles == {Role.COORDINATOR}


def test_inactivity_lock_hides_the_data_until_the_password_is_given(qtbot, sqlite_db):
    _user(sqlite_db)
    from peerdesk.services.auth import login

    actor = login(sqlite_db, "kim", "right password")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    ops = Operations(sqlite_db, actor, window)
    with qtbot.waitSignal(window.overview.loaded):
        window.attach(ops, "0002")
    lock = IdleLock(window, ops, minutes=0.005)  # 0.3 s for the test
    qtbot.keyClick(window, Qt.Key.Key_Shift)  # activity postpones the lock
    assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert lock.is_locked and lock.cover.geometry() == window.rect()
    # The cover is on top of all data: what a person sees at the centre is the lock, not a number.
    centre = window.childAt(window.rect().center())
    assert centre is lock.cover or lock.cover.isAncestorOf(centre)
    qtbot.keyClicks(lock.cover.password, "wrong")
    qtbot.mouseClick(lock.cover.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lock.cover.error.isVisible(), timeout=5000)
    assert lock.is_locked and "Wrong" in lock.cover.error.text()
    qtbot.keyClicks(lock.cover.password, "right password")
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClick(lock.cover.password, Qt.Key.Key_Return)
    assert not lock.is_locked
    ops.wait()


def test_change_password(qtbot, sqlite_db):
    from peerdesk.services.auth import login
    from peerdesk.ui.security.change_password import ChangePasswordDialog

    _user(sqlite_db)
    actor = login(sqlite_db, "kim", "right password")
    ops = Operations(sqlite_db, actor)
    dialog = ChangePasswordDialog(ops)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.old, "not it")
    qtbot.keyClicks(dialog.new, "a brand new password")
    qtbot.keyClicks(dialog.repeat, "a brand new password")
    dialog.save()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert "current password is not right" in dialog.error.text()
    dialog.old.clear()
    qtbot.keyClicks(dialog.old, "right password")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert login(sqlite_db, "kim", "a brand new password").username == "kim"
    ops.wait()
