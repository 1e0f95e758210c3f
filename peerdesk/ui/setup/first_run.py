"""First start with no database: create the encrypted file, the administrator, optionally demo data."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t


class FirstRunDialog(QDialog):
    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.firstrun.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.firstrun.text", path=path))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password2 = QLineEdit()
        for w in (self.password, self.password2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (
            ("ui.firstrun.admin", self.username),
            ("ui.firstrun.admin_name", self.display_name),
            ("ui.firstrun.password", self.password),
            ("ui.firstrun.password2", self.password2),
        ):
            widget.setAccessibleName(t(label))
            form.addRow(t(label), widget)
        layout.addLayout(form)
        self.demo = QCheckBox(t("ui.firstrun.demo"))
        layout.addWidget(self.demo)
        self.error = QLabel()
        self.error.setStyleSheet("color: palette(highlight);")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("ui.firstrun.create"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _check(self) -> None:
        if self.password.text() != self.password2.text():
            self.show_error(t("ui.firstrun.mismatch"))
            return
        from peerdesk.services.accounts import MIN_PASSWORD

        if len(self.password.text()) < MIN_PASSWORD:
            self.show_error(t("error.password_too_short", n=MIN_PASSWORD))
            return
        if not self.display_name.text().strip():
            self.display_name.setText(self.username.text())
        self.accept()

    def values(self) -> dict:
        return {
            "username": self.username.text().strip(),
            "display_name": self.display_name.text().strip(),
            "password": self.password.text(),
            "demo": self.demo.isChecked(),
        }
