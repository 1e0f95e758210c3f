"""A small table model over rows already loaded in full (a few hundred at most):
the rows, the column names, and a translated header per column."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from peerdesk.i18n import t


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: tuple[str, ...], header_prefix: str, parent=None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.header_prefix = header_prefix  # header text: t(prefix + column), e.g. "ui.audit.col."
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def value(self, row, column: str):
        """The raw value of a column: dict rows by key, others by attribute."""
        return row[column] if isinstance(row, dict) else getattr(row, column)

    def text(self, row, column: str) -> str:
        """What the cell shows; subclasses translate codes."""
        value = self.value(row, column)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return "" if value is None else str(value)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.text(self.rows[index.row()], self.columns[index.column()])

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return t(self.header_prefix + self.columns[section])
        return None
