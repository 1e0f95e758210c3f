"""Registering a quote from an interview: role, theme (or a new theme), source interview, text."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import language, t
from peerdesk.ui.evaluation.entry_grid import ROLES


class NewQuoteDialog(QDialog):
    def __init__(self, ops, round_id: int, themes, interviews, parent=None) -> None:
        super().__init__(parent)
        self.ops, self.round_id = ops, round_id
        self.setWindowTitle(t("ui.eval.new_quote"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"report.role.{role}"), role)
        self.theme = QComboBox()
        self.theme.setEditable(True)  # type a new theme to add it to the list
        for tid, sv, en in themes:
            self.theme.addItem(sv if language() == "sv" else en, tid)
        self.interview = QComboBox()
        self.interview.addItem("–", None)
        for iid, day, kind, role, n in interviews:
            self.interview.addItem(f"{day} · {t('report.role.' + role)} · {n}", iid)
        self.text = QPlainTextEdit()
        for key, w in (("field.informant_role", self.role), ("ui.eval.theme", self.theme), ("ui.eval.interview", self.interview), ("field.text", self.text)):
            w.setAccessibleName(t(key))
            form.addRow(t(key), w)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        from peerdesk.models import Quote
        from peerdesk.services.evaluation import add_theme
        from peerdesk.services.records import create

        rid, role, text = self.round_id, self.role.currentData(), self.text.toPlainText()
        theme_text = self.theme.currentText().strip()
        theme_id = self.theme.currentData() if self.theme.findText(theme_text) >= 0 else None
        interview_id = self.interview.currentData()

        def work(s):
            tid = theme_id if theme_id is not None else (add_theme(s, theme_text).id if theme_text else None)
            return create(s, Quote, round_id=rid, informant_role=role, theme_id=tid, interview_id=interview_id, text=text).id

        def failed(exc):
            self.error.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
            self.error.show()

        self.ops.mutate(work, {"quotes"}, lambda _id: self.accept(), failed)
