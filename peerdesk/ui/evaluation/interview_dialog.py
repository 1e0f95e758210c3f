"""Logging an interview with its participants' consents: kind, role, date, and every participant's
consent form, picked by typing its number (a scanner types it and Enter) or choosing from the list.
An individual interview holds one consent, a group interview several; the participants number
follows the consents chosen. A quote from the interview prints only while all of them may be used."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm
from peerdesk.ui.evaluation.entry_grid import ROLES


def consent_text(c) -> str:
    """"F-1100 · P01 · Personal" and, when it may not be used today, why ("återkallat")."""
    parts = [c.form_number or f"#{c.id}", c.subject, t(f"report.role.{c.role}")]
    text = " · ".join(p for p in parts if p)
    return text if c.status == "usable" else f"{text} ({t('ui.eval.consent_status.' + c.status)})"


class _EnterAdds(QObject):
    """Enter in the number field adds the consent instead of saving the whole form."""

    def __init__(self, picker: "ConsentPicker") -> None:
        super().__init__(picker)
        self.picker = picker

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            popup = self.picker.number.completer().popup()
            if popup.isVisible():
                popup.hide()
            self.picker.add_typed()
            return True
        return False


class ConsentPicker(QWidget):
    """A number field (with completion over the study's consents) and the list of consents chosen."""

    changed = Signal()

    def __init__(self, choices, parent=None) -> None:
        super().__init__(parent)
        self.choices = list(choices)
        self.single = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setPlaceholderText(t("ui.eval.consent_number_hint"))
        self.number.setAccessibleName(t("ui.eval.consent_number"))
        completer = QCompleter([consent_text(c) for c in self.choices], self.number)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.number.setCompleter(completer)
        self.number.installEventFilter(_EnterAdds(self))
        self.add_button = QPushButton(t("ui.eval.consent_add"))
        self.add_button.setAutoDefault(False)
        row.addWidget(self.number, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.chosen = QListWidget()
        self.chosen.setAccessibleName(t("ui.eval.participants_consents"))
        self.chosen.setMaximumHeight(96)
        layout.addWidget(self.chosen)
        bottom = QHBoxLayout()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.remove_button = QPushButton(t("ui.eval.consent_remove"))
        self.remove_button.setAutoDefault(False)
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button.clicked.connect(self.remove_current)

    def _find(self, typed: str):
        typed = typed.strip()
        if not typed:
            return None
        folded = typed.casefold()
        for c in self.choices:
            if (c.form_number or "").casefold() == folded or consent_text(c).casefold() == folded:
                return c
        return None

    def ids(self) -> list[int]:
        return [self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count())]

    def add_typed(self) -> None:
        typed = self.number.text()
        c = self._find(typed)
        if c is None:
            if typed.strip():
                self.note.setText(t("ui.eval.consent_not_found", number=typed.strip()))
            return
        if c.id in self.ids():
            self.note.setText(t("ui.eval.consent_already", number=c.form_number or c.id))
            self.number.clear()
            return
        if self.single:
            self.chosen.clear()  # an individual interview: the new one replaces the old
        item = QListWidgetItem(consent_text(c))
        item.setData(Qt.ItemDataRole.UserRole, c.id)
        self.chosen.addItem(item)
        self.number.clear()
        self.note.setText(t("ui.eval.consent_added", number=c.form_number or c.id) if c.status == "usable"
                          else t("ui.eval.consent_added_unusable", number=c.form_number or c.id))
        self.changed.emit()

    def remove_current(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self.changed.emit()


KINDS = ("individual", "group", "focus_group", "dialogue_seminar")


class InterviewDialog(DialogForm):
    def __init__(self, choices, today: dt.date | None = None, parent=None, guides=(), interviewers=()) -> None:
        super().__init__(t("ui.eval.interview_title"), t("ui.eval.interview_context"), parent)
        self.guides = list(guides)  # services.interview_details.GuideInfo
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(t(f"ui.eval.kind.{kind}"), kind)
        self.add_row("ui.eval.kind", self.kind, name="kind")
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"report.role.{role}"), role)
        self.add_row("field.informant_role", self.role, name="informant_role")
        self.held_on = self.date_field("field.held_on", today or dt.date.today(), warn_future=True, name="held_on")
        self.picker = ConsentPicker(choices)
        self.add_row("ui.eval.participants_consents", self.picker, name="consent_ids")
        self.participants = QSpinBox()
        self.participants.setRange(1, 99)
        self.add_row("field.participants", self.participants, name="participants")
        # The details: which guide (and version) was followed, who interviewed, for how long, where.
        self.guide = QComboBox()
        self.add_row("field.guide_id", self.guide, name="guide_id")
        self.interviewer = QComboBox()
        self.interviewer.addItem("—", None)
        for uid, name in interviewers:
            self.interviewer.addItem(name, uid)
        self.add_row("field.interviewer_id", self.interviewer, name="interviewer_id")
        self.duration = QLineEdit()
        self.duration.setValidator(QIntValidator(1, 24 * 60, self.duration))
        self.duration.setPlaceholderText(t("ui.eval.minutes_hint"))
        self.add_row("field.duration_minutes", self.duration, name="duration_minutes")
        self.place = QLineEdit()
        self.place.setPlaceholderText(t("ui.eval.place_hint"))
        self.add_row("field.place", self.place, name="place")
        self.role.currentIndexChanged.connect(self._fill_guides)
        self._fill_guides()
        self.picker.changed.connect(self._follow)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        single = self.kind.currentData() == "individual"
        self.picker.single = single
        self.participants.setEnabled(not single)
        if single:
            while self.picker.chosen.count() > 1:
                self.picker.chosen.takeItem(self.picker.chosen.count() - 1)
            self.participants.setValue(1)
        self._follow()

    def _follow(self) -> None:
        """The role follows the first consent chosen; the participants number is at least the number of consents."""
        ids = self.picker.ids()
        n = len(ids)
        if n == 1:
            role = next((c.role for c in self.picker.choices if c.id == ids[0]), None)
            if role is not None and self.role.findData(role) >= 0:
                self.role.setCurrentIndex(self.role.findData(role))
        self.participants.setMinimum(max(1, n))
        if self.participants.value() < n or (n and self.kind.currentData() == "individual"):
            self.participants.setValue(max(1, n))

    def _fill_guides(self) -> None:
        """The guides written for the interview's informant group, newest version first."""
        chosen = self.guide.currentData()
        self.guide.clear()
        self.guide.addItem("—", None)
        role = self.role.currentData()
        for g in sorted((g for g in self.guides if g.role == role), key=lambda g: (g.code, -g.edition)):
            self.guide.addItem(g.label(), g.id)
        if chosen is not None and self.guide.findData(chosen) >= 0:
            self.guide.setCurrentIndex(self.guide.findData(chosen))
        elif self.guide.count() > 1:
            self.guide.setCurrentIndex(1)

    def values(self) -> dict:
        return {"kind": self.kind.currentData(), "informant_role": self.role.currentData(), "held_on": self.held_on.date(),
                "consent_ids": self.picker.ids(), "participants": self.participants.value(),
                "guide_id": self.guide.currentData(), "interviewer_id": self.interviewer.currentData(),
                "duration_minutes": int(self.duration.text()) if self.duration.text().strip() else None,
                "place": self.place.text().strip() or None}
