"""The session form: date (today), duration, form, topics and notes — the typical monthly
session is Enter on a person in the overview, then Enter again (or Ctrl+Enter from the notes).
With `people` it logs one group session for everyone ticked; with `choices` (when correcting a
session) the participants can be changed: ticked are those in `initial["participant_ids"]`."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem, QPlainTextEdit, QSpinBox

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm

FORMS = ("individual", "phone", "video")


def _checklist(items, checked=()) -> QListWidget:
    box = QListWidget()
    for item_id, name in items:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, item_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if item_id in checked else Qt.CheckState.Unchecked)
        box.addItem(item)
    box.setMaximumHeight(min(140, 22 * max(1, len(items)) + 6))
    return box


def checked_ids(box: QListWidget) -> list[int]:
    return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]


class SessionForm(DialogForm):
    def __init__(self, person: str | None, today: dt.date, topics=(), people=None, initial: dict | None = None,
                 choices=None, parent=None) -> None:
        group = people is not None
        title = t("ui.supervision.group.title") if group else (t("ui.supervision.edit.title") if initial else t("ui.today.session.title"))
        context = t("ui.supervision.group.context") if group else t("ui.today.session.context", person=person or "")
        super().__init__(title, context, parent)
        initial = initial or {}
        self.held_on = self.date_field("ui.today.form.held_on", initial.get("held_on") or today, warn_future=True,
                                       name="held_on")
        self.duration = QSpinBox()
        self.duration.setRange(1, 600)
        self.duration.setValue(initial.get("duration_minutes") or (120 if group else 60))
        self.duration.setSuffix(" min")
        self.add_row("ui.today.form.duration", self.duration)
        self.form_kind = QComboBox()
        for value in ("group",) if group else FORMS + (("group",) if initial.get("form") == "group" else ()):
            self.form_kind.addItem(t(f"ui.today.session.form.{value}"), value)
        if initial.get("form"):
            self.form_kind.setCurrentIndex(max(0, self.form_kind.findData(initial["form"])))
        self.add_row("ui.today.form.session_form", self.form_kind)
        self.people = None
        if group:
            self.people = self.add_row("ui.supervision.form.participants", _checklist(people), name="participant_ids")
        elif choices is not None:
            self.people = self.add_row("ui.supervision.form.participants", _checklist(choices, initial.get("participant_ids", ())), name="participant_ids")
        self.topics = None
        if topics:
            self.topics = self.add_row("ui.supervision.form.topics", _checklist(topics, initial.get("topic_ids", ())))
        self.notes = QPlainTextEdit(initial.get("notes") or "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(90)
        self.notes.setPlaceholderText(t("ui.supervision.form.notes_hint"))
        self.add_row("ui.supervision.form.notes", self.notes)

    def values(self) -> dict:
        out = {"held_on": self.held_on.date(), "duration_minutes": self.duration.value(), "form": self.form_kind.currentData(),
               "topic_ids": checked_ids(self.topics) if self.topics is not None else [],
               "notes": self.notes.toPlainText().strip() or None}
        if self.people is not None:
            out["participant_ids"] = checked_ids(self.people)
        return out

