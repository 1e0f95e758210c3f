"""Small read-only tables for a record's history (a few rows each: timelines, placements …)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem

from peerdesk.i18n import t


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class SmallTable(QTreeWidget):
    def __init__(self, header_keys: tuple[str, ...], accessible_key: str, parent=None) -> None:
        super().__init__(parent)
        self.header_keys = header_keys
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setColumnCount(len(header_keys))
        self.setHeaderLabels([t(k) for k in header_keys])
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.setAccessibleName(t(accessible_key))
        self._fit_height(1)

    def _fit_height(self, rows: int) -> None:
        """As tall as its rows (up to ten, then it scrolls) — no empty boxes in the detail view."""
        line = self.fontMetrics().height() + 6
        height = self.header().sizeHint().height() + line * min(max(rows, 1), 10) + 2 * self.frameWidth() + self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height)

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.clear()
        self._fit_height(len(rows))
        if not rows:
            item = QTreeWidgetItem([t("ui.history.none")])
            self.addTopLevelItem(item)
            return
        for row in rows:
            self.addTopLevelItem(QTreeWidgetItem(["" if v is None else str(v) for v in row]))

    def texts(self) -> list[list[str]]:
        return [[self.topLevelItem(i).text(c) for c in range(self.columnCount())] for i in range(self.topLevelItemCount())]
