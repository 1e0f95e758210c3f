"""Staff accounts and changing the person at the desk, as people meet them: from the login dialog,
by keyboard and mouse, asserting what is on the screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QMessageBox

from peerdesk.models import Role
from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM
from peerdesk.ui.app import attach_session
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.setup.login_dialog import LoginDialog
from tests import factories

WARD = "Avdelning Hemlig 7"  # a name only the logged-in user's screens show


@pytest.fixture
def office(sqlite_db, monkeypatch, tmp_path):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))  # the scheduled backup of a real login goes here
    monkeypatch.delenv("PEERDESK_USER", raising=False)
    monkeypatch.delenv("PEERDESK_PASSWORD", raising=False)
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "admin", "Ada Admin", "admin password", [Role.ADMINISTRATOR])
        accounts.create_user(s, "kim", "Kim Coordinator", "kim password", [Role.COORDINATOR])
        accounts.create_user(s, "sven", "Sven Supervisor", "sven password", [Role.SUPERVISOR])
        factories.workplace(s, name=WARD)
    return sqlite_db


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 640)
    w.show()
    yield w
    if w.ops is not None:
        w.ops.wait()


def focused(widget):
    """The widget with the keyboard focus in `widget`'s window (where typing goes)."""
    return widget.window().focusWidget()


def type_login(qtbot, dialog: LoginDialog, username: str, password: str) -> None:
    """What a person does: the user name, Tab, the password, Enter."""
    assert focused(dialog) is dialog.username
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClick(dialog.username, Qt.Key.Key_Tab)
    assert focused(dialog) is dialog.password
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def log_in(qtbot, window, db, username: str, password: str):
    """The start of the app: the login dialog over the window, then the window for that user."""
    dialog = LoginDialog(db, window)
    dialog.open()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        type_login(qtbot, dialog, username, password)
    with qtbot.waitSignal(window.today.loaded, timeout=10000):
        attach_session(window, db, dialog.actor)
    return dialog.actor


def visible_texts(window) -> str:
    """Every text a person could read in the window: labels, fields and the cells of visible lists."""
    texts = []
    for w in window.findChildren(QLabel) + window.findChildren(QLineEdit):
        if w.isVisible():
            texts.append(w.text())
    for view in window.findChildren(QAbstractItemView):
        model: QAbstractItemModel = view.model()
        if view.isVisible() and model is not None:
            root = QModelIndex()
            for r in range(model.rowCount(root)):
                for c in range(1 if isinstance(model, QAbstractListModel) else model.columnCount(root)):
                    texts.append(str(model.data(model.index(r, c)) or ""))
    return "\n".join(texts)


def open_area(qtbot, window, area: str):
    """A click on the area in the sidebar; the page it shows."""
    bar = window.sidebar
    qtbot.mouseClick(bar.viewport(), Qt.MouseButton.LeftButton, pos=bar.visualItemRect(bar.items[area]).center())
    assert window.stack.currentWidget() is window.pages.get(area)
    return window.stack.currentWidget()


def test_admin_adds_a_supervisor_who_logs_in_with_the_one_time_password(qtbot, office, window):
    log_in(qtbot, window, office, "admin", "admin password")
    settings = open_area(qtbot, window, "settings")
    panel = settings.accounts
    assert settings.admin_tabs.currentWidget() is panel and panel.isVisible()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)

    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    form = panel.dialog
    qtbot.waitExposed(form)
    assert focused(form) is form.username
    qtbot.keyClicks(form.username, "maja")
    qtbot.keyClick(form.username, Qt.Key.Key_Tab)
    assert focused(form) is form.display_name
    qtbot.keyClicks(form.display_name, "Maja Handledare")
    for _ in range(3):  # Tab past administrator and coordinator to supervisor
        qtbot.keyClick(focused(form), Qt.Key.Key_Tab)
    assert focused(form) is form.roles["supervisor"]
    qtbot.keyClick(form.roles["supervisor"], Qt.Key.Key_Space)
    with qtbot.waitSignal(panel.one_time_shown, timeout=5000) as shown:
        qtbot.keyClick(form.roles["supervisor"], Qt.Key.Key_Return)  # Enter: Save
    one_time_dialog = shown.args[0]
    assert one_time_dialog.isVisible() and not form.isVisible()
    one_time = one_time_dialog.password.text()
    assert len(one_time.split("-")) == 4 and one_time_dialog.password.isReadOnly()
    qtbot.mouseClick(one_time_dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == one_time
    qtbot.mouseClick(one_time_dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=5000)
    row = next(r for r in range(4) if panel.model.data(panel.model.index(r, 0)) == "maja")
    assert [panel.model.data(panel.model.index(row, c)) for c in range(5)] == ["maja", "Maja Handledare", "supervisor", "yes", "yes"]

    # The administrator leaves; Maja logs in at the login dialog and must choose her own password.
    window.session.log_out()
    login = window.session.login_dialog
    assert login.isVisible() and window.ops is None
    type_login(qtbot, login, "maja", one_time)
    assert login.isVisible() and login.choosing_password
    assert login.new.isVisible() and login.repeat.isVisible() and not login.password.isVisible()
    assert "one-time password" in login.text.text() and login.login_button.text() == "Continue"
    assert focused(login) is login.new
    qtbot.wait(50)  # a person takes a moment: Enter must still work in this second step
    qtbot.keyClicks(login.new, "majas eget losen")
    qtbot.keyClick(login.new, Qt.Key.Key_Tab)
    qtbot.keyClicks(login.repeat, "majas eget fel")
    qtbot.keyClick(login.repeat, Qt.Key.Key_Return)
    assert login.isVisible() and "do not match" in login.error.text()
    qtbot.keyClicks(login.new, "majas eget losen")
    qtbot.keyClick(login.new, Qt.Key.Key_Tab)
    qtbot.keyClicks(login.repeat, "majas eget losen")
    with qtbot.waitSignal(window.session.user_changed, timeout=10000) as changed:
        qtbot.keyClick(login.repeat, Qt.Key.Key_Return)
    maja = changed.args[0]
    assert maja.username == "maja" and maja.roles == {Role.SUPERVISOR} and not maja.must_change_password
    assert window.ops.actor == maja and "maja" in window.db_label.text()
    assert window.sidebar.items["supervision"].isHidden() is False
    assert getattr(window.pages["settings"], "accounts", None) is None  # not an administrator: no accounts panel
    from peerdesk.services.auth import login as service_login

    assert service_login(office, "maja", "majas eget losen").username == "maja"


def test_lock_now_covers_every_piece_of_data_until_the_password(qtbot, office, window):
    log_in(qtbot, window, office, "kim", "kim password")
    open_area(qtbot, window, "workplaces")
    qtbot.waitUntil(lambda: WARD in visible_texts(window), timeout=5000)
    window.activateWindow()  # the login dialog had the keyboard; shortcuts go to the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(focused(window), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    lock = window.idle_lock
    assert lock.is_locked and lock.cover.geometry() == window.rect()
    assert "Locked." in lock.cover.text.text() and "kim" in lock.cover.text.text()
    for point in (window.rect().center(), window.rect().topLeft() + window.rect().center() / 4):
        under = window.childAt(point)
        assert under is lock.cover or lock.cover.isAncestorOf(under)
    assert focused(window) is lock.cover.password
    qtbot.keyClicks(lock.cover.password, "kim password")
    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClick(lock.cover.password, Qt.Key.Key_Return)
    assert not lock.cover.isVisible() and WARD in visible_texts(window)
    assert window.session.lock_action.shortcut().toString() == "Ctrl+L"
    assert window.session.lock_action in window.session.menu.actions()


def test_log_out_leaves_nothing_of_the_user_on_screen(qtbot, office, window, monkeypatch):
    log_in(qtbot, window, office, "kim", "kim password")
    workplaces = open_area(qtbot, window, "workplaces")
    qtbot.waitUntil(lambda: WARD in visible_texts(window), timeout=5000)
    qtbot.mouseClick(window.session.button, Qt.MouseButton.LeftButton)  # the account menu in the status bar
    assert window.session.menu.isVisible()
    window.session.menu.hide()
    window.session.logout_action.trigger()
    login = window.session.login_dialog
    assert login.isVisible() and login.username.text() == "" and login.password.text() == ""
    assert WARD not in visible_texts(window) and "kim" not in window.db_label.text()
    assert window.ops is None and window.pages.get("workplaces") is None
    qtbot.waitUntil(lambda: not _alive(workplaces), timeout=3000)  # their pages are gone, not hidden
    assert [a for a, item in window.sidebar.items.items() if not item.isHidden()] == ["today"]
    assert not window.session.lock_action.isEnabled()
    from peerdesk.services import audit

    with office.session(SYSTEM) as s:
        assert audit.browse(s, action="logout")[0]["username"] == "kim"
    # Giving up at the login dialog closes PeerDesk.
    qtbot.keyClick(login, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def _alive(widget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_switch_user_same_person_continues_someone_else_starts_fresh(qtbot, office, window):
    log_in(qtbot, window, office, "kim", "kim password")
    workplaces = open_area(qtbot, window, "workplaces")
    qtbot.waitUntil(lambda: WARD in visible_texts(window), timeout=5000)
    window.session.switch_action.trigger()
    lock = window.idle_lock
    login = window.session.login_dialog
    assert lock.is_locked and login.isVisible()
    under = window.childAt(window.rect().center())
    assert under is lock.cover or lock.cover.isAncestorOf(under)
    type_login(qtbot, login, "kim", "kim password")
    assert not lock.is_locked and window.stack.currentWidget() is workplaces and window.ops.actor.username == "kim"

    qtbot.mouseClick(window.session.button, Qt.MouseButton.LeftButton)
    window.session.menu.hide()
    window.session.switch_action.trigger()
    login = window.session.login_dialog
    qtbot.keyClick(login, Qt.Key.Key_Escape)  # cancelled: stays locked for kim
    assert window.idle_lock.is_locked and window.ops.actor.username == "kim"
    qtbot.mouseClick(window.idle_lock.cover.switch_button, Qt.MouseButton.LeftButton)  # the button on the cover
    login = window.session.login_dialog
    with qtbot.waitSignal(window.session.user_changed, timeout=10000):
        type_login(qtbot, login, "sven", "sven password")
    assert window.ops.actor.username == "sven" and "sven" in window.db_label.text()
    assert not _alive(workplaces) or not workplaces.isVisible()
    assert window.stack.currentWidget() is window.pages["today"] and window.pages.get("workplaces") is None
    assert window.idle_lock is None or not window.idle_lock.is_locked
    qtbot.waitUntil(lambda: window.idle_lock is not None, timeout=5000)
    assert window.idle_lock.cover.username == "sven"  # the lock now asks for sven's password
    window.session.lock_now()
    assert "sven" in window.idle_lock.cover.text.text()


def test_swedish_login_button_says_logga_in_also_after_qt_translations_load(qtbot, office, window):
    from peerdesk.i18n import language, set_language
    from peerdesk.ui.common.style import install_qt_translator

    before = language()
    set_language("sv")
    try:
        dialog = LoginDialog(office, window)
        dialog.open()
        install_qt_translator("sv")  # what the app does as it starts; Qt then retranslates its standard buttons
        qtbot.wait(50)
        assert dialog.login_button.text() == "Logga in"
        assert "Logga in" in [b.text() for b in dialog.findChildren(type(dialog.login_button)) if b.isVisible()]
        assert not any(b.text().replace("&", "").lower() == "ok" for b in dialog.findChildren(type(dialog.login_button)))
    finally:
        set_language(before)
        install_qt_translator(before)
    dialog.reject()


def test_deactivated_account_is_told_at_the_login_dialog(qtbot, office, window):
    from peerdesk.services.auth import login

    admin = login(office, "admin", "admin password")
    with office.begin(admin) as s:
        accounts.set_active(s, accounts.find_account(s, "kim").id, False)
    dialog = LoginDialog(office, window)
    dialog.open()
    type_login(qtbot, dialog, "kim", "kim password")
    assert dialog.isVisible() and dialog.actor is None and "deactivated" in dialog.error.text()


def test_reset_password_in_settings_shows_the_new_one_time_password(qtbot, office, window, monkeypatch):
    log_in(qtbot, window, office, "admin", "admin password")
    panel = open_area(qtbot, window, "settings").accounts
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    panel.select_username("kim")
    assert panel.reset_button.isEnabled() and panel.active_button.text() == "Deactivate"
    qtbot.mouseClick(panel.active_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "deactivated" in panel.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: panel.active_button.text() == "Reactivate", timeout=5000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.one_time_shown, timeout=5000) as shown:
        qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    one_time = shown.args[0].password.text()
    shown.args[0].accept()
    panel.select_username("admin")
    qtbot.mouseClick(panel.active_button, Qt.MouseButton.LeftButton)  # the last administrator stays
    qtbot.waitUntil(lambda: "last active administrator" in panel.status.text(), timeout=5000)
    from peerdesk.errors import AccessDenied
    from peerdesk.services.auth import login

    with pytest.raises(AccessDenied, match="deactivated"):
        login(office, "kim", one_time)


def test_edit_an_accounts_name_and_roles_in_settings(qtbot, office, window):
    log_in(qtbot, window, office, "admin", "admin password")
    panel = open_area(qtbot, window, "settings").accounts
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=5000)
    assert not panel.edit_button.isEnabled()  # nothing chosen yet
    panel.select_username("kim")
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    form = panel.dialog
    qtbot.waitExposed(form)
    assert form.username.isReadOnly() and form.roles["coordinator"].isChecked()
    assert focused(form) is form.display_name
    form.display_name.selectAll()
    qtbot.keyClicks(form.display_name, "Kim Samordnare")
    for _ in range(3):  # to the supervisor box
        qtbot.keyClick(focused(form), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(form), Qt.Key.Key_Space)
    qtbot.keyClick(focused(form), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "saved" in panel.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: "Kim Samordnare" in visible_texts(window), timeout=5000)
    row = next(r for r in range(3) if panel.model.data(panel.model.index(r, 0)) == "kim")
    assert panel.model.data(panel.model.index(row, 2)) == "coordinator, supervisor"
    audit_actions = [window.pages["settings"].audit.action.itemText(i) for i in range(window.pages["settings"].audit.action.count())]
    assert "Roles changed" in audit_actions and "Account created" in audit_actions
