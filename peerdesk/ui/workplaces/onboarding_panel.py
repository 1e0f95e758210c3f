"""A ward's onboarding on its page: the stage and since when, the contact persons, the stage history,
and its briefings — planned ones first, with Plan briefing…, Mark as held… and Cancel briefing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.history import SmallTable, heading
from peerdesk.ui.operations import alive

CHANGES = {"workplaces", "briefings", "alerts"}


def _load(workplace_id: int):
    def work(s):
        from peerdesk.services import onboarding

        return (onboarding.ward_onboarding(s, workplace_id), onboarding.stage_history(s, workplace_id),
                onboarding.ward_briefings(s, workplace_id))

    return work


class OnboardingPanel(QWidget):
    def __init__(self, ops, can_change: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.workplace_id: int | None = None
        self.info: dict = {}
        self.briefings = []
        self.form = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(t("ui.onboarding.heading")))
        self.stage = QLabel()
        self.stage.setAccessibleName(t("field.stage"))
        self.contacts = QLabel()
        self.contacts.setWordWrap(True)
        self.contacts.setAccessibleName(t("ui.onboarding.contacts"))
        layout.addWidget(self.stage)
        layout.addWidget(self.contacts)
        self.change_button = QPushButton(t("ui.onboarding.change"))
        self.plan_button = QPushButton(t("ui.onboarding.plan"))
        self.held_button = QPushButton(t("ui.onboarding.mark_held"))
        self.cancel_button = QPushButton(t("ui.onboarding.cancel"))
        rows = [QHBoxLayout(), QHBoxLayout()]  # two short rows: the page stays narrow at 1024x640
        for i, (button, slot) in enumerate(((self.change_button, self.change_stage), (self.plan_button, self.plan_briefing),
                                            (self.held_button, self.mark_held), (self.cancel_button, self.cancel_briefing))):
            button.setAccessibleName(button.text().replace("…", ""))
            button.clicked.connect(slot)
            rows[i // 2].addWidget(button)
            if not can_change:
                button.hide()
        rows[0].addStretch(1)
        rows[1].addStretch(1)
        layout.addLayout(rows[0])
        layout.addWidget(heading(t("ui.onboarding.briefings")))
        layout.addLayout(rows[1])
        self.list = QTreeWidget()
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHeaderLabels([t("field.held_on"), t("field.status"), t("field.kind"), t("ui.onboarding.staff_reached"),
                                   t("ui.onboarding.invited")])
        self.list.setAccessibleName(t("ui.onboarding.briefings"))
        self.list.setFixedHeight(130)
        self.list.itemSelectionChanged.connect(self._enable)
        layout.addWidget(self.list)
        layout.addWidget(heading(t("ui.onboarding.history")))
        self.history = SmallTable(("field.stage", "field.from_date", "ui.onboarding.by", "field.note"), "ui.onboarding.history")
        layout.addWidget(self.history)

    # ------------------------------------------------------------ showing
    def show_for(self, workplace_id: int) -> None:
        self.workplace_id = workplace_id
        self.ops.query(_load(workplace_id), alive(self, self._show))

    def refresh(self) -> None:
        if self.workplace_id is not None:
            self.show_for(self.workplace_id)

    def _show(self, loaded) -> None:
        info, steps, briefings = loaded
        if info["id"] != self.workplace_id:
            return
        self.info, self.briefings = info, briefings
        self.stage.setText(t("ui.onboarding.stage_since", stage=t(f"ui.value.{info['stage']}"), date=info["since"].isoformat()))
        ward_side = ", ".join(x for x in (info["ward_contact"], info["ward_phone"], info["ward_email"]) if x) or "–"
        self.contacts.setText(t("ui.onboarding.contacts_text", office=info["office_contact"] or "–", ward=ward_side))
        self.history.set_rows([(t(f"ui.value.{x.stage}"), x.from_date.isoformat(), x.by or "",
                                t("ui.onboarding.by_briefing") if x.briefing_id else (x.note or "")) for x in steps])
        self.list.clear()
        for b in briefings:
            reached = "" if b.status != "held" else (f"{b.staff_count} / {b.staff_total}" if b.staff_total else str(b.staff_count))
            who = ", ".join(name + ("" if b.status != "held" or came else " ✗") for _aid, name, came in b.invited)
            item = QTreeWidgetItem([b.held_on.isoformat(), t(f"ui.value.{b.status}"), t(f"ui.value.{b.kind}"), reached, who])
            item.setData(0, 256, b.id)
            self.list.addTopLevelItem(item)
        planned = [i for i, b in enumerate(briefings) if b.status == "planned"]
        if planned:
            self.list.setCurrentItem(self.list.topLevelItem(planned[0]))
        self._enable()

    def selected(self):
        item = self.list.currentItem()
        if item is None:
            return None
        return next((b for b in self.briefings if b.id == item.data(0, 256)), None)

    def _enable(self) -> None:
        b = self.selected()
        planned = b is not None and b.status == "planned"
        self.held_button.setEnabled(planned)
        self.cancel_button.setEnabled(planned)

    # ------------------------------------------------------------ actions
    def _open(self, form, make_work) -> None:
        from peerdesk.ui.common.dialog_form import open_form

        self.form = form
        form.finished.connect(lambda _r: self.refresh())
        open_form(self.ops, form, make_work, CHANGES)

    def change_stage(self) -> None:
        from peerdesk.ui.workplaces.onboarding_forms import ChangeStageForm

        if not self.info:
            return
        wid = self.workplace_id

        def work(v):
            def run(s):
                from peerdesk.services import onboarding

                onboarding.change_stage(s, wid, v["stage"], v["on"], note=v["note"])

            return run

        self._open(ChangeStageForm(self.info["name"], self.info["stage"], dt.date.today(), self), work)

    def plan_briefing(self) -> None:
        from peerdesk.ui.workplaces.onboarding_forms import PlanBriefingForm

        if not self.info:
            return
        wid, manager_id, user_id = self.workplace_id, self.info["manager_id"], self.ops.actor.user_id

        def work(v):
            def run(s):
                from peerdesk.services import onboarding

                onboarding.plan_briefing(s, wid, v["on"], kind=v["kind"], manager_ids=[manager_id] if v["manager"] and manager_id else [],
                                         invited=v["invited"], held_by_id=user_id, staff_total=v["staff_total"])

            return run

        self._open(PlanBriefingForm(self.info["name"], self.info["manager"], dt.date.today(), self), work)

    def mark_held(self) -> None:
        from peerdesk.ui.workplaces.onboarding_forms import MarkHeldForm

        b = self.selected()
        if b is None or b.status != "planned":
            return

        def work(v):
            def run(s):
                from peerdesk.services import onboarding

                onboarding.mark_held(s, b.id, v["held_on"], came=v["came"], staff_attendees=v["others"],
                                     staff_count=v["staff_count"], staff_total=v["staff_total"])

            return run

        self._open(MarkHeldForm(self.info["name"], b, dt.date.today(), self), work)

    def cancel_briefing(self) -> None:
        b = self.selected()
        if b is None or b.status != "planned":
            return

        def run(s):
            from peerdesk.services import onboarding

            onboarding.cancel_briefing(s, b.id)

        self.ops.mutate(run, CHANGES, alive(self, lambda _r: self.refresh()))
