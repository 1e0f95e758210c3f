"""A register as a person works with it: the list on the left, the record's form (and history) on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.form import Field, RecordForm
from peerdesk.ui.common.register_list import RegisterList
from peerdesk.ui.common.style import set_setting, setting_bytes


def rights(ops, name: str) -> tuple[bool, bool]:
    """(may read, may write) the register `name` for the logged-in actor — the UI hides the rest."""
    from peerdesk.services.access import READ_RIGHTS, WRITE_RIGHTS
    from peerdesk.services.registers import REGISTERS

    reg = REGISTERS[name]
    roles = ops.actor.roles
    return bool(roles & READ_RIGHTS.get(reg.kind, frozenset())), bool(roles & WRITE_RIGHTS.get(reg.model, frozenset()))


def title_label(text: str) -> QLabel:
    """A heading that shortens a long name with "…" (whole in the tooltip) rather than widen the form."""
    from peerdesk.ui.common.fit import ElidedLabel

    label = ElidedLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


class RegisterPanel(QSplitter):
    """List + detail for one register. `history` (optional) is a widget with show_for(record_id) and clear()."""

    def __init__(self, ops, name: str, columns: tuple[str, ...], fields: list[Field], statuses: tuple[str, ...] = (),
                 history: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.ops = ops
        self.name = name
        self.setObjectName(f"panel-{name}")
        self.setChildrenCollapsible(False)
        _, writable = rights(ops, name)
        self.writable = writable
        self.list = RegisterList(ops, name, columns, statuses, can_create=writable)
        self.addWidget(self.list)

        detail = QWidget()
        layout = QVBoxLayout(detail)
        self.title = title_label(t("ui.detail.none"))
        self.title.setAccessibleName(t("ui.detail.title"))
        layout.addWidget(self.title)
        self.form = RecordForm(ops, name, fields, writable)
        self.form.describe = self.describe
        layout.addWidget(self.form)
        self.history = history
        if history is not None:
            line = QFrame()
            line.setFrameShape(QFrame.Shape.HLine)
            line.setFrameShadow(QFrame.Shadow.Sunken)
            layout.addWidget(line)
            layout.addWidget(history)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(detail)
        self.addWidget(scroll)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        state = setting_bytes(f"splitter/{name}")
        if state is not None:
            self.restoreState(state)
        else:
            self.setSizes([620, 520])
        self.splitterMoved.connect(lambda *_: set_setting(f"splitter/{name}", self.saveState()))

        self.list.opened.connect(lambda record_id: self.form.confirm_leave(lambda: self.open(record_id)))
        self.list.new_requested.connect(lambda: self.form.confirm_leave(self.new))
        self.form.saved.connect(self._saved)
        self.form.loaded.connect(self._loaded)
        ops.data_changed.connect(self.list.on_data_changed)

    def start(self) -> None:
        self.list.reload()

    def open(self, record_id: int) -> None:
        self.list.select_id(record_id)
        self.form.open(record_id)

    def new(self) -> None:
        self.title.setText(t("ui.detail.new"))
        self.form.new()
        if self.history is not None:
            self.history.clear()

    def _loaded(self, record_id: int) -> None:
        self.title.setText(self.describe(self.form.original) or t("ui.detail.title"))
        if self.history is not None:
            self.history.show_for(record_id)

    def _saved(self, record_id: int) -> None:
        self.title.setText(self.describe(self.form.original) or t("ui.detail.title"))
        self.list.reload(keep=record_id)
        if self.history is not None:
            self.history.show_for(record_id)

    def describe(self, values: dict) -> str:
        """The heading of the detail view: a name when the record has one."""
        if values.get("first_name") or values.get("last_name"):
            return f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()
        if values.get("name"):
            return str(values["name"])
        label = self.form.widgets.get("peer_supporter_id")
        if label is not None and label.currentText():
            return label.currentText()
        return ""
