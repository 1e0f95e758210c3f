"""Quotes of a round: edit, check for names and gendered pronouns, approve. Below the quotes, the
respondents' written comments (the patient survey's "Beskriv" lines): one taken as a quote, under a
theme, becomes a draft quote above, edited, checked and approved like any other."""

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
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName(t("ui.eval.quotes"))
        left.addWidget(self.list, 2)
        # Respondents' comments, candidates for quotes.
        left.addWidget(QLabel(t("ui.eval.comments")))
        self.comment_rows = []
        self.comments = QListWidget()
        self.comments.setAccessibleName(t("ui.eval.comments"))
        left.addWidget(self.comments, 1)
        take = QHBoxLayout()
        self.comment_theme = QComboBox()
        self.comment_theme.setEditable(True)  # type a new theme to add it to the list
        self.comment_theme.setAccessibleName(t("ui.eval.theme"))
        self.comment_theme.setMinimumContentsLength(12)
        self.comment_theme.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.take_button = QPushButton(t("ui.eval.take_comment"))
        take.addWidget(self.comment_theme, 1)
        take.addWidget(self.take_button)
        left.addLayout(take)
        layout.addLayout(left, 1)
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
        self.take_button.clicked.connect(self.take_comment)

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

    def take_comment(self) -> None:
        """The chosen comment as a draft quote under the chosen theme, shown in the quote list for editing."""
        from peerdesk.services.evaluation import add_theme
        from peerdesk.services.patient_comments import make_quote

        row = self.comments.currentRow()
        if not 0 <= row < len(self.comment_rows):
            return
        answer_id = self.comment_rows[row].answer_id
        theme_text = self.comment_theme.currentText().strip()
        theme_id = self.comment_theme.currentData() if self.comment_theme.findText(theme_text) >= 0 else None

        def work(s):
            tid = theme_id if theme_id is not None else (add_theme(s, theme_text).id if theme_text else None)
            return make_quote(s, answer_id, theme_id=tid).id

        def failed(exc):
            self.findings.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))

        self.ops.mutate(work, {"quotes"}, lambda qid: self.load(self.ops, self.round_id, select=qid), failed)

    def load(self, ops, round_id: int, select: int | None = None) -> None:
        from peerdesk.services.evaluation import round_quotes, themes
        from peerdesk.services.interview_consents import round_interviews
        from peerdesk.services.patient_comments import round_comments

        self.ops, self.round_id, self._select = ops, round_id, select
        ops.query(lambda s: (round_quotes(s, round_id), round_interviews(s, round_id), round_comments(s, round_id), themes(s)),
                  self._fill_both)

    def _fill_comments(self, comments, themes) -> None:
        from peerdesk.i18n import language

        self.comment_rows = comments
        current = self.comments.currentRow()
        self.comments.clear()
        for c in comments:
            taken = f" ({t('ui.eval.comment_taken')})" if c.quote_id else ""
            item = QListWidgetItem(f"{t('report.role.' + c.role)}, {t('ui.eval.comment_item', item=c.item)}: {c.text[:60]}{taken}")
            item.setToolTip(c.text)  # the whole comment
            self.comments.addItem(item)
        if comments:
            self.comments.setCurrentRow(max(0, min(current, len(comments) - 1)))
        typed = self.comment_theme.currentText()
        self.comment_theme.clear()
        for tid, sv, en in themes:
            self.comment_theme.addItem(sv if language() == "sv" else en, tid)
        if typed:
            self.comment_theme.setEditText(typed)

    def _fill_both(self, result) -> None:
        rows, interviews, comments, themes = result
        self._fill_comments(comments, themes)
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
            source = f" ({t('ui.eval.quote_from_comment')})" if q.answer_id else \
                ("" if q.interview_id else f" ({t('ui.eval.quote_unlinked')})")
            item = QListWidgetItem(f"[{t('ui.eval.status.' + q.status)}] {t('report.role.' + q.role)}: {q.text[:60]}" + source)
            self.list.addItem(item)
        chosen = [i for i, q in enumerate(rows) if q.id == getattr(self, "_select", None)]
        if chosen:
            self.list.setCurrentRow(chosen[0])
        elif rows:
            self.list.setCurrentRow(max(0, min(current, len(rows) - 1)))
        self.changed.emit()

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.text.setPlainText(self.rows[row].text)
            self.interview.setCurrentIndex(max(0, self.interview.findData(self.rows[row].interview_id)))
            self.interview.setEnabled(self.rows[row].answer_id is None)  # a comment's quote comes from no interview
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
        if row.answer_id is not None:
            link = {}  # from a comment: its round and role are the comment's

        def failed(exc):
            self.findings.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
            self.check()

        self.ops.mutate(lambda s: update(s, Quote, row.id, row.version, text=text, status="approved", **link), {"quotes"},
                        lambda _q: self.load(self.ops, self.round_id), failed)
