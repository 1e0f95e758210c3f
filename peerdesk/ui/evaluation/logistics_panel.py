"""The round's questionnaire logistics per ward: forms handed out, by whom (the ward's contact person, or
anyone typed in), and returned — the report's response rate. A row picked in the table fills the form,
so a count is corrected by saving it again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t
from peerdesk.ui.evaluation.entry_grid import ROLES

COLUMNS = ("field.workplace_id", "field.informant_role", "field.handed_out", "field.handed_out_by", "field.returned")


class LogisticsPanel(QWidget):
    changed = Signal()
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.round_id, self.rows = None, None, []
        layout = QVBoxLayout(self)
        form = QGridLayout()
        self.ward = QComboBox()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"report.role.{role}s"), role)
        self.role.setCurrentIndex(ROLES.index("patient"))  # the patient survey is the one a contact person hands out
        self.handed_out = QLineEdit()
        self.returned = QLineEdit()
        for edit in (self.handed_out, self.returned):
            edit.setValidator(QIntValidator(0, 100_000, edit))
        self.returned.setPlaceholderText(t("ui.eval.returned_hint"))
        self.by = QComboBox()
        self.by.setEditable(True)
        self.by.lineEdit().setPlaceholderText(t("ui.eval.handed_out_by_hint"))
        self.save_button = QPushButton(t("ui.eval.logistics_save"))
        fields = ((self.ward, COLUMNS[0]), (self.role, COLUMNS[1]), (self.handed_out, COLUMNS[2]), (self.by, COLUMNS[3]),
                  (self.returned, COLUMNS[4]))
        for i, (widget, key) in enumerate(fields):
            label = QLabel(t(key))
            label.setBuddy(widget)
            widget.setAccessibleName(t(key))
            form.addWidget(label, i // 3 * 2, i % 3)
            form.addWidget(widget, i // 3 * 2 + 1, i % 3)
        form.addWidget(self.save_button, 3, 2)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(k) for k in COLUMNS])
        self.table.setAccessibleName(t("ui.eval.tab.logistics"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table, 1)
        self.save_button.clicked.connect(self.save)
        self.returned.returnPressed.connect(self.save)
        self.ward.currentIndexChanged.connect(self._suggest)
        self.table.currentCellChanged.connect(lambda row, *_: self._pick(row))

    def load(self, ops, round_id: int) -> None:
        from peerdesk.services.evaluation import round_workplaces
        from peerdesk.services.survey_logistics import round_logistics

        self.ops, self.round_id = ops, round_id
        ops.query(lambda s: (round_workplaces(s, round_id), round_logistics(s, round_id)), self._fill)

    def _fill(self, result) -> None:
        wards, rows = result
        chosen = self.ward.currentData()
        self.ward.blockSignals(True)
        self.ward.clear()
        for wid, name in wards:
            self.ward.addItem(name, wid)
        if chosen is not None and self.ward.findData(chosen) >= 0:
            self.ward.setCurrentIndex(self.ward.findData(chosen))
        self.ward.blockSignals(False)
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.ward, t(f"report.role.{row.role}s"), str(row.handed_out), row.handed_out_by,
                     "" if row.returned is None else str(row.returned))
            for c, value in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self._suggest()
        self.loaded.emit()

    def _suggest(self) -> None:
        """The ward's contact person and managers as choices for who handed the forms out."""
        from peerdesk.services.survey_logistics import handout_suggestions

        wid = self.ward.currentData()
        if wid is None or self.ops is None:
            return
        def fill(names) -> None:
            typed = self.by.currentText()  # what is typed when the names arrive stays
            self.by.clear()
            self.by.addItems(names)
            self.by.setEditText(typed)

        self.ops.query(lambda s: handout_suggestions(s, wid), fill)

    def _pick(self, r: int) -> None:
        if not 0 <= r < len(self.rows):
            return
        row = self.rows[r]
        self.ward.setCurrentIndex(self.ward.findData(row.workplace_id))
        self.role.setCurrentIndex(self.role.findData(row.role))
        self.handed_out.setText(str(row.handed_out))
        self.returned.setText("" if row.returned is None else str(row.returned))
        self.by.setEditText(row.handed_out_by)

    def save(self) -> None:
        from peerdesk.services.survey_logistics import save_logistics

        if self.ward.currentData() is None:
            self.message.setText(t("ui.eval.logistics_no_wards"))
            return
        values = dict(round_id=self.round_id, workplace_id=self.ward.currentData(), informant_role=self.role.currentData(),
                      handed_out=self.handed_out.text(), returned=self.returned.text() or None, handed_out_by=self.by.currentText())
        ward = self.ward.currentText()

        def done(_r) -> None:
            self.message.setText(t("ui.eval.logistics_saved", ward=ward))
            self.load(self.ops, self.round_id)
            self.changed.emit()

        self.ops.mutate(lambda s: save_logistics(s, **values).id, {"rounds"}, done, self._failed)

    def _failed(self, exc) -> None:
        self.message.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))
