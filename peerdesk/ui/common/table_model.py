"""A lazy table over one register (Anki's browser, Qt's Fetch More example).

The model holds the matching ids — filtered and sorted by the database — and
a cache of the rows shown so far. A row that is painted but not cached asks
for its page (PAGE rows) in the background and shows when it arrives.
Column rows cross the thread, never ORM objects.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from peerdesk.i18n import t
from peerdesk.ui.operations import alive
from peerdesk.ui.common.style import value_text

PAGE = 200
# The roles a cell answers, as the ints Qt passes to data(). (flags() is QAbstractTableModel's own:
# enabled, selectable, no children, answered in C++ for every painted cell.)
_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                    Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.UserRole))


def _ids(name, text, status, sort, descending):
    def work(s):
        from peerdesk.services.registers import list_ids, list_rows

        # The first page comes with the ids, in the same transaction: the list paints after one round trip.
        ids = list_ids(s, name, text, status, sort, descending)
        return ids, list_rows(s, name, ids[:PAGE])

    return work


def _rows(name, ids):
    def work(s):
        from peerdesk.services.registers import list_rows

        return list_rows(s, name, ids)

    return work


class RegisterModel(QAbstractTableModel):
    reloaded = Signal(int)  # how many rows match
    page_loaded = Signal()

    def __init__(self, ops, name: str, columns: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.name = name
        self.columns = columns
        self.ids: list[int] = []
        self.cache: dict[int, tuple] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.text = ""
        self.status: str | None = None
        self.sort_column = 0
        self.descending = False

    # ------------------------------------------------------------ Qt model interface
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return t(f"field.{self.columns[section]}")
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # The role first: a painted cell asks for seven (font, colours, alignment …) and this answers four.
        if role not in _ROLES or not index.isValid() or index.row() >= len(self.ids) or index.column() >= len(self.columns):
            return None
        record_id = self.ids[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return record_id
        row = self.cache.get(record_id)
        if row is None:
            self._request(index.row() // PAGE)
            return None
        return value_text(self.columns[index.column()], row[index.column()])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in SQL: a new, sorted id list."""
        if not 0 <= column < len(self.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self.sort_column, self.descending):
            return  # already so (the first load comes from reload())
        self.sort_column, self.descending = column, descending
        self.reload()

    # ------------------------------------------------------------ loading
    def set_filter(self, text: str, status: str | None) -> None:
        self.text, self.status = text, status
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        sort = self.columns[self.sort_column]
        self.ops.query(_ids(self.name, self.text, self.status, sort, self.descending),
                       alive(self, lambda got: self._set_ids(generation, *got)))

    def _set_ids(self, generation: int, ids: list[int], first: dict[int, tuple]) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self.ids = ids
        self.cache = first
        self._pending = {0}
        self.endResetModel()
        self.reloaded.emit(len(ids))
        self.page_loaded.emit()

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._generation
        ids = self.ids[page * PAGE:(page + 1) * PAGE]
        self.ops.query(_rows(self.name, ids), alive(self, lambda rows: self._got_rows(generation, page, rows)))

    def _got_rows(self, generation: int, page: int, rows: dict[int, tuple]) -> None:
        if generation != self._generation:
            return
        self.cache.update(rows)
        first, last = page * PAGE, min((page + 1) * PAGE, len(self.ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))
        self.page_loaded.emit()

    # ------------------------------------------------------------ lookups
    def id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, record_id: int) -> int:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    def shown(self, row: int) -> tuple | None:
        """The displayed texts of a loaded row (tests and accessibility)."""
        record_id = self.id_at(row)
        cached = self.cache.get(record_id) if record_id is not None else None
        if cached is None:
            return None
        return tuple(value_text(c, v) for c, v in zip(self.columns, cached))
