"""A month at a glance: one row per peer supporter, one column per day, a letter where a
session took place (I individual, G group, T phone, V video). Follows the overview's list."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.operations import alive

WEEKEND = QColor("#EEF1F4")


class MonthPage(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.peer_ids: list[int] = []
        self.view = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.prev = QPushButton("◀")
        self.prev.setAccessibleName(t("ui.supervision.month.prev"))
        self.prev.setToolTip(t("ui.supervision.month.prev"))
        self.next = QPushButton("▶")
        self.next.setAccessibleName(t("ui.supervision.month.next"))
        self.next.setToolTip(t("ui.supervision.month.next"))
        self.title = QLabel()
        bar.addWidget(self.prev)
        bar.addWidget(self.title)
        bar.addWidget(self.next)
        bar.addStretch(1)
        legend = QLabel(t("ui.supervision.month.legend"))
        bar.addWidget(legend)
        layout.addLayout(bar)
        self.table = QTableWidget()
        self.table.setAccessibleName(t("ui.supervision.month"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # The days share the width, each at least as wide as "31": a whole month fits a 1024 px window.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("31") + 4)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.prev.clicked.connect(lambda: self.move(-1))
        self.next.clicked.connect(lambda: self.move(1))

    def set_people(self, peer_ids: list[int]) -> None:
        self.peer_ids = list(peer_ids)
        self.reload()

    def move(self, months: int) -> None:
        index = self.year * 12 + (self.month - 1) + months
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self.reload()

    def reload(self) -> None:
        from peerdesk.services import supervision_overview as so

        year, month, ids = self.year, self.month, list(self.peer_ids)
        self.title.setText(f"{year}-{month:02d}")
        self.ops.query(lambda s: so.month_view(s, year, month, ids), alive(self, self._loaded))

    def _loaded(self, view) -> None:
        if (view.year, view.month) != (self.year, self.month):
            return
        self.view = view
        self.table.clear()
        self.table.setRowCount(len(view.people))
        self.table.setColumnCount(view.days)
        self.table.setHorizontalHeaderLabels([str(d) for d in range(1, view.days + 1)])
        self.table.setVerticalHeaderLabels([name for _, name in view.people])
        letters = {form: t(f"ui.supervision.month.letter.{form}") for form in ("individual", "group", "phone", "video")}
        for r, (pid, name) in enumerate(view.people):
            seen = view.seen.get(pid, {})
            for d in range(1, view.days + 1):
                form = seen.get(d)
                item = QTableWidgetItem(letters.get(form, "") if form else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if form:
                    item.setToolTip(f"{name}: {dt.date(view.year, view.month, d).isoformat()} — {t(f'ui.today.session.form.{form}')}")
                if dt.date(view.year, view.month, d).weekday() >= 5:
                    item.setBackground(QBrush(WEEKEND))
                self.table.setItem(r, d - 1, item)

    def cell(self, name: str, day: int) -> str:
        """What the month shows for a person on a day (for tests and screen readers)."""
        for r in range(self.table.rowCount()):
            if self.table.verticalHeaderItem(r).text() == name:
                return self.table.item(r, day - 1).text()
        raise KeyError(name)
