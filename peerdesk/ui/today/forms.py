"""The small forms the Today page opens from an alert: briefing, follow-up contract period,
acknowledge/snooze (and the supervision area's session form).

Each form only collects input. It emits `submitted(dict)`; the page runs the
service through `ops.mutate` and either closes the form (`finish()`) or shows
the readable error in it (`show_error()`), so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm, pydate, qdate  # noqa: F401 - used by callers
from peerdesk.ui.supervision.session_form import SessionForm  # noqa: F401 - opened from an overdue alert


AlertForm = DialogForm  # the Today page's name for it


class BriefingForm(AlertForm):
    """A briefing (or follow-up) at a ward, with its manager as attendee."""

    def __init__(self, ward: str, manager: str | None, today: dt.date, kind: str = "briefing", parent=None) -> None:
        context = t("ui.today.briefing.context", ward=ward, manager=manager or t("ui.today.no_manager_known"))
        super().__init__(t("ui.today.briefing.title"), context, parent)
        self.held_on = self.date_field("ui.today.form.held_on", today, warn_future=True, name="held_on")
        self.kind = QComboBox()
        for value in ("briefing", "follow_up"):
            self.kind.addItem(t(f"ui.today.contact.{value}"), value)
        self.kind.setCurrentIndex(0 if kind == "briefing" else 1)
        self.add_row("ui.today.form.kind", self.kind)
        self.staff = QSpinBox()
        self.staff.setRange(0, 999)
        self.add_row("ui.today.form.staff_count", self.staff)
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(80)
        # Required here (not in the service, which the import and demo also use): a briefing logged
        # with nothing said about it tells the next coordinator nothing.
        self.add_row("ui.today.form.summary", self.summary, required=True, name="summary")

    def values(self) -> dict:
        return {"held_on": self.held_on.date(), "kind": self.kind.currentData(), "staff_count": self.staff.value(),
                "summary": self.summary.toPlainText().strip() or None}


class FollowUpForm(AlertForm):
    """The contract period that follows one ending: it starts the day after."""

    def __init__(self, person: str, contract: dict, parent=None) -> None:
        self.start = contract["end_date"] + dt.timedelta(days=1)
        super().__init__(t("ui.today.followup.title"),
                         t("ui.today.followup.context", person=person, start=self.start.isoformat()), parent)
        self.form_kind = QComboBox()
        for value in ("fixed_term", "permanent"):
            self.form_kind.addItem(t(f"ui.today.employment.{value}"), value)
        self.add_row("ui.today.form.employment_form", self.form_kind)
        self.end = self.date_field("ui.today.form.end_date", self.start + dt.timedelta(days=364), name="end_date")
        self.form_kind.currentIndexChanged.connect(lambda _i: self.end.setEnabled(self.form_kind.currentData() == "fixed_term"))
        self.extent = QSpinBox()
        self.extent.setRange(1, 100)
        self.extent.setSuffix(" %")
        self.extent.setValue(contract.get("extent_percent") or 50)
        self.add_row("ui.today.form.extent", self.extent)
        self.employer = QLineEdit(contract.get("employer") or "")
        self.add_row("ui.today.form.employer", self.employer)
        self.funding = QLineEdit(contract.get("funding_source") or "")
        self.add_row("ui.today.form.funding", self.funding)

    def values(self) -> dict:
        permanent = self.form_kind.currentData() == "permanent"
        return {"form": self.form_kind.currentData(), "start_date": self.start,
                "end_date": None if permanent else self.end.date(), "extent_percent": self.extent.value(),
                "employer": self.employer.text(), "funding_source": self.funding.text()}


class AcknowledgeForm(AlertForm):
    """Put an alert aside with a reason until a date."""

    def __init__(self, what: str, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.today.ack.title"), t("ui.today.ack.context", what=what), parent)
        self.reason = QLineEdit()
        self.reason.setMaxLength(300)
        self.add_row("ui.today.form.reason", self.reason, required=True, name="reason")
        self.until = self.date_field("ui.today.form.until", today + dt.timedelta(days=14), name="until")
        self.until.minimum = today

    def values(self) -> dict:
        return {"reason": self.reason.text(), "until": self.until.date()}
