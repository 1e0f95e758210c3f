"""One session's confidential notes and topics, shown after the audited read."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from peerdesk.i18n import t


class NotesDialog(QDialog):
    def __init__(self, info, secret, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.supervision.notes.title"))
        self.setAccessibleName(t("ui.supervision.notes.title"))
        layout = QVBoxLayout(self)
        note = QLabel(t("ui.supervision.notes.logged"))
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        form.addRow(t("ui.supervision.col.held_on"), QLabel(info.held_on.isoformat()))
        form.addRow(t("ui.supervision.col.form"), QLabel(t(f"ui.today.session.form.{info.form}")))
        form.addRow(t("ui.supervision.form.participants"), QLabel(", ".join(info.participants)))
        self.topics = QLabel(", ".join(secret.topics) or "–")
        self.topics.setWordWrap(True)
        form.addRow(t("ui.supervision.form.topics"), self.topics)
        layout.addLayout(form)
        self.notes = QPlainTextEdit(secret.notes or "")
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName(t("ui.supervision.form.notes"))
        layout.addWidget(self.notes, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(480, 360)
