"""A round's interviews with their details — guide and version, interviewer, minutes, transcript — and the
action that moves a recording forward: transcribed, coded, deleted (with the date it was deleted)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField
from peerdesk.ui.common.dialog_form import DialogForm

STEPS = ("transcribed", "coded", "deleted")
COLUMNS = ("field.held_on", "ui.eval.kind", "field.informant_role", "field.participants", "field.guide_id", "field.interviewer_id",
           "ui.eval.minutes_hint", "field.transcript_status")


class DetailsDialog(DialogForm):
    """An interview's guide, interviewer, minutes and place, for one logged before they were known."""

    def __init__(self, row, guides, interviewers, parent=None) -> None:
        super().__init__(t("ui.eval.details_title"), t("ui.eval.details_context", day=row.held_on), parent)
        self.guide = QComboBox()
        self.guide.addItem("—", None)
        for g in sorted((g for g in guides if g.role == row.role), key=lambda g: (g.code, -g.edition)):
            self.guide.addItem(g.label(), g.id)
        self.guide.setCurrentIndex(max(0, self.guide.findData(row.guide_id)))
        self.add_row("field.guide_id", self.guide, name="guide_id")
        self.interviewer = QComboBox()
        self.interviewer.addItem("—", None)
        for uid, name in interviewers:
            self.interviewer.addItem(name, uid)
        self.interviewer.setCurrentIndex(max(0, self.interviewer.findData(row.interviewer_id)))
        self.add_row("field.interviewer_id", self.interviewer, name="interviewer_id")
        self.duration = QLineEdit("" if row.duration_minutes is None else str(row.duration_minutes))
        self.duration.setValidator(QIntValidator(1, 24 * 60, self.duration))
        self.duration.setPlaceholderText(t("ui.eval.minutes_hint"))
        self.add_row("field.duration_minutes", self.duration, name="duration_minutes")
        self.place = QLineEdit(row.place)
        self.place.setPlaceholderText(t("ui.eval.place_hint"))
        self.add_row("field.place", self.place, name="place")

    def values(self) -> dict:
        return {"guide_id": self.guide.currentData(), "interviewer_id": self.interviewer.currentData(),
                "duration_minutes": int(self.duration.text()) if self.duration.text().strip() else None,
                "place": self.place.text().strip() or None}


class InterviewsPanel(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.round_id, self.rows = None, None, []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(k).capitalize() for k in COLUMNS])
        self.table.setAccessibleName(t("ui.eval.interviews"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(t("ui.eval.transcript_to")))
        self.status = QComboBox()
        for step in STEPS:
            self.status.addItem(t(f"ui.eval.transcript.{step}"), step)
        self.status.setAccessibleName(t("field.transcript_status"))
        row.addWidget(self.status)
        self.day_label = QLabel(t("ui.eval.transcript_day"))
        row.addWidget(self.day_label)
        self.day = DateField(None, required=False)
        self.day.setAccessibleName(t("ui.eval.transcript_day"))
        row.addWidget(self.day)
        self.status_button = QPushButton(t("ui.eval.transcript_save"))
        row.addWidget(self.status_button)
        row.addStretch(1)
        self.details_button = QPushButton(t("ui.eval.details_edit"))
        row.addWidget(self.details_button)
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.status_button.clicked.connect(self.set_status)
        self.details_button.clicked.connect(self.edit_details)

    def load(self, ops, round_id: int) -> None:
        from peerdesk.i18n import language
        from peerdesk.services.interview_details import round_interview_details

        self.ops, self.round_id = ops, round_id
        lang = language()
        ops.query(lambda s: round_interview_details(s, round_id, lang), self._fill)

    def reload(self) -> None:
        if self.ops is not None and self.round_id is not None:
            self.load(self.ops, self.round_id)

    def _fill(self, rows) -> None:
        current = self.current()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            transcript = t(f"ui.eval.transcript.{row.transcript_status}")
            if row.recording_deleted_on:
                transcript = f"{transcript} {row.recording_deleted_on}"
            cells = (row.held_on, t(f"ui.eval.kind.{row.kind}"), t(f"report.role.{row.role}"), str(row.participants), row.guide,
                     row.interviewer, "" if row.duration_minutes is None else str(row.duration_minutes), transcript)
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        if current is not None:
            self.select(current.id)

    def select(self, interview_id: int) -> None:
        for r, row in enumerate(self.rows):
            if row.id == interview_id:
                self.table.selectRow(r)

    def current(self):
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def set_status(self) -> None:
        from peerdesk.services.interview_details import set_transcript_status

        row = self.current()
        if row is None:
            self.message.setText(t("ui.eval.choose_interview"))
            return
        try:
            day = self.day.date()
        except ValueError:
            self.message.setText(t("error.invalid_date", field=t("ui.eval.transcript_day")))
            return
        iid, status = row.id, self.status.currentData()

        def done(_r) -> None:
            self.message.setText(t("ui.eval.transcript_saved", status=t(f"ui.eval.transcript.{status}")))
            self.day.setDate(None)
            self.reload()
            self.changed.emit()

        self.ops.mutate(lambda s: set_transcript_status(s, iid, status, day).id, {"interviews"}, done, self._failed)

    def edit_details(self) -> None:
        from peerdesk.services.interview_details import guides, interviewer_choices, set_details
        from peerdesk.ui.common.dialog_form import open_form

        row = self.current()
        if row is None:
            self.message.setText(t("ui.eval.choose_interview"))
            return
        iid = row.id

        def ask(result) -> None:
            self.dialog = DetailsDialog(row, *result, parent=self)
            open_form(self.ops, self.dialog, lambda values: lambda s: set_details(s, iid, **values).id, {"interviews"})
            self.dialog.accepted.connect(self.reload)

        self.ops.query(lambda s: (guides(s), interviewer_choices(s)), ask, self._failed)

    def _failed(self, exc) -> None:
        self.message.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
