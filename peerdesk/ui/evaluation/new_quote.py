"""Registering a quote from an interview: the interview (its participants' consents shown; the role
follows it), theme (or a new theme), text. A quote with no interview is kept but never printed."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import language, t
from peerdesk.ui.common.dialog_form import save_cancel
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
        self.interviews = {iv.id: iv for iv in interviews}
        self.interview = QComboBox()
        self.interview.addItem(t("ui.eval.no_interview"), None)
        for iv in interviews:
            self.interview.addItem(t("ui.eval.interview_item", day=iv.held_on, role=t("report.role." + iv.role),
                                     kind=t("ui.eval.kind." + iv.kind), n=iv.participants), iv.id)
        self.interview.setMinimumContentsLength(40)
        self.interview.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.consents = QLabel()
        self.consents.setWordWrap(True)
        self.consents.setAccessibleName(t("ui.eval.participants_consents"))
        self.text = QPlainTextEdit()
        for key, w in (("ui.eval.interview", self.interview), ("ui.eval.participants_consents", self.consents),
                       ("field.informant_role", self.role), ("ui.eval.theme", self.theme), ("field.text", self.text)):
            w.setAccessibleName(t(key))
            form.addRow(t(key), w)
        self.interview.currentIndexChanged.connect(self._interview_chosen)
        if interviews:
            self.interview.setCurrentIndex(1)
        self._interview_chosen()
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        layout.addWidget(save_cancel(self, self.save))  # Save and Cancel in the person's language

    def _interview_chosen(self) -> None:
        """The role is the interview's; the consents behind it are shown, so the evaluator sees who must consent."""
        iv = self.interviews.get(self.interview.currentData())
        self.role.setEnabled(iv is None)
        if iv is None:
            self.consents.setText(t("ui.eval.no_interview_note"))
            return
        self.role.setCurrentIndex(max(0, self.role.findData(iv.role)))
        forms = ", ".join(iv.forms) if iv.forms else "–"
        missing = iv.participants - len(iv.forms)
        self.consents.setText(forms if missing <= 0 else t("ui.eval.consents_missing", numbers=forms, n=missing))

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
