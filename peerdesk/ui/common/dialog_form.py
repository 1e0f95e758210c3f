"""A small dialog that only collects input: `submitted(dict)` on Save; the caller runs the
service through `ops` and then calls `finish()` or `show_error(text)`, so nothing typed is lost."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from peerdesk.i18n import t


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class DialogForm(QDialog):
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
        # Ctrl+Enter saves from anywhere, also from a notes field where Enter starts a new line.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._submit)
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
