"""Fast keyboard-only entry of paper questionnaires: code, role, workplace, then one value per item.

Type a value and press Enter to go to the next item; a value outside the scale is refused
on the spot (the cell will not take it); a blank cell is a missing answer. Tab after a value
goes to the item's comment (the patient survey's "Beskriv" line); Enter there goes on to the
next item. An open question has only its comment. Ctrl+Return saves and clears the form for
the next questionnaire.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtCore import QRegularExpression
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import language, t

ROLES = ("peer_supporter", "staff", "manager", "patient", "client", "case_manager")


class _ValueDelegate(QStyledItemDelegate):
    """An editor that accepts only the instrument's allowed values (or nothing);
    Enter commits and moves on to the next item."""

    advance = Signal()

    def __init__(self, allowed: tuple[int, ...], parent=None) -> None:
        super().__init__(parent)
        self.allowed = allowed

    def eventFilter(self, editor, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.advance.emit()
            return True
        return super().eventFilter(editor, event)

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        pattern = "|".join(str(v) for v in self.allowed)
        editor.setValidator(QRegularExpressionValidator(QRegularExpression(f"^({pattern})?$"), editor))
        return editor


ANSWER, COMMENT, MISSING = 1, 2, 3  # the grid's columns after the item's text


class _CommentDelegate(_ValueDelegate):
    """A one-line editor for an item's written comment; Enter commits and moves on to the next item
    (the value editor's Enter, with free text instead of the allowed values)."""

    def __init__(self, parent=None) -> None:
        super().__init__((), parent)

    def createEditor(self, parent, option, index):
        from peerdesk.models.base import COMMENT_LENGTH

        editor = QLineEdit(parent)
        editor.setMaxLength(COMMENT_LENGTH)
        editor.setAccessibleName(t("ui.eval.comment"))
        return editor


class EntryGrid(QWidget):
    saved = Signal(str)  # the respondent code just saved
    changed = Signal()  # questionnaires saved or imported (their comments are quote candidates)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        self.round_id = None
        self.instrument = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.instrument_box = QComboBox()
        self.code = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"report.role.{role}"), role)
        self.workplace = QComboBox()
        for key, widget in (("ui.eval.instrument", self.instrument_box), ("field.respondent_code", self.code),
                            ("field.informant_role", self.role), ("field.workplace_id", self.workplace)):
            widget.setAccessibleName(t(key))
            form.addRow(t(key), widget)
        layout.addLayout(form)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([t("report.col.item"), t("ui.eval.answer"), t("ui.eval.comment"), t("ui.eval.missing")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(COMMENT, QHeaderView.ResizeMode.Stretch)
        comments = _CommentDelegate(self.table)
        comments.advance.connect(lambda: QTimer.singleShot(0, self._next_item))
        self.table.setItemDelegateForColumn(COMMENT, comments)
        self.table.setAccessibleName(t("ui.eval.answers"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.AllEditTriggers)
        layout.addWidget(self.table)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.save_button = QPushButton(t("ui.eval.save"))
        self.save_button.setToolTip("Ctrl+Return")
        self.import_button = QPushButton(t("ui.eval.import"))
        layout.addWidget(self.save_button)
        layout.addWidget(self.import_button)
        self.import_button.clicked.connect(self.import_file)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        self.instrument_box.currentIndexChanged.connect(self._instrument_chosen)
        self.defs = []

    def load(self, ops, round_id: int, defs, workplaces) -> None:
        self.ops, self.round_id, self.defs = ops, round_id, [d for d in defs if any(not it[2] for it in d.items)]
        self.instrument_box.blockSignals(True)
        self.instrument_box.clear()
        for d in self.defs:
            self.instrument_box.addItem(d.name[language()], d.id)
        self.instrument_box.blockSignals(False)
        self.workplace.clear()
        self.workplace.addItem("–", None)
        for wid, name in workplaces:
            self.workplace.addItem(name, wid)
        self._instrument_chosen()

    def _instrument_chosen(self) -> None:
        index = self.instrument_box.currentIndex()
        if index < 0:
            return
        self.instrument = self.defs[index]
        items = list(self.instrument.items)  # an open question too: its answer is its comment
        self.table.setRowCount(len(items))
        delegate = _ValueDelegate(self.instrument.allowed, self.table)
        delegate.advance.connect(lambda: QTimer.singleShot(0, self._next_item))
        self.table.setItemDelegateForColumn(ANSWER, delegate)
        for row, (number, text, open_ended) in enumerate(items):
            label = QTableWidgetItem(f"{number}. {text[language()]}")
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            label.setData(Qt.ItemDataRole.UserRole, number)
            label.setData(Qt.ItemDataRole.UserRole + 1, open_ended)
            self.table.setItem(row, 0, label)
            value = QTableWidgetItem("")
            if open_ended:
                value.setFlags(Qt.ItemFlag.ItemIsEnabled)  # no scale: only the comment
            self.table.setItem(row, ANSWER, value)
            self.table.setItem(row, COMMENT, QTableWidgetItem(""))
            missing = QTableWidgetItem("")
            missing.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, MISSING, missing)
        self._refresh_missing()

    def _refresh_missing(self) -> None:
        from peerdesk.services.evaluation import missing_per_item

        rid, iid = self.round_id, self.instrument.id

        def show(result):
            if self.instrument is None or self.instrument.id != iid:
                return  # the counts of an instrument no longer shown
            total, missing = result
            for row in range(self.table.rowCount()):
                number = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
                self.table.item(row, MISSING).setText(f"{missing[number]} / {total}" if number in missing else "")

        self.ops.query(lambda s: missing_per_item(s, rid, iid), show)

    def _next_item(self) -> None:
        row = self.table.currentRow() + 1
        if row < self.table.rowCount():
            # the CurrentChanged trigger opens its editor: the value, or an open question's comment
            self.table.setCurrentCell(row, COMMENT if self._open(row) else ANSWER)
        else:
            self.save_button.setFocus()

    def _open(self, row: int) -> bool:
        return bool(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole + 1))

    def focus_first_item(self) -> None:
        self.table.setFocus()
        self.table.setCurrentCell(0, ANSWER)

    def open_editor(self) -> QLineEdit | None:
        """The value editor open on the current item, if any."""
        return next((w for w in self.table.viewport().findChildren(QLineEdit) if w.isVisible()), None)

    def answers(self) -> dict[int, int | None]:
        out = {}
        for row in range(self.table.rowCount()):
            if self._open(row):
                continue
            number = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            text = self.table.item(row, ANSWER).text().strip()
            out[number] = int(text) if text else None
        return out

    def comments(self) -> dict[int, str]:
        """The written comments typed beside the items (blank ones left out)."""
        out = {}
        for row in range(self.table.rowCount()):
            text = self.table.item(row, COMMENT).text().strip()
            if text:
                out[self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)] = text
        return out

    def save(self) -> None:
        from peerdesk.services.evaluation import record_response

        self.table.setCurrentCell(0, 0)  # commit an open editor
        code, role, wid = self.code.text().strip(), self.role.currentData(), self.workplace.currentData()
        answers, comments, rid, iid = self.answers(), self.comments(), self.round_id, self.instrument.id

        def done(_resp):
            self.message.setText(t("ui.eval.saved", code=code))
            self.code.clear()
            for row in range(self.table.rowCount()):
                self.table.item(row, ANSWER).setText("")
                self.table.item(row, COMMENT).setText("")
            self.code.setFocus()
            self._refresh_missing()
            self.saved.emit(code)
            self.changed.emit()

        def failed(exc):
            # The form keeps everything typed; the message says what to fix.
            self.message.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))

        self.ops.mutate(lambda s: record_response(s, rid, iid, code, role, answers, workplace_id=wid, comments=comments), {"responses"}, done, failed)

    def import_file(self) -> None:
        """Answers from a CSV/XLSX file: a preview listing every problem by row; import only if none."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from peerdesk.services import response_import

        path, _ = QFileDialog.getOpenFileName(self, t("ui.eval.import"), "", "CSV/XLSX (*.csv *.xlsx)")
        if not path:
            return
        rid, iid = self.round_id, self.instrument.id

        def check(s):
            rows = response_import.read_table(path)
            return rows, response_import.preview(s, rid, iid, rows)

        def previewed(result):
            rows, preview = result
            if not preview.ok:
                box = QMessageBox(QMessageBox.Icon.Warning, t("ui.eval.import"), t("ui.eval.import_problems", n=len(preview.problems)), parent=self)
                box.setDetailedText("\n".join(response_import.describe(preview.problems)))
                self.message.setText("\n".join(response_import.describe(preview.problems)[:5]))
                box.open()
                self.import_box = box
                return
            answer = QMessageBox.question(self, t("ui.eval.import"), t("ui.eval.import_confirm", n=len(rows)))
            if answer == QMessageBox.StandardButton.Yes:
                self.ops.mutate(lambda s: response_import.commit(s, rid, iid, rows), {"responses"},
                                lambda n: (self.message.setText(t("cli.import.done", n=n)), self._refresh_missing(), self.changed.emit()),
                                lambda exc: self.message.setText(getattr(exc, "message", t("error.cannot_save"))))

        self.ops.query(check, previewed, lambda exc: self.message.setText(getattr(exc, "message", t("error.cannot_save"))))
