"""Asks for the database passphrase (or recovery key) when no keyring holds the key, or when the key
the keyring holds does not open the file (then a line above the field says so)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from peerdesk.i18n import t


class UnlockDialog(QDialog):
    def __init__(self, new: bool, parent: QWidget | None = None, reason: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.passphrase.title"))
        layout = QVBoxLayout(self)
        self.reason = QLabel(t(f"ui.passphrase.{reason}") if reason else "")
        self.reason.setWordWrap(True)
        self.reason.setVisible(bool(reason))
        if reason:
            self.setMinimumWidth(440)  # room for the explanation and a 64-digit recovery key
        layout.addWidget(self.reason)
        label = QLabel(t("ui.passphrase.new" if new else "ui.passphrase.existing"))
        label.setWordWrap(True)
        layout.addWidget(label)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(t("ui.passphrase.title"))
        label.setBuddy(self.passphrase)
        layout.addWidget(self.passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("ui.passphrase.create" if new else "ui.passphrase.unlock"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def ask_passphrase(new: bool, reason: str | None = None) -> str | None:
    dialog = UnlockDialog(new, reason=reason)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
