"""The onboarding forms of a ward's page: change stage, plan a briefing, mark a planned briefing held.

Each only collects input (DialogForm); the panel runs the service through ops and shows its message in the form."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QSpinBox

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm

STAGES = ("contacted", "interested", "agreement_signed", "staff_briefed", "placement_running", "paused", "ended")


def _names(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def _lines(height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def _count(maximum: int = 9999, special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    if special:
        box.setSpecialValueText(special)  # 0 shown as "not known"
    return box


class ChangeStageForm(DialogForm):
    def __init__(self, ward: str, current: str, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.onboarding.change_title"), t("ui.onboarding.change_context", ward=ward,
                                                              stage=t(f"ui.value.{current}")), parent)
        self.stage = QComboBox()
        for value in STAGES:
            if value != current:
                self.stage.addItem(t(f"ui.value.{value}"), value)
        self.add_row("field.stage", self.stage, name="stage")
        self.from_date = self.date_field("field.from_date", today, name="from_date")
        self.note = QLineEdit()
        self.note.setMaxLength(500)
        self.add_row("field.note", self.note, name="note")

    def values(self) -> dict:
        return {"stage": self.stage.currentData(), "on": self.from_date.date(), "note": self.note.text().strip() or None}


class PlanBriefingForm(DialogForm):
    def __init__(self, ward: str, manager: str | None, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.onboarding.plan_title"), t("ui.onboarding.plan_context", ward=ward), parent)
        self.held_on = self.date_field("ui.onboarding.planned_on", today + dt.timedelta(days=14), name="held_on")
        self.kind = QComboBox()
        for value in ("briefing", "follow_up"):
            self.kind.addItem(t(f"ui.value.{value}"), value)
        self.add_row("ui.today.form.kind", self.kind)
        self.invite_manager = QComboBox()
        self.invite_manager.addItem(t("ui.onboarding.no_manager_invited"), False)
        if manager:
            self.invite_manager.addItem(manager, True)
            self.invite_manager.setCurrentIndex(1)
        self.add_row("ui.onboarding.invite_manager", self.invite_manager)
        self.invited = _lines()
        self.invited.setPlaceholderText(t("ui.onboarding.one_per_line"))
        self.add_row("ui.onboarding.invited", self.invited, name="invited")
        self.staff_total = _count(special=t("ui.onboarding.not_known"))
        self.add_row("field.staff_total", self.staff_total, name="staff_total")

    def values(self) -> dict:
        return {"on": self.held_on.date(), "kind": self.kind.currentData(), "manager": bool(self.invite_manager.currentData()),
                "invited": _names(self.invited), "staff_total": self.staff_total.value() or None}


class MarkHeldForm(DialogForm):
    """Who of the invited came (ticked), who else came, and how many staff were reached of how many."""

    def __init__(self, ward: str, briefing, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.onboarding.held_title"), t("ui.onboarding.held_context", ward=ward, date=briefing.held_on.isoformat()),
                         parent)
        self.held_on = self.date_field("ui.onboarding.held_on", today, name="held_on")
        self.came = QListWidget()
        self.came.setFixedHeight(90)
        for aid, name, _attended in briefing.invited:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, aid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.came.addItem(item)
        self.add_row("ui.onboarding.who_came", self.came, name="attendees")
        self.others = _lines(60)
        self.others.setPlaceholderText(t("ui.onboarding.one_per_line"))
        self.add_row("ui.onboarding.others_came", self.others)
        self.reached = _count()
        self.add_row("ui.onboarding.staff_reached", self.reached, name="staff_count")
        self.total = _count(special=t("ui.onboarding.not_known"))
        self.total.setValue(briefing.staff_total or 0)
        self.add_row("field.staff_total", self.total, name="staff_total")

    def values(self) -> dict:
        came = [self.came.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.came.count())
                if self.came.item(i).checkState() == Qt.CheckState.Checked]
        return {"held_on": self.held_on.date(), "came": came, "others": _names(self.others), "staff_count": self.reached.value(),
                "staff_total": self.total.value() or None}
