"""Lock now, Switch user and Log out: the person at the desk changes, nothing of the last one stays.

- **Lock now** (Ctrl+L) puts the inactivity lock's cover over the window at once.
- **Switch user…** locks, then opens the login dialog over the locked window. The same person
  continues where they were; someone else gets a fresh window (the previous user's pages, dialogs
  and unsaved edits are gone). Cancelled, the window stays locked.
- **Log out** (after unsaved changes are dealt with) clears the window and opens the login dialog;
  cancelled, PeerDesk closes.

The actions sit in the account button at the right of the status bar, and on the window for their
shortcuts.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QToolButton

from peerdesk.i18n import t

DEFAULT_LOCK_MINUTES = 10.0


class SessionControls(QObject):
    user_changed = Signal(object)  # the new Actor (after switch user or a login after log out)
    logged_out = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.login_dialog = None
        self._db = None  # kept between log out and the next login
        self.lock_action = QAction(window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.triggered.connect(self.lock_now)
        self.switch_action = QAction(window)
        self.switch_action.triggered.connect(self.switch_user)
        self.logout_action = QAction(window)
        self.logout_action.triggered.connect(self.log_out)
        self.actions = (self.lock_action, self.switch_action, self.logout_action)
        for action in self.actions:
            window.addAction(action)  # shortcuts work wherever the focus is in the window
        self.menu = QMenu(window)
        self.menu.addActions(list(self.actions))
        self.button = QToolButton()
        self.button.setObjectName("account-button")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        window.statusBar().addPermanentWidget(self.button)
        self.translateUI()
        self.detached()

    # ------------------------------------------------------------ state
    @property
    def ops(self):
        return self.window.ops

    def translateUI(self) -> None:
        self.lock_action.setText(t("ui.session.lock"))
        self.switch_action.setText(t("ui.session.switch_user"))
        self.logout_action.setText(t("ui.session.logout"))
        user = self.ops.actor.username if self.ops is not None else ""
        self.button.setText(user or t("ui.session.menu"))
        self.button.setToolTip(t("ui.session.menu_tip", user=user))
        self.button.setAccessibleName(t("ui.session.menu"))

    def attached(self) -> None:
        for action in self.actions:
            action.setEnabled(True)
        self.button.show()
        self.translateUI()

    def detached(self) -> None:
        for action in self.actions:
            action.setEnabled(False)
        self.button.hide()

    def install_lock(self, minutes: float = DEFAULT_LOCK_MINUTES):
        """The window's inactivity lock for the logged-in user (made once per login; a later call sets its time)."""
        from peerdesk.ui.security.idle_lock import IdleLock

        lock = getattr(self.window, "idle_lock", None)
        if lock is None:
            lock = IdleLock(self.window, self.ops, minutes)
            lock.cover.switch_button.clicked.connect(self.switch_user)
            self.window.idle_lock = lock
        else:
            lock.timer.setInterval(max(1, int(minutes * 60_000)))
            if not lock.is_locked:
                lock.timer.start()
        return lock

    # ------------------------------------------------------------ actions
    def lock_now(self) -> None:
        if self.ops is None:
            return
        self.install_lock().lock(manual=True)

    def switch_user(self) -> None:
        if self.ops is None:
            return
        lock = self.install_lock()
        if not lock.is_locked:
            lock.lock(manual=True)
        self._ask_login(self._switched, lambda: None)  # cancelled: the window stays locked

    def _switched(self, actor) -> None:
        if actor.user_id == self.ops.actor.user_id:  # the same person: carry on where they were
            self.window.idle_lock.release()
            return
        self._leave()
        self._become(actor)

    def log_out(self) -> None:
        if self.ops is None:
            return
        from peerdesk.ui.main_window import confirm_all

        def proceed() -> None:
            self._leave()
            self._ask_login(self._become, self.window.close)

        confirm_all(self.window.forms(), proceed)

    # ------------------------------------------------------------ helpers
    def _leave(self) -> None:
        """Record the log-out and clear everything of the user from the window."""
        from peerdesk.errors import PeerDeskError
        from peerdesk.services import audit

        db, actor = self.ops.db, self.ops.actor
        self.ops.pool.clear()
        self.ops.wait()
        try:
            with db.begin(actor) as s:
                audit.record(s, "logout", "app_user", actor.user_id)
        except PeerDeskError:
            pass  # the database went away: leaving must still clear the screen
        for widget in QApplication.topLevelWidgets():  # their dialogs go too (open, or hidden by the lock)
            if isinstance(widget, QDialog) and widget is not self.login_dialog and self._owned(widget):
                widget.hide()
                widget.deleteLater()
        self._db = db
        self.window.detach()
        self.logged_out.emit()

    def _owned(self, widget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self.window:
                return True
            parent = parent.parentWidget()
        return False

    def _ask_login(self, on_actor, on_cancel) -> None:
        from peerdesk.ui.setup.login_dialog import LoginDialog

        db = self.ops.db if self.ops is not None else self._db
        dialog = LoginDialog(db, self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.login_dialog = dialog

        def accepted() -> None:
            self.login_dialog = None
            on_actor(dialog.actor)

        def rejected() -> None:
            self.login_dialog = None
            on_cancel()

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.open()

    def _become(self, actor) -> None:
        from peerdesk.ui.app import attach_session

        attach_session(self.window, self._db, actor)
        self.user_changed.emit(actor)
