"""An edit form for one record: fields, messages next to the field, Save and Cancel, conflicts.

The form never talks to the database itself: it loads and saves through
`ops.query`/`ops.mutate` with the register services. A rule the service
refuses (ValidationError with `.field`) is shown under that field and the
form keeps everything the person typed. If a colleague saved the record
first (ConflictError), the conflict banner says what they changed and offers
Reload or Re-apply — nothing is overwritten silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.field_note import message_line, with_message
from peerdesk.ui.common.date_field import DateField
from peerdesk.ui.common.saved_notice import announce
from peerdesk.ui.operations import alive
from peerdesk.ui.common.style import choice_text, error_style, icon, value_text


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text | date | int | choice | ref | bool
    choices: tuple[str, ...] = ()
    ref: str | None = None  # register whose records a "ref" field chooses from
    required: bool = False
    low: int = 0
    high: int = 100
    default: object = None
    extra: dict = dc_field(default_factory=dict)


def _load(name: str, record_id: int):
    def work(s):
        from peerdesk.services.registers import load_record

        return load_record(s, name, record_id)

    return work


def _save(name: str, record_id, values, version, original):
    def work(s):
        from peerdesk.services.registers import save_record

        return save_record(s, name, record_id, values, version, original)

    return work


def _options(names: set[str]):
    def work(s):
        from peerdesk.services.registers import options

        return {n: options(s, n) for n in names}

    return work


class ConflictBanner(QFrame):
    """What a colleague changed, and the two ways on: reload theirs, or re-apply mine on top."""

    reload_requested = Signal()
    reapply_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(t("ui.conflict.title"))
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                          | Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        self.reload_button = QPushButton(t("ui.conflict.reload"))
        self.reload_button.setAccessibleName(t("ui.conflict.reload"))
        self.reapply_button = QPushButton(t("ui.conflict.reapply"))
        self.reapply_button.setAccessibleName(t("ui.conflict.reapply"))
        self.reload_button.clicked.connect(self.reload_requested)
        self.reapply_button.clicked.connect(self.reapply_requested)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.reapply_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    def show_changes(self, changes: dict, mine: dict) -> None:
        lines = [t("ui.conflict.text")]
        for name, theirs in sorted(changes.items()):
            lines.append(t("ui.conflict.line", field=t(f"field.{name}"), theirs=value_text(name, theirs) or "–",
                           mine=value_text(name, mine.get(name)) or "–"))
        if len(lines) == 1:
            lines.append(t("ui.conflict.unknown"))
        self.text.setText("\n".join(lines))
        self.show()


class RecordForm(QWidget):
    """The edit form of one register's record."""

    saved = Signal(int)  # id of the record saved (new or changed)
    loaded = Signal(int)
    failed = Signal(str)  # a message shown (validation, conflict, access)

    def __init__(self, ops, name: str, fields: list[Field], writable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.name = name
        self.fields = {f.name: f for f in fields}
        self.writable = writable
        self.record_id: int | None = None
        self.version: int | None = None
        self.original: dict = {}
        self.conflict: dict | None = None
        self._after_save = None
        self._before_save: dict = {}
        self.describe = None  # values -> a name for the status-bar line after a save (the panel sets it)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = ConflictBanner(self)
        self.banner.reload_requested.connect(self.reload)
        self.banner.reapply_requested.connect(self.reapply)
        outer.addWidget(self.banner)
        self.general_error = QLabel()
        self.general_error.setWordWrap(True)
        self.general_error.setAccessibleName(t("ui.form.error"))
        self.general_error.setObjectName("error")
        error_style(self.general_error)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in fields:
            self._add_field(spec)
        outer.addLayout(self.form)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(icon("cancel"), t("ui.form.cancel"))
        self.cancel_button.setAccessibleName(t("ui.form.cancel"))
        self.save_button = QPushButton(icon("save"), t("ui.form.save"))
        self.save_button.setAccessibleName(t("ui.form.save"))
        self.save_button.setDefault(True)
        self.cancel_button.clicked.connect(self.cancel)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        for button in (self.save_button, self.cancel_button):
            if not writable:  # hide() only: setVisible(True) before the form is in a window would open a window
                button.hide()
        if writable:
            shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self._save_shortcut,
                                 context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setObjectName("save-shortcut")
        self.setEnabled(False)
        refs = {f.ref for f in fields if f.kind == "ref" and f.ref}
        if refs:
            self.ops.query(_options(refs), alive(self, self._fill_options), lambda exc: None)

    # ------------------------------------------------------------ building
    def _add_field(self, spec: Field) -> None:
        label_text = t(f"field.{spec.name}") + (" *" if spec.required else "")
        if spec.kind == "date":
            widget = DateField(required=spec.required)
        elif spec.kind == "int":
            widget = QSpinBox()
            widget.setRange(spec.low, spec.high)
        elif spec.kind == "choice":
            widget = QComboBox()
            for value in spec.choices:
                widget.addItem(choice_text(value), value)
        elif spec.kind == "ref":
            widget = QComboBox()
            widget.setEditable(True)
            widget.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            widget.addItem("", None)
            completer = widget.completer()
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        elif spec.kind == "bool":
            widget = QCheckBox()
        else:
            widget = QLineEdit()
        widget.setObjectName(spec.name)
        widget.setAccessibleName(t(f"field.{spec.name}"))
        if not self.writable:
            if isinstance(widget, QLineEdit):
                widget.setReadOnly(True)
            elif isinstance(widget, QSpinBox):
                widget.setReadOnly(True)
            else:
                widget.setEnabled(False)
        if isinstance(widget, (QComboBox, QSpinBox)):
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if isinstance(widget, QComboBox):
            # As wide as the form gives it, not as its longest choice: a 120-character ward name would
            # otherwise push the form, and its Save button, past the window's edge.
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(12)
        error = message_line(spec.name, t(f"field.{spec.name}"), prefix="error")
        error_style(error)
        if isinstance(widget, DateField):
            widget.attach_note(error)  # "not a date" under the field as soon as the person leaves it
        if isinstance(widget, QLineEdit) and self.writable:
            widget.returnPressed.connect(self._save_shortcut)  # Enter saves, as a dialog's default button does
        cell = with_message(widget, error)
        label = QLabel(label_text)
        label.setBuddy(widget)
        self.form.addRow(label, cell)
        self.widgets[spec.name] = widget
        self.errors[spec.name] = error

    def _fill_options(self, options: dict[str, list[tuple[int, str]]]) -> None:
        current = self.values() if self.isEnabled() else None
        for spec in self.fields.values():
            if spec.kind == "ref" and spec.ref in options:
                combo: QComboBox = self.widgets[spec.name]
                combo.blockSignals(True)
                combo.clear()
                combo.addItem("", None)
                for record_id, label in options[spec.ref]:
                    combo.addItem(label, record_id)
                combo.blockSignals(False)
        if current is not None:
            self._set_values(current)

    # ------------------------------------------------------------ values
    def _set_widget(self, name: str, value) -> None:
        spec, widget = self.fields[name], self.widgets[name]
        if spec.kind == "int":
            widget.setValue(int(value) if value is not None else (spec.default or 0))
        elif spec.kind in ("choice", "ref"):
            index = widget.findData(value)
            if index < 0 and spec.kind == "ref" and value is not None:
                widget.addItem(f"#{value}", value)
                index = widget.count() - 1
            widget.setCurrentIndex(max(index, 0))
        elif spec.kind == "bool":
            widget.setChecked(bool(value))
        else:
            widget.setText("" if value is None else str(value))

    def _get_widget(self, name: str):
        spec, widget = self.fields[name], self.widgets[name]
        if spec.kind == "int":
            return widget.value()
        if spec.kind == "choice":
            return widget.currentData()
        if spec.kind == "ref":
            text = widget.currentText()
            if not text:
                return None
            index = widget.findText(text)
            return widget.itemData(index) if index >= 0 else None
        if spec.kind == "bool":
            return widget.isChecked()
        if isinstance(widget, DateField):
            try:
                day = widget.date()
            except ValueError:
                return widget.text().strip()  # kept as typed; check() stops the save
            return None if day is None else day.isoformat()
        text = widget.text().strip()
        return text or None

    def _set_values(self, values: dict) -> None:
        for name in self.fields:
            self._set_widget(name, values.get(name, self.fields[name].default))

    def values(self) -> dict:
        return {name: self._get_widget(name) for name in self.fields}

    def value(self, name: str):
        return self._get_widget(name)

    def is_dirty(self) -> bool:
        if not self.isEnabled() or not self.writable:
            return False
        return self.changes() != {}

    def changes(self) -> dict:
        now = self.values()
        return {k: v for k, v in now.items() if v != self.original.get(k, self.fields[k].default)}

    # ------------------------------------------------------------ open / new
    def open(self, record_id: int) -> None:
        self.ops.query(_load(self.name, record_id), alive(self, self._show_record), alive(self, self._show_error))

    def reload(self) -> None:
        if self.record_id is not None:
            self.open(self.record_id)

    def _show_record(self, record) -> None:
        self.record_id, self.version = record.id, record.version
        self.original = {k: record.values.get(k) for k in self.fields}
        self.conflict = None
        self.banner.hide()
        self.clear_errors()
        self._set_values(self.original)
        self.setEnabled(True)
        self.loaded.emit(record.id)

    def new(self, defaults: dict | None = None) -> None:
        self.record_id, self.version, self.conflict = None, None, None
        self.original = {k: f.default for k, f in self.fields.items()}
        self.banner.hide()
        self.clear_errors()
        self._set_values(self.original)
        for name, value in (defaults or {}).items():
            if name in self.fields:
                self._set_widget(name, value)
        self.setEnabled(True)
        first = next(iter(self.widgets.values()), None)
        if first is not None:
            first.setFocus()

    def clear(self) -> None:
        self.record_id, self.version, self.original = None, None, {}
        self.clear_errors()
        self.banner.hide()
        self.setEnabled(False)

    # ------------------------------------------------------------ save / cancel
    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.general_error.hide()

    def check(self) -> QWidget | None:
        """Name every problem the form can see itself (a required field empty, a text that is not a
        date) under its field; the first field in trouble, None when the form may be sent."""
        first = None
        for name, spec in self.fields.items():
            widget = self.widgets[name]
            if isinstance(widget, DateField):
                ok = widget.check()
            elif spec.required and self._get_widget(name) in (None, ""):
                self.errors[name].setText(t("error.required", field=t(f"field.{name}")))
                self.errors[name].show()
                ok = False
            else:
                ok = True
            if not ok and first is None:
                first = widget
        return first

    def _save_shortcut(self) -> None:
        if self.isEnabled() and self.writable and self.save_button.isEnabled():
            self.save()

    def save(self, after=None) -> None:
        if not self.writable:
            return
        self.clear_errors()
        bad = self.check()
        if bad is not None:
            bad.setFocus(Qt.FocusReason.OtherFocusReason)
            self.failed.emit(next(label.text() for label in self.errors.values() if not label.isHidden()))
            return
        self._after_save = after
        self._before_save = dict(self.original) if self.record_id is not None else {}
        values = self.values() if self.record_id is None else self.changes()
        if self.record_id is not None and not values:
            self._saved_done(None)
            return
        if self.record_id is None:
            values = {k: v for k, v in values.items() if v is not None}
        self.save_button.setEnabled(False)
        self.ops.mutate(_save(self.name, self.record_id, values, self.version, dict(self.original)), {self.name},
                        alive(self, self._saved_done), alive(self, self._show_error))

    def _saved_done(self, record) -> None:
        self.save_button.setEnabled(True)
        if record is not None:
            self.record_id, self.version = record.id, record.version
            self.original = {k: record.values.get(k) for k in self.fields}
            self._set_values(self.original)
        self.banner.hide()
        self.conflict = None
        after, self._after_save = self._after_save, None
        if record is not None:
            self._announce(record)
        if self.record_id is not None:
            self.saved.emit(self.record_id)
        if after:
            after()

    def _show_error(self, exc: BaseException) -> None:
        from peerdesk.errors import ConflictError, PeerDeskError, ValidationError

        self.save_button.setEnabled(True)
        self._after_save = None
        if isinstance(exc, ConflictError):
            self.conflict = exc.changes
            self.banner.show_changes(exc.changes, self.values())
            self.failed.emit(exc.message)
            return
        if isinstance(exc, ValidationError) and exc.field in self.errors:
            label = self.errors[exc.field]
            label.setText(exc.message)
            label.show()
            self.widgets[exc.field].setFocus()
            self.failed.emit(exc.message)
            return
        if isinstance(exc, PeerDeskError):
            message = exc.message
        else:
            from peerdesk.crashlog import record

            message = t("error.unexpected", ref=record(exc))
        self.general_error.setText(message)
        self.general_error.show()
        self.failed.emit(message)

    def _what(self, values: dict) -> str:
        name = self.describe(values) if self.describe else ""
        return name or t("ui.detail.title")

    def _announce(self, record) -> None:
        """'Saved: …' in the status bar; Undo puts back the values the change replaced (a new record has
        no Undo here: taking it away again is a deletion, which registers do not offer)."""
        before, self._before_save = self._before_save, {}
        changed = {k: before.get(k) for k in self.fields if k in before and before.get(k) != self.original.get(k)}
        what = self._what(self.original)
        undo = None
        if changed:
            record_id, version, after = record.id, record.version, dict(self.original)

            def undo() -> None:
                self.ops.mutate(_save(self.name, record_id, changed, version, after), {self.name},
                                alive(self, lambda r: self._undone(r, what)),
                                alive(self, lambda exc: announce(self, t("ui.form.undo_failed", reason=getattr(exc, "message", "")))))
        announce(self, t("ui.form.saved", what=what), undo)

    def _undone(self, record, what: str) -> None:
        if self.record_id == record.id:
            self.version = record.version
            self.original = {k: record.values.get(k) for k in self.fields}
            self._set_values(self.original)
            self.saved.emit(record.id)
        announce(self, t("ui.form.undone", what=what))

    def reapply(self) -> None:
        """Take the colleague's version as the new base and save my changes on top of it."""
        mine = self.changes()

        def got(record) -> None:
            self.version = record.version
            self.original = {k: record.values.get(k) for k in self.fields}
            self._set_values(self.original)  # theirs everywhere, then mine where I changed something
            for name, value in mine.items():
                self._set_widget(name, value)
            self.banner.hide()
            self.conflict = None
            self.save()

        if self.record_id is not None:
            self.ops.query(_load(self.name, self.record_id), alive(self, got), alive(self, self._show_error))

    def cancel(self) -> None:
        """Back to the values as loaded (or as a new record starts)."""
        self.clear_errors()
        self._set_values(self.original)

    def confirm_leave(self, proceed) -> None:
        """Ask before throwing away unsaved changes; `proceed()` runs once it is safe to move on."""
        if not self.is_dirty():
            proceed()
            return
        Button = QMessageBox.StandardButton
        answer = QMessageBox.question(self, t("ui.form.unsaved_title"), t("ui.form.unsaved_text"),
                                      Button.Save | Button.Discard | Button.Cancel, Button.Save)
        if answer == Button.Save:
            self.save(after=proceed)
        elif answer == Button.Discard:
            self.cancel()
            proceed()
