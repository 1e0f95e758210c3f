"""Login at start: user name and password; the service says why a login failed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t


class LoginDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None, username: str = "") -> None:
        super().__init__(parent)
        self.db = db
        self.actor = None
        self.setWindowTitle(t("ui.login.title"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("ui.login.text")))
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for key, widget in (("ui.login.username", self.username), ("ui.login.password", self.password)):
            widget.setAccessibleName(t(key))
            form.addRow(t(key), widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName(t("ui.error.title"))
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("ui.login.button"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        from peerdesk.services.auth import login

        try:
            self.actor = login(self.db, self.username.text(), self.password.text())
        except PeerDeskError as exc:
            self.error.setText(exc.message)
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()
