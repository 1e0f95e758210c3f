"""Planning supervision sessions ahead: one session for one person, or a month's sessions as the cadence
asks for a supervisor's caseload (the proposal is shown before anything is saved)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm


class PlanSessionForm(DialogForm):
    """Plan one session: who, which day, at what time, where."""

    def __init__(self, people: list[tuple[int, str]], day: dt.date, parent=None) -> None:
        super().__init__(t("ui.supervision.plan.title"), t("ui.supervision.plan.context"), parent)
        self.person = QComboBox()
        for pid, name in people:
            self.person.addItem(name, pid)
        self.add_row("ui.supervision.plan.person", self.person, required=True, name="participants")
        self.day = self.date_field("ui.supervision.plan.day", day, name="held_on")
        self.time = self.add_row("ui.supervision.plan.time", QLineEdit("10:00"), name="starts_at")
        self.location = self.add_row("ui.supervision.plan.location", QLineEdit(), name="location")

    def values(self) -> dict:
        return {"peer_id": self.person.currentData(), "day": self.day.date(), "starts_at": self.time.text().strip() or None,
                "location": self.location.text().strip() or None}


class CadencePlanForm(DialogForm):
    """A month's sessions as the cadence asks (weekly in a placement's intro phase, monthly after): the
    proposed days are listed; Save plans them all, at one time and place (each can be moved later)."""

    def __init__(self, year: int, month: int, proposal, parent=None) -> None:
        super().__init__(t("ui.supervision.plan_month.title", month=f"{year}-{month:02d}"),
                         t("ui.supervision.plan_month.context"), parent)
        self.proposal = list(proposal)
        self.list = QListWidget()
        self.list.setAccessibleName(t("ui.supervision.plan_month.list"))
        for p in self.proposal:
            kind = t("ui.supervision.plan_month.weekly" if p.interval_days <= 7 else "ui.supervision.plan_month.monthly")
            self.list.addItem(f"{p.day.isoformat()}  {p.name}  ({kind})")
        if not self.proposal:
            self.list.addItem(t("ui.supervision.plan_month.none"))
        self.add_row("ui.supervision.plan_month.list", self.list)
        self.count = QLabel(t("ui.supervision.plan_month.count", n=len(self.proposal)))
        self.add_row("ui.supervision.plan_month.summary", self.count)
        self.time = self.add_row("ui.supervision.plan.time", QLineEdit("10:00"), name="starts_at")
        self.location = self.add_row("ui.supervision.plan.location", QLineEdit(), name="location")

    def values(self) -> dict:
        return {"starts_at": self.time.text().strip() or None, "location": self.location.text().strip() or None}
