"""A round's interviews with their details — guide and version, interviewer, minutes, transcript — and the
action that moves a recording forward: transcribed, coded, deleted (with the date it was deleted)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField

STEPS = ("transcribed", "coded", "deleted")
COLUMNS = ("field.held_on", "ui.eval.kind", "field.informant_role", "field.participants", "field.guide_id", "field.interviewer_id",
           "ui.eval.minutes_hint", "field.transcript_status")


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
        layout.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.status_button.clicked.connect(self.set_status)

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

    def _failed(self, exc) -> None:
        self.message.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
