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


def error_label() -> QLabel:
    """Where a dialog says what is wrong, in words; hidden until then."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setAccessibleName(t("ui.today.form.error"))
    label.hide()
    return label


def save_cancel(dialog: QDialog, on_save, save_text: str | None = None) -> QDialogButtonBox:
    """Save (or `save_text`) and Cancel, translated; Cancel closes the dialog."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(save_text or t("ui.today.form.save"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(t("ui.today.form.cancel"))
    buttons.accepted.connect(on_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def list_table(model, name: str, multi: bool = False):
    """A read-only table of whole rows over `model`, named for screen readers."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if not multi:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def open_form(ops, form: "DialogForm", make_work, changes: set[str]) -> None:
    """Show `form`; on Save run `make_work(values)` (a function of a Session) through `ops`, close the form
    on success, keep it open with the readable error otherwise (an unexpected error also goes to ops.failed)."""
    from peerdesk.ui.operations import is_user_error

    def save(values):
        def failed(exc):
            form.show_error(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
            if not is_user_error(exc):
                ops.failed.emit(exc)

        ops.mutate(make_work(values), set(changes), lambda _r: form.finish(), failed)

    form.submitted.connect(save)
    form.open()


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
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = save_cancel(self, self._submit)
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
