"""The decision at a contract period's end, from the Today page's `contract_decision_due` alert.

Continues / Ends / Undecided (a continuation asks for the new period's end and extent), Save; then
"Print letter…" (the letter through ui/common/printing.py) and "Handed over on [date]". Every step
runs a service through `ops`; the dialog stays open between them so the administrator does the
three in one sitting, and a refusal is shown in words with nothing typed lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLayout, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from peerdesk.i18n import format_date, language, t
from peerdesk.ui.common.date_field import DateField
from peerdesk.ui.common.dialog_form import error_label

DECISIONS = ("continues", "ends", "undecided")


class DecisionDialog(QDialog):
    changed = Signal()  # a decision or a handed-over date was saved
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, ops, contract_id: int, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.contract_id, self.today = ops, contract_id, today
        self.state: dict | None = None
        self.setWindowTitle(t("ui.decision.title"))
        self.setAccessibleName(t("ui.decision.title"))
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with its messages
        self.setMinimumWidth(520)  # fits a 1024x640 window
        self.context = QLabel(t("ui.overview.loading"))
        self.context.setWordWrap(True)
        layout.addWidget(self.context)
        form = QFormLayout()
        layout.addLayout(form)
        self.decision = QComboBox()
        for value in DECISIONS:
            self.decision.addItem(t(f"ui.value.{value}"), value)
        self.decision.setAccessibleName(t("ui.decision.decision"))
        form.addRow(t("ui.decision.decision"), self.decision)
        self.new_form = QComboBox()
        for value in ("fixed_term", "permanent"):
            self.new_form.addItem(t(f"ui.value.{value}"), value)
        self.new_form.setAccessibleName(t("ui.today.form.employment_form"))
        form.addRow(t("ui.today.form.employment_form"), self.new_form)
        self.new_end = DateField(None)
        self.new_end.setAccessibleName(t("ui.decision.new_end"))
        form.addRow(t("ui.decision.new_end"), self.new_end)
        self.new_extent = QSpinBox()
        self.new_extent.setRange(1, 100)
        self.new_extent.setSuffix(" %")
        self.new_extent.setAccessibleName(t("ui.decision.new_extent"))
        form.addRow(t("ui.decision.new_extent"), self.new_extent)
        self.save_button = QPushButton(t("ui.today.form.save"))
        self.save_button.clicked.connect(self.save_decision)
        form.addRow("", self.save_button)

        letter_row = QHBoxLayout()
        self.lang = QComboBox()
        self.lang.addItem("Svenska", "sv")
        self.lang.addItem("English", "en")
        self.lang.setAccessibleName(t("ui.decision.letter_language"))
        self.lang.setCurrentIndex(self.lang.findData(language()))
        self.print_button = QPushButton(t("ui.decision.print"))
        self.print_button.clicked.connect(self.print_letter)
        letter_row.addWidget(self.print_button)
        letter_row.addWidget(self.lang)
        letter_row.addStretch(1)
        layout.addLayout(letter_row)

        told = QFormLayout()
        self.told_on = DateField(today, required=True)
        self.told_on.setAccessibleName(t("ui.decision.told_on"))
        self.told_button = QPushButton(t("ui.decision.record_told"))
        self.told_button.clicked.connect(self.record_told)
        row = QHBoxLayout()
        row.addWidget(self.told_on)
        row.addWidget(self.told_button)
        told.addRow(t("ui.decision.told_on"), row)
        layout.addLayout(told)

        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("ui.pdf.close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for b in (self.save_button, self.print_button, self.told_button):
            b.setAutoDefault(False)
        self.decision.currentIndexChanged.connect(lambda _i: self._enable())
        self.new_form.currentIndexChanged.connect(lambda _i: self._enable())
        self._enable()
        self.load()

    # ------------------------------------------------------------------ state
    def load(self) -> None:
        from peerdesk.services import contract_decisions

        cid = self.contract_id
        self.ops.query(lambda s: contract_decisions.decision_state(s, cid), self._show_state, self._failed)

    def _show_state(self, state: dict) -> None:
        self.state = state
        self.context.setText(t("ui.decision.context", person=state["person"], form=t(f"ui.value.{state['form']}"),
                               start=format_date(state["start_date"]), end=format_date(state["end_date"]),
                               extent=state["extent_percent"]))
        self.decision.setCurrentIndex(self.decision.findData(state["decision"]))
        end = state["end_date"]
        self.new_end.setDate(state["next_end"] or (end + dt.timedelta(days=365) if end else None))
        self.new_extent.setValue(state["next_extent"] or state["extent_percent"])
        if state["next_form"]:
            self.new_form.setCurrentIndex(self.new_form.findData(state["next_form"]))
        self._enable()

    def _enable(self) -> None:
        continues = self.decision.currentData() == "continues"
        told = bool(self.state and self.state["told_on"])
        for w in (self.new_form, self.new_extent):
            w.setEnabled(continues and not told)
        self.new_end.setEnabled(continues and not told and self.new_form.currentData() == "fixed_term")
        self.decision.setEnabled(not told)
        self.save_button.setEnabled(not told and self.state is not None)
        decided = bool(self.state and self.state["decision"] != "undecided")
        self.print_button.setEnabled(decided)
        self.told_button.setEnabled(decided and not told)
        self.told_on.setEnabled(decided and not told)

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        self.error.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
        self.error.show()
        if not is_user_error(exc):
            self.ops.failed.emit(exc)
        self._enable()

    def _say(self, text: str) -> None:
        self.error.hide()
        self.message.setText(text)

    # ------------------------------------------------------------------ the three steps
    def save_decision(self) -> None:
        from peerdesk.services import contract_decisions

        decision = self.decision.currentData()
        permanent = self.new_form.currentData() == "permanent"
        if decision == "continues" and not permanent and not self.new_end.check():
            self.new_end.setFocus()
            return
        cid, end, extent, today = self.contract_id, self.new_end.date(), self.new_extent.value(), self.today
        kwargs = ({"end_date": None if permanent else end, "extent_percent": extent, "form": self.new_form.currentData()}
                  if decision == "continues" else {})

        def work(s):
            contract_decisions.record_decision(s, cid, decision, today=today, **kwargs)
            return contract_decisions.decision_state(s, cid)

        def done(state):
            self._show_state(state)
            self._say(t("ui.decision.saved") if decision != "undecided" else "")
            self.changed.emit()

        self.save_button.setEnabled(False)
        self.ops.mutate(work, {"contracts", "alerts"}, done, self._failed)

    def _letter_name(self) -> str:
        from peerdesk.ui.common.printing import file_name

        return file_name(t("file.contract_decision"), self.contract_id, self.today.isoformat())

    def print_letter(self) -> None:
        """Build the letter in the worker (its production is audited), then the print dialog and the pages."""
        from peerdesk.reports.contract_decision_letter import build_contract_decision_letter
        from peerdesk.services import contract_decisions
        from peerdesk.ui.common.printing import discard, print_pdf, private_pdf_path

        if not self.state or self.state["decision"] == "undecided":
            self._say(t("ui.decision.need_decision"))
            return
        cid, lang, today = self.contract_id, self.lang.currentData(), self.today
        path = private_pdf_path("contract-decision")

        def work(s):
            data = contract_decisions.letter_data(s, cid, today=today)
            return build_contract_decision_letter(data, path, lang)

        def done(_pages):
            try:
                pages = print_pdf(self, path, doc_name=self._letter_name().removesuffix(".pdf"))
            finally:
                discard(path)
            if pages:
                self._say(t("ui.pdf.printed", n=pages))
                self.printed.emit(pages)

        def failed(exc):
            discard(path)
            self._failed(exc)

        self.ops.mutate(work, {"audit"}, done, failed)

    def record_told(self) -> None:
        from peerdesk.services import contract_decisions

        if not self.told_on.check():
            self.told_on.setFocus()
            return
        cid, day, today = self.contract_id, self.told_on.date(), self.today

        def work(s):
            contract_decisions.record_told(s, cid, day, today=today)
            return contract_decisions.decision_state(s, cid)

        def done(state):
            self._show_state(state)
            self._say(t("ui.decision.told_saved", date=format_date(day)))
            self.changed.emit()

        self.told_button.setEnabled(False)
        self.ops.mutate(work, {"contracts", "alerts"}, done, self._failed)
