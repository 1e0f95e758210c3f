"""The small forms the Today page opens from an alert: briefing, supervision session,
follow-up contract period, acknowledge/snooze.

Each form only collects input. It emits `submitted(dict)`; the page runs the
service through `ops.mutate` and either closes the form (`finish()`) or shows
the readable error in it (`show_error()`), so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class AlertForm(QDialog):
    submitted = Signal(dict)

    def __init__(self, title: str, context: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        self.context = QLabel(context)
        self.context.setWordWrap(True)
        layout.addWidget(self.context)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName(t("ui.today.form.error"))
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(t("ui.today.form.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("ui.today.form.cancel"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.busy = False

    @property
    def save_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def add_row(self, label_key: str, widget: QWidget) -> QWidget:
        label = QLabel(t(label_key))
        label.setBuddy(widget)
        widget.setAccessibleName(t(label_key).replace("&", ""))
        self.form.addRow(label, widget)
        return widget

    def date_field(self, label_key: str, day: dt.date) -> QDateEdit:
        edit = QDateEdit(qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return self.add_row(label_key, edit)

    def values(self) -> dict:
        raise NotImplementedError

    def _submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self.error.hide()
        self.submitted.emit(self.values())

    def show_error(self, text: str) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self.error.setText(text)
        self.error.show()

    def finish(self) -> None:
        self.busy = False
        self.accept()


class BriefingForm(AlertForm):
    """A briefing (or follow-up) at a ward, with its manager as attendee."""

    def __init__(self, ward: str, manager: str | None, today: dt.date, kind: str = "briefing", parent=None) -> None:
        context = t("ui.today.briefing.context", ward=ward, manager=manager or t("ui.today.no_manager_known"))
        super().__init__(t("ui.today.briefing.title"), context, parent)
        self.held_on = self.date_field("ui.today.form.held_on", today)
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
        self.add_row("ui.today.form.summary", self.summary)

    def values(self) -> dict:
        return {"held_on": pydate(self.held_on.date()), "kind": self.kind.currentData(), "staff_count": self.staff.value(),
                "summary": self.summary.toPlainText().strip() or None}


class SessionForm(AlertForm):
    """One individual supervision session with the peer supporter."""

    def __init__(self, person: str, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.today.session.title"), t("ui.today.session.context", person=person), parent)
        self.held_on = self.date_field("ui.today.form.held_on", today)
        self.duration = QSpinBox()
        self.duration.setRange(1, 600)
        self.duration.setValue(60)
        self.duration.setSuffix(" min")
        self.add_row("ui.today.form.duration", self.duration)
        self.form_kind = QComboBox()
        for value in ("individual", "phone", "video"):
            self.form_kind.addItem(t(f"ui.today.session.form.{value}"), value)
        self.add_row("ui.today.form.session_form", self.form_kind)

    def values(self) -> dict:
        return {"held_on": pydate(self.held_on.date()), "duration_minutes": self.duration.value(), "form": self.form_kind.currentData()}


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
        self.end = self.date_field("ui.today.form.end_date", self.start + dt.timedelta(days=364))
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
                "end_date": None if permanent else pydate(self.end.date()), "extent_percent": self.extent.value(),
                "employer": self.employer.text(), "funding_source": self.funding.text()}


class AcknowledgeForm(AlertForm):
    """Put an alert aside with a reason until a date."""

    def __init__(self, what: str, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.today.ack.title"), t("ui.today.ack.context", what=what), parent)
        self.reason = QLineEdit()
        self.reason.setMaxLength(300)
        self.add_row("ui.today.form.reason", self.reason)
        self.until = self.date_field("ui.today.form.until", today + dt.timedelta(days=14))
        self.until.setMinimumDate(qdate(today))

    def values(self) -> dict:
        return {"reason": self.reason.text(), "until": pydate(self.until.date())}
