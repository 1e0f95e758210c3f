"""Quotes of a round: edit, check for names and gendered pronouns, approve."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t


class QuotesPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        self.round_id = None
        self.rows = []
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName(t("ui.eval.quotes"))
        layout.addWidget(self.list, 1)
        right = QVBoxLayout()
        # The interview the quote comes from (an older quote may have none: it prints only once linked).
        self.interviews = {}
        self.interview = QComboBox()
        self.interview.setAccessibleName(t("ui.eval.interview"))
        self.interview.setMinimumContentsLength(20)
        self.interview.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        source = QHBoxLayout()
        source.addWidget(QLabel(t("ui.eval.interview")))
        source.addWidget(self.interview, 1)
        right.addLayout(source)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(t("field.text"))
        right.addWidget(self.text)
        self.findings = QLabel()
        self.findings.setWordWrap(True)
        right.addWidget(self.findings)
        buttons = QHBoxLayout()
        self.check_button = QPushButton(t("ui.eval.check"))
        self.approve_button = QPushButton(t("ui.eval.approve"))
        self.new_button = QPushButton(t("ui.eval.new_quote"))
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.approve_button)
        right.addLayout(buttons)
        layout.addLayout(right, 2)
        self.list.currentRowChanged.connect(self._show)
        self.check_button.clicked.connect(self.check)
        self.approve_button.clicked.connect(self.approve)
        self.new_button.clicked.connect(self.new_quote)

    def new_quote(self) -> None:
        from peerdesk.services.evaluation import themes
        from peerdesk.services.interview_consents import round_interviews
        from peerdesk.ui.evaluation.new_quote import NewQuoteDialog

        rid = self.round_id

        def ask(lists):
            dialog = NewQuoteDialog(self.ops, rid, *lists, parent=self)
            dialog.accepted.connect(lambda: self.load(self.ops, rid))
            dialog.open()
            self.dialog = dialog

        self.ops.query(lambda s: (themes(s), round_interviews(s, rid)), ask)

    def load(self, ops, round_id: int) -> None:
        from peerdesk.services.evaluation import round_quotes
        from peerdesk.services.interview_consents import round_interviews

        self.ops, self.round_id = ops, round_id
        ops.query(lambda s: (round_quotes(s, round_id), round_interviews(s, round_id)), self._fill_both)

    def _fill_both(self, result) -> None:
        rows, interviews = result
        self.interviews = {iv.id: iv for iv in interviews}
        self.interview.blockSignals(True)
        self.interview.clear()
        self.interview.addItem(t("ui.eval.no_interview"), None)
        for iv in interviews:
            forms = ", ".join(iv.forms) or "–"
            self.interview.addItem(t("ui.eval.interview_item", day=iv.held_on, role=t("report.role." + iv.role),
                                     kind=t("ui.eval.kind." + iv.kind), n=iv.participants) + f" · {forms}", iv.id)
        self.interview.blockSignals(False)
        self._fill(rows)

    def _fill(self, rows) -> None:
        current = self.list.currentRow()
        self.rows = rows
        self.list.clear()
        for q in rows:
            item = QListWidgetItem(f"[{t('ui.eval.status.' + q.status)}] {t('report.role.' + q.role)}: {q.text[:60]}"
                                   + ("" if q.interview_id else f" ({t('ui.eval.quote_unlinked')})"))
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(max(0, min(current, len(rows) - 1)))
        self.changed.emit()

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.text.setPlainText(self.rows[row].text)
            self.interview.setCurrentIndex(max(0, self.interview.findData(self.rows[row].interview_id)))
            self.findings.clear()

    def check(self) -> None:
        from peerdesk.services.disclosure import check_quote

        text = self.text.toPlainText()

        def show(findings):
            if not findings:
                self.findings.setText(t("ui.eval.no_findings"))
            else:
                parts = [f"{f.term} → {f.suggestion}" if f.suggestion else f"{f.term} ({t('disclosure.kind.' + f.kind)})" for f in findings]
                self.findings.setText(t("ui.eval.findings", terms=", ".join(parts)))
            self.changed.emit()

        self.ops.query(lambda s: check_quote(s, text), show)

    def approve(self) -> None:
        from peerdesk.models import Quote
        from peerdesk.services.records import update

        row = self.rows[self.list.currentRow()]
        text = self.text.toPlainText()
        iv = self.interviews.get(self.interview.currentData())
        link = {"interview_id": iv.id, "informant_role": iv.role} if iv is not None else {"interview_id": None}

        def failed(exc):
            self.findings.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
            self.check()

        self.ops.mutate(lambda s: update(s, Quote, row.id, row.version, text=text, status="approved", **link), {"quotes"},
                        lambda _q: self.load(self.ops, self.round_id), failed)
