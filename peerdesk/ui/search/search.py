"""Global search (Ctrl+K / Ctrl+F): people and workplaces by name, from anywhere in the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.operations import alive
from peerdesk.ui.common.style import icon


def _search(text: str):
    def work(s):
        from peerdesk.services.registers import search

        return search(s, text)

    return work


class SearchDialog(QDialog):
    chosen = Signal(str, int)  # area, record id

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(t("ui.search.title"))
        self.resize(480, 360)
        layout = QVBoxLayout(self)
        self.field = QLineEdit()
        self.field.setPlaceholderText(t("ui.search.placeholder"))
        self.field.setAccessibleName(t("ui.search.title"))
        self.field.setClearButtonEnabled(True)
        layout.addWidget(self.field)
        self.results = QListWidget()
        self.results.setAccessibleName(t("ui.search.results"))
        layout.addWidget(self.results, 1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(150)
        self._typing.timeout.connect(self.run)
        self.field.textChanged.connect(lambda _t: self._typing.start())
        self.field.returnPressed.connect(self.choose_current)
        self.results.itemActivated.connect(lambda _item: self.choose_current())
        self.field.installEventFilter(self)
        self._generation = 0

    def eventFilter(self, obj: QObject, event) -> bool:
        if obj is self.field and event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            row = self.results.currentRow() + (1 if event.key() == Qt.Key.Key_Down else -1)
            if 0 <= row < self.results.count():
                self.results.setCurrentRow(row)
            return True
        return False

    def start(self) -> None:
        self.field.selectAll()
        self.field.setFocus()
        self.show()
        self.raise_()
        self.activateWindow()

    def run(self) -> None:
        self._typing.stop()
        text = self.field.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            self.status.clear()
            return
        self.ops.query(_search(text), alive(self, lambda hits: self._show(generation, hits)))

    def _show(self, generation: int, hits) -> None:
        if generation != self._generation:
            return
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(icon(hit.area), f"{hit.label} — {hit.detail}" if hit.detail else hit.label)
            item.setData(Qt.ItemDataRole.UserRole, (hit.area, hit.id))
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        self.status.setText(t("ui.search.count", n=len(hits)))

    def choose_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        area, record_id = item.data(Qt.ItemDataRole.UserRole)
        self.hide()
        self.chosen.emit(area, record_id)
