"""Workplaces and wards, their managers and manager tenures; "Change manager" in one step."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField, with_note
from peerdesk.ui.operations import alive
from peerdesk.ui.common.form import Field
from peerdesk.ui.common.history import SmallTable, heading
from peerdesk.ui.common.panel import RegisterPanel, rights
from peerdesk.ui.common.style import error_style, icon, value_text

WORKPLACE_COLUMNS = ("name", "organisation", "kind", "specialty", "region", "manager_id", "stage")
WORKPLACE_STATUSES = ("active", "inpatient", "outpatient", "municipal", "inactive", "stage_contacted", "stage_interested",
                      "stage_agreement_signed", "stage_staff_briefed", "stage_placement_running", "stage_paused", "stage_ended")
WORKPLACE_FIELDS = [
    Field("name", required=True),
    Field("organisation", required=True),
    Field("kind", "choice", choices=("inpatient", "outpatient", "municipal"), required=True, default="inpatient"),
    Field("specialty"),
    Field("region"),
    Field("address"),
    Field("contact_name"),
    Field("contact_phone"),
    Field("contact_email"),
    Field("active", "bool", default=True),
]
MANAGER_COLUMNS = ("name", "title", "email", "phone")
MANAGER_FIELDS = [Field("name", required=True), Field("title"), Field("email"), Field("phone")]
TENURE_COLUMNS = ("workplace_id", "manager_id", "start_date", "end_date", "acting")
TENURE_FIELDS = [
    Field("workplace_id", "ref", ref="workplaces", required=True),
    Field("manager_id", "ref", ref="managers", required=True),
    Field("start_date", "date", required=True),
    Field("end_date", "date"),
    Field("acting", "bool", default=False),
]


def _history(workplace_id: int):
    def work(s):
        from peerdesk.services.registers import workplace_history

        return workplace_history(s, workplace_id)

    return work


def _managers():
    def work(s):
        from peerdesk.services.registers import options

        return options(s, "managers")

    return work


def _change_manager(workplace_id: int, start: str, manager_id: int | None, new_name: str | None, acting: bool):
    def work(s):
        from peerdesk.services.workplaces import change_manager

        tenure = change_manager(s, workplace_id, start, manager_id=manager_id,
                                new_manager={"name": new_name} if new_name else None, acting=acting)
        return tenure.id

    return work


class ChangeManagerDialog(QDialog):
    """End the current tenure and start the new one — one step, one transaction."""

    def __init__(self, ops, workplace_id: int, workplace_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.workplace_id = workplace_id
        self.setWindowTitle(t("ui.manager.change_title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.manager.change_text", workplace=workplace_name))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.start = DateField(required=True)
        self.manager = QComboBox()
        self.manager.setEditable(True)
        self.manager.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.manager.addItem("", None)
        self.new_name = QLineEdit()
        self.acting = QCheckBox(t("ui.manager.acting"))
        for key, widget in (("ui.manager.start", self.start), ("ui.manager.existing", self.manager),
                            ("ui.manager.new_name", self.new_name)):
            widget.setAccessibleName(t(key))
            form.addRow(t(key), with_note(widget) if widget is self.start else widget)
        self.acting.setAccessibleName(t("ui.manager.acting"))
        form.addRow("", self.acting)
        layout.addLayout(form)
        self.error = QLabel()
        error_style(self.error)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(t("ui.form.error"))
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(t("ui.manager.change_button"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        ops.query(_managers(), alive(self, self._fill))

    def _fill(self, managers: list[tuple[int, str]]) -> None:
        for record_id, name in managers:
            self.manager.addItem(name, record_id)

    def submit(self) -> None:
        text = self.manager.currentText().strip()
        index = self.manager.findText(text) if text else -1
        manager_id = self.manager.itemData(index) if index > 0 else None
        new_name = self.new_name.text().strip() or None
        if manager_id is not None and new_name:
            new_name = None  # an existing manager chosen wins; the name field is a way to add one
        self.error.hide()
        if not self.start.check():
            self.start.setFocus()
            return
        self.ok.setEnabled(False)
        self.ops.mutate(
            _change_manager(self.workplace_id, self.start.date(), manager_id, new_name, self.acting.isChecked()),
            {"workplaces", "tenures", "managers"}, alive(self, lambda _id: self.accept()), alive(self, self._failed))

    def _failed(self, exc) -> None:
        from peerdesk.errors import PeerDeskError

        self.ok.setEnabled(True)
        self.error.setText(exc.message if isinstance(exc, PeerDeskError) else str(type(exc).__name__))
        self.error.show()


class WorkplaceHistory(QWidget):
    """The manager timeline and the placements of one workplace."""

    changed = Signal()

    def __init__(self, ops, can_change: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.workplace_id: int | None = None
        self.workplace_name = ""
        self.dialog: ChangeManagerDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        from peerdesk.ui.workplaces.onboarding_panel import OnboardingPanel

        self.onboarding = OnboardingPanel(ops, can_change)
        layout.addWidget(self.onboarding)
        layout.addWidget(heading(t("ui.workplace.managers")))
        self.change_button = QPushButton(icon("manager"), t("ui.manager.change"))
        self.change_button.setAccessibleName(t("ui.manager.change"))
        if not can_change:  # hide() only: see register_list
            self.change_button.hide()
        self.change_button.clicked.connect(self.change_manager)
        row = QHBoxLayout()
        row.addWidget(self.change_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.tenures = SmallTable(("field.manager_id", "field.start_date", "field.end_date", "field.acting"),
                                  "ui.workplace.managers")
        layout.addWidget(self.tenures)
        self.last_contact = QLabel()
        self.last_contact.setAccessibleName(t("ui.workplace.last_contact_name"))
        layout.addWidget(self.last_contact)
        layout.addWidget(heading(t("kind.placements")))
        self.placements = SmallTable(("field.peer_supporter_id", "field.start_date", "field.end_date",
                                      "field.extent_percent"), "kind.placements")
        layout.addWidget(self.placements)
        self.setVisible(False)

    def clear(self) -> None:
        self.workplace_id = None
        self.setVisible(False)

    def show_for(self, workplace_id: int) -> None:
        self.workplace_id = workplace_id
        self.onboarding.show_for(workplace_id)
        self.ops.query(_history(workplace_id), alive(self, self.show_history), alive(self, lambda exc: self.clear()))

    def show_history(self, h) -> None:
        self.tenures.set_rows([(name, a, b or t("ui.workplace.ongoing"), value_text("acting", acting) if acting else "")
                               for name, a, b, acting in h.tenures])
        self.last_contact.setText(t("ui.workplace.last_contact", date=h.last_contact) if h.last_contact
                                  else t("ui.workplace.no_contact"))
        self.placements.set_rows([(p, a, b or "", value_text("extent_percent", e)) for p, a, b, e in h.placements])
        self.setVisible(True)

    def change_manager(self) -> None:
        if self.workplace_id is None:
            return
        self.dialog = ChangeManagerDialog(self.ops, self.workplace_id, self.workplace_name, self)
        self.dialog.accepted.connect(lambda: self.show_for(self.workplace_id))
        self.dialog.open()  # window-modal, does not block the event loop


class WorkplacesArea(QTabWidget):
    """Sidebar entry "Workplaces": workplaces, managers, manager tenures."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-workplaces")
        self.setDocumentMode(True)
        _, can_change = rights(ops, "tenures")
        self.history = WorkplaceHistory(ops, can_change)
        self.workplaces = RegisterPanel(ops, "workplaces", WORKPLACE_COLUMNS, WORKPLACE_FIELDS, WORKPLACE_STATUSES,
                                        history=self.history)
        self.workplaces.form.loaded.connect(
            lambda _id: setattr(self.history, "workplace_name", self.workplaces.form.original.get("name") or ""))
        self.managers = RegisterPanel(ops, "managers", MANAGER_COLUMNS, MANAGER_FIELDS)
        self.tenures = RegisterPanel(ops, "tenures", TENURE_COLUMNS, TENURE_FIELDS, ("running", "ended"))
        self.panels = [self.workplaces, self.managers, self.tenures]
        from peerdesk.ui.workplaces.onboarding_board import OnboardingBoard

        self.board = OnboardingBoard(ops)
        self.board.open_ward.connect(self.open_record)
        self.addTab(self.workplaces, t("kind.workplaces"))
        self.addTab(self.board, t("ui.onboarding.board"))
        self.addTab(self.managers, t("kind.managers"))
        self.addTab(self.tenures, t("kind.tenures"))

    def start(self) -> None:
        for panel in self.panels:
            panel.start()

    def open_record(self, record_id: int) -> None:
        self.setCurrentWidget(self.workplaces)
        self.workplaces.form.confirm_leave(lambda: self.workplaces.open(record_id))
