"""First start with no database: create the encrypted file, the administrator, optionally demo data.

The dialog only collects and checks input; `_first_run` in ui/app.py creates the database. Focus
starts on the first field, and each error shows under the field it is about (a problem that is
not about one field, such as a cancelled passphrase, shows above the buttons).
"""

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
from peerdesk.ui.common.field_note import message_line, with_message
from peerdesk.ui.common.fit import fit_height
from peerdesk.ui.common.style import error_style

FIELDS = ("username", "display_name", "password", "password2")


class FirstRunDialog(QDialog):
    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.firstrun.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.firstrun.text", path=path))
        intro.setWordWrap(True)
        intro.setMinimumWidth(480)  # wrapped text needs a width to size its height from
        layout.addWidget(intro)
        form = QFormLayout()
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password2 = QLineEdit()
        for w in (self.password, self.password2):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.field_errors: dict[str, QLabel] = {}
        for name, label, widget in (
            ("username", "ui.firstrun.admin", self.username),
            ("display_name", "ui.firstrun.admin_name", self.display_name),
            ("password", "ui.firstrun.password", self.password),
            ("password2", "ui.firstrun.password2", self.password2),
        ):
            widget.setAccessibleName(t(label))
            form.addRow(t(label), self._with_error(name, t(label), widget))
        layout.addLayout(form)
        self.demo = QCheckBox(t("ui.firstrun.demo"))
        layout.addWidget(self.demo)
        self.error = QLabel()
        error_style(self.error)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(t("ui.error.title"))
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(t("ui.firstrun.create"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("ui.today.form.cancel"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.username.selectAll()
        self.username.setFocus()

    def _with_error(self, name: str, label: str, widget: QLineEdit) -> QWidget:
        error = message_line(name, label, prefix="error")
        error_style(error)
        self.field_errors[name] = error
        return with_message(widget, error)

    def clear_errors(self) -> None:
        for label in (*self.field_errors.values(), self.error):
            label.clear()
            label.hide()

    def show_error(self, text: str, field: str | None = None) -> None:
        """The error under `field` (focused, its text selected), or above the buttons when it is about no field."""
        if field not in self.field_errors:
            self.error.setText(text)
            self.error.show()
            fit_height(self)
            return
        self.field_errors[field].setText(text)
        self.field_errors[field].show()
        fit_height(self)
        widget: QLineEdit = getattr(self, field)
        widget.setFocus()
        widget.selectAll()

    def _check(self) -> None:
        from peerdesk.services.accounts import MIN_PASSWORD

        self.clear_errors()
        if not self.username.text().strip():
            self.show_error(t("error.required", field=t("ui.firstrun.admin")), "username")
        elif len(self.password.text()) < MIN_PASSWORD:
            self.show_error(t("error.password_too_short", n=MIN_PASSWORD), "password")
        elif self.password.text() != self.password2.text():
            self.show_error(t("ui.firstrun.mismatch"), "password2")
        else:
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_height(self)
