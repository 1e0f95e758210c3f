"""Login at start: user name and password; the service says why a login failed.

A login with a one-time password (a new or reset account) goes on in the same dialog: the person
types their own password twice, and only then does the dialog accept, with a fresh login.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout,
                               QWidget)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t


class LoginDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.actor = None
        self._pending = None  # (actor, one-time password) while the person chooses their own
        self.setWindowTitle(t("ui.login.title"))
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        self.text = QLabel(t("ui.login.text"))
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.form = QFormLayout()
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for key, widget in (("ui.login.username", self.username), ("ui.login.password", self.password)):
            widget.setAccessibleName(t(key))
            self.form.addRow(t(key), widget)
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        for key, widget in (("ui.password.new", self.new), ("ui.password.repeat", self.repeat)):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setAccessibleName(t(key))
            self.form.addRow(t(key), widget)
            self.form.setRowVisible(widget, False)
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName(t("ui.error.title"))
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        # Our own button, not the standard Ok: a standard button's text is reset to Qt's "OK" whenever the
        # language changes (Qt's translator is installed as the window starts), so "Logga in" became "Ok".
        self.login_button = QPushButton(t("ui.login.button"))
        self.login_button.setDefault(True)
        buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def keyPressEvent(self, event) -> None:
        # Enter submits once, in either step. (QDialog's own handling clicks "the default button", which is
        # lost once it was clicked: the second step's Enter did nothing.)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.accept()
            self.submit()
            return
        super().keyPressEvent(event)

    @property
    def choosing_password(self) -> bool:
        return self._pending is not None

    def _fail(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        self.adjustSize()  # the message and the longer text are never clipped
        field.clear()
        field.setFocus()

    def submit(self) -> None:
        if self.choosing_password:
            self.choose_password()
        else:
            self.try_login()

    def try_login(self) -> None:
        from peerdesk.services.auth import login

        try:
            actor = login(self.db, self.username.text(), self.password.text())
        except PeerDeskError as exc:
            self._fail(exc.message, self.password)
            return
        if actor.must_change_password:
            self._ask_for_own_password(actor, self.password.text())
            return
        self.actor = actor
        self.accept()

    def _ask_for_own_password(self, actor, one_time: str) -> None:
        self._pending = (actor, one_time)
        self.password.clear()
        from peerdesk.services.accounts import MIN_PASSWORD

        self.text.setText(t("ui.login.choose_password", user=actor.username, n=MIN_PASSWORD))
        self.form.setRowVisible(self.username, False)
        self.form.setRowVisible(self.password, False)
        self.form.setRowVisible(self.new, True)
        self.form.setRowVisible(self.repeat, True)
        self.login_button.setText(t("ui.login.continue"))
        self.error.hide()
        self.adjustSize()  # the longer text is never clipped
        self.new.setFocus()

    def choose_password(self) -> None:
        from peerdesk.services.auth import change_password, login

        actor, one_time = self._pending
        new = self.new.text()
        if new != self.repeat.text():
            self.repeat.clear()
            self._fail(t("ui.firstrun.mismatch"), self.new)
            return
        try:
            with self.db.begin(actor) as s:
                change_password(s, one_time, new)
            self.actor = login(self.db, actor.username, new)
        except PeerDeskError as exc:
            self.repeat.clear()
            self._fail(exc.message, self.new)
            return
        self._pending = None
        self.accept()
