"""A small dialog that only collects input: `submitted(dict)` on Save; the caller runs the
service through `ops` and then calls `finish()` or `show_error(text)`, so nothing typed is lost."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLayout, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from peerdesk.i18n import t
from peerdesk.ui.common.field_note import message_line, with_message
from peerdesk.ui.common.date_field import DateField


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
            form.show_error(str(exc) if is_user_error(exc) else t("ui.today.form.failed"), getattr(exc, "field", None))
            if not is_user_error(exc):
                ops.failed.emit(exc)

        def done(_result):
            from peerdesk.ui.common.saved_notice import announce

            form.finish()
            # A short confirmation in the window's status bar (no Undo: these records are taken back through
            # their own screens, e.g. a snoozed alert is brought back from the list of snoozed alerts).
            announce(form.parentWidget() or form, t("ui.form.saved", what=form.windowTitle()))

        ops.mutate(make_work(values), set(changes), done, failed)

    form.submitted.connect(save)
    form.open()


class DialogForm(QDialog):
    """Rows of fields, each with its own message line under it, then Save and Cancel.

    The focus starts on the first field. Enter in a one-line field saves (the platform's way), but
    only a complete form: an empty required field or a text that is not a date is named under the
    field at once and the focus goes there, nothing is sent. A date that `warn_future` is in the
    future is saved only on the second Save: the warning under the field says why. The dialog
    grows when messages appear, so no explanatory text is cut off.
    """

    submitted = Signal(dict)

    def __init__(self, title: str, context: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows with its messages
        self.context = QLabel(context)
        self.context.setWordWrap(True)
        layout.addWidget(self.context)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addLayout(self.form)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = save_cancel(self, self._submit)
        for button in self.buttons.buttons():
            button.setAutoDefault(False)  # Enter on a field saves through the default button, never Cancel
        self.save_button.setDefault(True)
        self.save_text = self.save_button.text()
        layout.addWidget(self.buttons)
        # Ctrl+Enter saves from anywhere, also from a notes field where Enter starts a new line.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._submit)
        self.busy = False
        self.fields: list[QWidget] = []  # in order, for focus and checks
        self.required: set[int] = set()
        self._field_notes: dict[int, QLabel] = {}
        self.by_name: dict[str, QWidget] = {}
        self._future_seen: dict[int, object] = {}  # date field -> the future date already warned about

    @property
    def save_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def add_row(self, label_key: str, widget: QWidget, *, required: bool = False, name: str | None = None) -> QWidget:
        text = t(label_key)
        label = QLabel(text + (" *" if required else ""))
        label.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", ""))
        note = message_line(str(name or len(self.fields)), text.replace("&", ""))
        note.setStyleSheet("color: #b00020;")
        self.form.addRow(label, with_message(widget, note))
        self.fields.append(widget)
        self._field_notes[id(widget)] = note
        if name:
            self.by_name[name] = widget
        if required:
            self.required.add(id(widget))
        if isinstance(widget, DateField):
            widget.attach_note(note)
            widget.date_changed.connect(lambda _d, w=widget: self._date_edited(w))
        return widget

    def date_field(self, label_key: str, day: dt.date | None, *, required: bool = True, warn_future: bool = False,
                   name: str | None = None) -> DateField:
        edit = DateField(day, required=required, warn_future=warn_future)
        return self.add_row(label_key, edit, required=required, name=name)

    def _label_text(self, widget: QWidget) -> str:
        label = self.form.labelForField(widget.parentWidget())
        return label.text().removesuffix(" *").replace("&", "") if label is not None else ""

    def note_for(self, widget: QWidget) -> QLabel:
        return self._field_notes[id(widget)]

    def values(self) -> dict:
        raise NotImplementedError

    # ------------------------------------------------------------ focus
    def showEvent(self, event) -> None:
        super().showEvent(event)
        focused = self.focusWidget()
        if self.fields and (focused is None or focused in self.buttons.buttons()):
            self.fields[0].setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ checks
    def _date_edited(self, field: DateField) -> None:
        if self._future_seen.get(id(field), None) is not None:
            self._future_seen.pop(id(field), None)
        self._reset_save_text()

    def _reset_save_text(self) -> None:
        if not any(self._future_seen.values()):
            self.save_button.setText(self.save_text)

    def _empty(self, widget: QWidget) -> bool:
        if isinstance(widget, DateField):
            return False  # its own check names an empty required date
        if isinstance(widget, QLineEdit):
            return not widget.text().strip()
        if isinstance(widget, QPlainTextEdit):
            return not widget.toPlainText().strip()
        if isinstance(widget, QComboBox):
            return widget.currentData() is None and not widget.currentText().strip()
        return False

    def check(self) -> QWidget | None:
        """Name every problem under its field; the first field in trouble (None when all is well)."""
        first = None
        for widget in self.fields:
            note = self.note_for(widget)
            if not widget.isEnabled():  # e.g. the end date of a permanent contract: not asked for
                note.hide()
                ok = True
            elif isinstance(widget, DateField):
                ok = widget.check()
            elif id(widget) in self.required and self._empty(widget):
                note.setStyleSheet("color: #b00020;")
                note.setText(t("error.required", field=self._label_text(widget)))
                note.show()
                ok = False
            else:
                note.hide()
                ok = True
            if not ok and first is None:
                first = widget
        return first

    def _future_unconfirmed(self) -> QWidget | None:
        """The first date in the future that the person has not yet seen the warning for (shown now)."""
        first = None
        for widget in self.fields:
            if isinstance(widget, DateField) and widget.warn_future and widget.is_future():
                day = widget.date()
                if self._future_seen.get(id(widget)) != day:
                    self._future_seen[id(widget)] = day
                    widget.check()  # the warning line under the field
                    first = first or widget
        if first is not None:
            self.save_button.setText(t("ui.form.save_anyway"))
        return first

    def _submit(self) -> None:
        if self.busy:
            return
        self.error.hide()
        bad = self.check()
        if bad is None:
            bad = self._future_unconfirmed()
        if bad is not None:
            self._grow()
            bad.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self.submitted.emit(self.values())

    def show_error(self, text: str, field: str | None = None) -> None:
        """The service said no: under the field it names (else above the buttons), focus on that field."""
        self.busy = False
        self.save_button.setEnabled(True)
        widget = self.by_name.get(field) if field else None
        if widget is not None:
            note = self.note_for(widget)
            note.setStyleSheet("color: #b00020;")
            note.setText(text)
            note.show()
        else:
            self.error.setText(text)
            self.error.show()
        self._grow()
        target = widget or (self.fields[0] if self.fields else None)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _grow(self) -> None:
        """Tall enough for every message at the current width (word-wrapped labels need heightForWidth)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def finish(self) -> None:
        self.busy = False
        self.accept()
