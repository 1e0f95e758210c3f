"""Change one's own password: the current one, the new one twice."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t


class ChangePasswordDialog(QDialog):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(t("ui.password.title"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        for key, widget in (("ui.password.old", self.old), ("ui.password.new", self.new), ("ui.password.repeat", self.repeat)):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setAccessibleName(t(key))
            form.addRow(t(key), widget)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("ui.password.change"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _show(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def save(self) -> None:
        if self.new.text() != self.repeat.text():
            self._show(t("ui.firstrun.mismatch"))
            return
        from peerdesk.services.auth import change_password

        old, new = self.old.text(), self.new.text()
        self.buttons.setEnabled(False)

        def failed(exc):
            self.buttons.setEnabled(True)
            self._show(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))

        self.ops.mutate(lambda s: change_password(s, old, new), {"users"}, lambda _r: self.accept(), failed)
