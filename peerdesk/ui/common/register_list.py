"""A register's list: filter-as-you-type, a status filter, a sortable lazy table, keyboard first.

Typing filters after a short pause (the database does the work); Down moves
from the filter into the table; Enter or a double-click opens a row; the
column layout is kept in QSettings per register.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.style import icon, set_setting, setting_bytes
from peerdesk.ui.common.table_model import RegisterModel
from peerdesk.ui.operations import alive


class _Keys(QObject):
    """Down in the filter goes to the table; Enter in the table opens the row."""

    def __init__(self, owner: "RegisterList") -> None:
        super().__init__(owner)
        self.owner = owner

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if obj is self.owner.filter and key == Qt.Key.Key_Down:
                self.owner.focus_table()
                return True
            if obj is self.owner.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.owner.open_current()
                return True
        return False


class RegisterList(QWidget):
    opened = Signal(int)  # a record id to show
    new_requested = Signal()
    exported = Signal(str)  # the file written

    def __init__(self, ops, name: str, columns: tuple[str, ...], statuses: tuple[str, ...] = (),
                 can_create: bool = False, filterable: bool = True, descending: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"list-{name}")
        self.model = RegisterModel(ops, name, columns, self)
        self.model.descending = descending
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(t("ui.list.filter"))
        self.filter.setAccessibleName(t("ui.list.filter"))
        bar.addWidget(self.filter, 1)
        # hide() only: setVisible(True) on a widget not yet in a window opens it as its own window.
        if not filterable:
            self.filter.hide()
        self.status = QComboBox()
        self.status.setAccessibleName(t("ui.list.status"))
        self.status.addItem(t("ui.list.all"), None)
        for status in statuses:
            self.status.addItem(t(f"ui.filter.{status}"), status)
        if not statuses:
            self.status.hide()
        # Room for the Import/Export buttons without widening the window's minimum size.
        self.status.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.status.setMinimumContentsLength(5)
        self.filter.setMinimumWidth(60)  # the whole hint in the tooltip when the field is narrow
        self.filter.setToolTip(t("ui.list.filter"))
        bar.addWidget(self.status)
        self.new_button = QPushButton(icon("new"), t("ui.list.new"))
        self.new_button.setAccessibleName(t("ui.list.new"))
        if not can_create:
            self.new_button.hide()
        self.new_button.clicked.connect(self.new_requested)
        bar.addWidget(self.new_button)
        from peerdesk.services.register_import import KINDS as IMPORTABLE

        self.import_button = QPushButton(t("ui.list.import"))
        self.import_button.setAccessibleName(t("ui.list.import"))
        if not (can_create and name in IMPORTABLE):
            self.import_button.hide()
        self.import_button.clicked.connect(lambda: self.open_import())
        bar.addWidget(self.import_button)
        self.export_button = QPushButton(t("ui.list.export"))
        self.export_button.setAccessibleName(t("ui.list.export"))
        self.export_button.setToolTip(t("ui.list.export_tip"))
        self.export_button.clicked.connect(lambda: self.export())
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        self.table = QTableView()
        self.table.setAccessibleName(t(f"kind.{name}"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        # Fit columns to the rows on screen (loaded with the first page), not Qt's default 1,000 rows,
        # which asked for four more pages of a big list only to measure them.
        header.setResizeContentsPrecision(0)
        state = setting_bytes(self._state_key())
        self._fit_columns = state is None  # first time: columns as wide as their content
        if state is not None:
            header.restoreState(state)
        header.setSortIndicator(self.model.sort_column,
                                Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        # Saved a moment after the last change and when the list is hidden, not on every signal: dragging a
        # column resizes it many times, and each new row count re-stretches the last column.
        self._layout_changed = QTimer(self)
        self._layout_changed.setSingleShot(True)
        self._layout_changed.setInterval(1000)
        self._layout_changed.timeout.connect(self._save_layout)
        for signal in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
            signal.connect(lambda *_args: self._layout_changed.start())
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setAccessibleName(t("ui.list.count_name"))
        layout.addWidget(self.count)

        keys = _Keys(self)
        self.filter.installEventFilter(keys)
        self.table.installEventFilter(keys)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(200)
        self._typing.timeout.connect(self.apply_filter)
        self.filter.textChanged.connect(lambda _text: self._typing.start())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.reloaded.connect(self._show_count)
        self.model.page_loaded.connect(self._fit)
        self.table.clicked.connect(lambda index: self._open_row(index.row()))
        self.setFocusProxy(self.filter)
        self._stale = False
        self._keep: int | None = None

    def on_data_changed(self, _changes) -> None:
        """Anki's rule: a visible list re-queries now, a hidden one when it is shown again."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()
        if self._stale:
            self._stale = False
            self.reload()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self._layout_changed.isActive():
            self._layout_changed.stop()
            self._save_layout()

    def _state_key(self) -> str:
        return f"columns/{self.name}"

    def _save_layout(self, *_args) -> None:
        set_setting(self._state_key(), self.table.horizontalHeader().saveState())

    def _fit(self) -> None:
        if not self._fit_columns or not self.isVisible() or self.model.shown(0) is None:
            return  # a hidden list (another tab) is fitted when it is first shown
        self._fit_columns = False
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        self.table.resizeColumnsToContents()
        limit = self.table.fontMetrics().averageCharWidth() * 32
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column) + 12, limit))
        header.blockSignals(False)

    def _show_count(self, n: int) -> None:
        self.count.setText(t("ui.list.count", n=n))
        keep, self._keep = self._keep, None
        if keep is not None:
            self.select_id(keep)

    def apply_filter(self) -> None:
        self._typing.stop()
        self.model.set_filter(self.filter.text().strip(), self.status.currentData())

    def reload(self, keep: int | None = None) -> None:
        """Re-query; the selected record (or `keep`) stays selected if it still matches."""
        current = self.table.currentIndex()
        self._keep = keep if keep is not None else (self.model.id_at(current.row()) if current.isValid() else None)
        self.model.reload()

    def set_status(self, status: str | None) -> None:
        index = self.status.findData(status)
        if index >= 0:
            self.status.setCurrentIndex(index)

    def focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.select_row(0)

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def select_id(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.select_row(row)
            self.table.scrollTo(self.model.index(row, 0))

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_row(index.row())

    def export(self, path: str | None = None) -> None:
        """The list as it is on screen (filter, status, sort) to XLSX or CSV, in the background; audited."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("ui.list.export"), f"{t(f'kind.{self.name}')}.xlsx",
                                                  t("ui.list.export_filter"))
        if not path:
            return
        if not path.lower().endswith((".xlsx", ".csv")):
            path += ".xlsx"
        model = self.model
        name, text, status, sort, descending = model.name, model.text, model.status, model.columns[model.sort_column], model.descending

        def work(s):
            from peerdesk.services.register_export import export_register

            return export_register(s, name, path, text, status, sort, descending)

        def done(n: int) -> None:
            from pathlib import Path

            self.count.setText(t("ui.list.exported", n=n, file=Path(path).name))
            self.exported.emit(path)

        model.ops.mutate(work, set(), on_done=alive(self, done))

    def open_import(self) -> None:
        from peerdesk.ui.import_export.wizard import ImportWizard

        self.wizard = ImportWizard(self.model.ops, self.name, self)
        self.wizard.open()

    def _open_row(self, row: int) -> None:
        record_id = self.model.id_at(row)
        if record_id is not None:
            self.opened.emit(record_id)
