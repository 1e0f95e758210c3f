"""Asks for the database passphrase (or recovery key) when no keyring holds the key."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from peerdesk.i18n import t


class UnlockDialog(QDialog):
    def __init__(self, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.passphrase.title"))
        layout = QVBoxLayout(self)
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


def ask_passphrase(new: bool) -> str | None:
    dialog = UnlockDialog(new)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.passphrase.text()
