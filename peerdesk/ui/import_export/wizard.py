"""The import wizard: choose a file, map its columns to fields, see every row's problems, fix a
cell or skip the row, then import everything at once (or nothing).

Reading the file, checking the rows and importing run in the background (Operations); the check
reports progress and can be cancelled. The column mapping is remembered per kind (QSettings,
header text -> field). The rules are the service's (services/register_import.py), so the window
and `peerdesk import` judge every row the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from peerdesk.i18n import t
from peerdesk.ui.common.style import set_setting, setting_str
from peerdesk.ui.operations import alive

_FIRST = 2  # table columns before the fields: skip, row number


class _Progress(QObject):
    """Progress from the worker thread, delivered on the GUI thread; `cancelled` is read by the worker."""

    changed = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cancelled = False

    def report(self, done: int, total: int) -> bool:
        self.changed.emit(done, total)
        return not self.cancelled


def _copy_rows(rows: list) -> list:
    """The rows as the worker gets them: its own copy, while the table stays editable (the values are
    strings, so copying each row's dict is enough; deepcopy took 2 s for 20,000 rows)."""
    from peerdesk.services.register_import import ImportRow

    return [ImportRow(r.number, dict(r.values)) for r in rows]


def _mapping_key(kind: str) -> str:
    return f"import/mapping/{kind}"


class FilePage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("ui.import_wizard.file_title"))
        self.setSubTitle(t("ui.import_wizard.file_help"))
        form = QFormLayout(self)
        from peerdesk.services.register_import import KINDS

        self.kind = QComboBox()
        self.kind.setAccessibleName(t("ui.import_wizard.kind"))
        for kind in KINDS:
            self.kind.addItem(t(f"kind.{kind}"), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(wizard.kind)))
        self.kind.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
        form.addRow(t("ui.import_wizard.kind"), self.kind)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setAccessibleName(t("ui.import_wizard.file"))
        row.addWidget(self.path, 1)
        self.choose = QPushButton(t("ui.import_wizard.choose"))
        self.choose.clicked.connect(self.choose_file)
        row.addWidget(self.choose)
        form.addRow(t("ui.import_wizard.file"), row)
        self.info = QLabel()
        self.info.setWordWrap(True)
        form.addRow(self.info)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, t("ui.import_wizard.choose"), "", t("ui.import_wizard.file_filter"))
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        self.path.setText(path)
        self.w.sheet = None
        self.info.setText(t("ui.import_wizard.reading"))
        self.completeChanged.emit()

        def work():
            from peerdesk.services.tabular import read_sheet

            return read_sheet(Path(path))

        self.w.ops.run(work, alive(self, self._loaded), alive(self, self._failed))

    def _loaded(self, sheet) -> None:
        self.w.sheet = sheet
        self.info.setText(t("ui.import_wizard.read", rows_text=t("count.rows", n=len(sheet.rows)), columns_text=t("count.columns", n=len(sheet.header))))
        self.completeChanged.emit()
        self.w.sheet_loaded.emit()

    def _failed(self, exc) -> None:
        self.info.setText(t("ui.import_wizard.unreadable"))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.sheet is not None and bool(self.w.sheet.header)

    def validatePage(self) -> bool:
        self.w.kind = self.kind.currentData()
        return True


class MapPage(QWizardPage):
    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("ui.import_wizard.map_title"))
        self.setSubTitle(t("ui.import_wizard.map_help"))
        self.form = QFormLayout(self)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        from peerdesk.services.register_import import SPECS, guess_mapping

        while self.form.rowCount():
            self.form.removeRow(0)
        self.combos = []
        sheet, kind = self.w.sheet, self.w.kind
        remembered = {}
        try:
            remembered = json.loads(setting_str(_mapping_key(kind), "{}") or "{}")
        except ValueError:
            pass
        guess = guess_mapping(kind, sheet.header, remembered)
        sample = sheet.rows[0][1] if sheet.rows else []
        spec = SPECS[kind]
        for i, header in enumerate(sheet.header):
            combo = QComboBox()
            combo.addItem(t("ui.import_wizard.not_imported"), None)
            for f in spec.fields:
                combo.addItem(t(f"field.{f}") + (" *" if f in spec.required else ""), f)
            combo.setCurrentIndex(max(0, combo.findData(guess.get(i))))
            combo.setAccessibleName(header)
            example = sample[i] if i < len(sample) else ""
            label = QLabel(f"{header}" + (f"  ({t('ui.import_wizard.example', value=example)})" if example else ""))
            self.form.addRow(label, combo)
            self.combos.append(combo)

    def mapping(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for i, combo in enumerate(self.combos):
            f = combo.currentData()
            if f and f not in out.values():
                out[i] = f
        return out

    def validatePage(self) -> bool:
        mapping = self.mapping()
        self.w.mapping = mapping
        set_setting(_mapping_key(self.w.kind), json.dumps({self.w.sheet.header[i]: f for i, f in mapping.items()}))
        return True


class PreviewPage(QWizardPage):
    checked = Signal()

    def __init__(self, wizard: "ImportWizard") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(t("ui.import_wizard.preview_title"))
        self.setSubTitle(t("ui.import_wizard.preview_help"))
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(t("ui.import_wizard.summary"))
        layout.addWidget(self.summary)
        bar = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        bar.addWidget(self.progress, 1)
        self.cancel_check = QPushButton(t("ui.import_wizard.cancel_check"))
        self.cancel_check.setVisible(False)
        self.cancel_check.clicked.connect(self._cancel)
        bar.addWidget(self.cancel_check)
        self.recheck = QPushButton(t("ui.import_wizard.recheck"))
        self.recheck.clicked.connect(self.run_check)
        bar.addWidget(self.recheck)
        self.skip_bad = QPushButton(t("ui.import_wizard.skip_bad"))
        self.skip_bad.clicked.connect(self.skip_problem_rows)
        bar.addWidget(self.skip_bad)
        layout.addLayout(bar)
        self.table = QTableWidget()
        self.table.setAccessibleName(t("ui.import_wizard.rows"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setResizeContentsPrecision(500)  # fit columns to the first rows, not 200,000
        layout.addWidget(self.table, 1)
        self.rows = []
        self.skip: set[int] = set()
        self.preview = None
        self._filling = False
        self._progress: _Progress | None = None
        self.table.itemChanged.connect(self._edited)

    def initializePage(self) -> None:
        from peerdesk.services.register_import import rows_from_sheet

        self.rows = rows_from_sheet(self.w.sheet, self.w.mapping)
        self.skip = set()
        self.fields = [f for _i, f in sorted(self.w.mapping.items())]
        self._fill()
        self.run_check()

    def _fill(self) -> None:
        self._filling = True
        headers = [t("ui.import_wizard.skip"), t("ui.import_wizard.row")] + [t(f"field.{f}") for f in self.fields] + [
            t("ui.import_wizard.result")]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            skip = QTableWidgetItem()
            skip.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            skip.setCheckState(Qt.CheckState.Checked if row.number in self.skip else Qt.CheckState.Unchecked)
            self.table.setItem(r, 0, skip)
            number = QTableWidgetItem(str(row.number))
            number.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, 1, number)
            for c, f in enumerate(self.fields, start=_FIRST):
                self.table.setItem(r, c, QTableWidgetItem(row.values.get(f, "")))
            result = QTableWidgetItem("")
            result.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(r, len(headers) - 1, result)
        self._filling = False

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        row = self.rows[item.row()]
        if item.column() == 0:
            if item.checkState() == Qt.CheckState.Checked:
                self.skip.add(row.number)
            else:
                self.skip.discard(row.number)
        elif item.column() >= _FIRST and item.column() - _FIRST < len(self.fields):
            row.values[self.fields[item.column() - _FIRST]] = item.text().strip()
        self.preview = None  # the rows changed: check again before importing
        self.completeChanged.emit()
        self.summary.setText(t("ui.import_wizard.changed"))

    def run_check(self) -> None:
        kind, rows, skip = self.w.kind, _copy_rows(self.rows), set(self.skip)
        progress = _Progress(self)
        self._progress = progress
        progress.changed.connect(self._show_progress)
        self.progress.setRange(0, max(1, len(rows)))
        self.progress.setValue(0)
        self.progress.setVisible(len(rows) > 50)
        self.cancel_check.setVisible(len(rows) > 50)
        self.recheck.setEnabled(False)
        self.summary.setText(t("ui.import_wizard.checking"))

        def work(s):
            from peerdesk.services.register_import import preview

            return preview(s, kind, rows, skip=skip, progress=progress.report)

        self.w.ops.query(work, alive(self, self._checked), alive(self, self._check_failed))

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(1, total))
        self.progress.setValue(done)

    def _cancel(self) -> None:
        if self._progress is not None:
            self._progress.cancelled = True

    def _check_failed(self, exc) -> None:
        self._done_checking()
        from peerdesk.ui.operations import is_user_error

        self.summary.setText(str(exc) if is_user_error(exc) else t("ui.import_wizard.check_failed"))

    def _done_checking(self) -> None:
        self.progress.setVisible(False)
        self.cancel_check.setVisible(False)
        self.recheck.setEnabled(True)

    def _checked(self, preview) -> None:
        from peerdesk.services.register_import import NEW, PROBLEM

        self._done_checking()
        self.preview = preview
        last = self.table.columnCount() - 1
        self._filling = True
        by_number = {r.number: r for r in preview.results}
        for r, row in enumerate(self.rows):
            result = by_number.get(row.number)
            item = self.table.item(r, last)
            if result is None:
                continue
            text = "; ".join(result.problems) if result.problems else t(f"ui.import.status.{result.status}")
            if result.notes:
                text = "; ".join([text, *result.notes])
            item.setText(text)
            item.setToolTip(text)
            colour = {PROBLEM: QColor(250, 215, 215), NEW: QColor(215, 240, 215)}.get(result.status)
            for c in range(self.table.columnCount()):
                cell = self.table.item(r, c)
                if cell is not None:
                    cell.setBackground(QBrush(colour) if colour else QBrush())
        self._filling = False
        self.table.resizeColumnsToContents()
        self.summary.setText(t("ui.import_wizard.counts", **preview.count_phrases()))
        self.completeChanged.emit()
        self.checked.emit()

    def problem_rows(self) -> list[int]:
        return [r.number for r in self.preview.problems] if self.preview else []

    def skip_row(self, number: int) -> None:
        for r, row in enumerate(self.rows):
            if row.number == number:
                self.table.item(r, 0).setCheckState(Qt.CheckState.Checked)

    def skip_problem_rows(self) -> None:
        for number in self.problem_rows():
            self.skip_row(number)
        self.run_check()

    def isComplete(self) -> bool:
        return self.preview is not None and self.preview.ok and not self.w.committing


class ImportWizard(QWizard):
    """Opened from a register list's Import button, for that list's kind."""

    sheet_loaded = Signal()
    imported = Signal(object)  # the service's Preview of what was imported

    def __init__(self, ops, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.kind = kind
        self.sheet = None
        self.mapping: dict[int, str] = {}
        self.committing = False
        self.setWindowTitle(t("ui.import_wizard.title"))
        self.setObjectName("import-wizard")
        self.setButtonText(QWizard.WizardButton.FinishButton, t("ui.import_wizard.import"))
        self.file_page = FilePage(self)
        self.map_page = MapPage(self)
        self.preview_page = PreviewPage(self)
        for page in (self.file_page, self.map_page, self.preview_page):
            self.addPage(page)
        self.resize(900, 600)

    def accept(self) -> None:
        """Import everything (or nothing) in the background; close when it is done."""
        if self.committing:
            return
        page = self.preview_page
        kind, rows, skip = self.kind, _copy_rows(page.rows), set(page.skip)
        self.committing = True
        page.completeChanged.emit()
        page.summary.setText(t("ui.import_wizard.importing"))

        progress = _Progress(self)
        progress.changed.connect(page._show_progress)
        page.progress.setRange(0, max(1, len(rows)))
        page.progress.setValue(0)
        page.progress.setVisible(len(rows) > 50)

        def work(s):
            from peerdesk.services.register_import import commit

            return commit(s, kind, rows, skip=skip, progress=progress.report)

        self.ops.mutate(work, {kind, "managers"} if kind == "tenures" else {kind}, alive(self, self._imported), alive(self, self._failed))

    def _imported(self, result) -> None:
        self.committing = False
        self.preview_page.progress.setVisible(False)
        self.imported.emit(result)
        super().accept()

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        self.committing = False
        page = self.preview_page
        page.progress.setVisible(False)
        page.summary.setText(str(exc) if is_user_error(exc) else t("ui.import_wizard.check_failed"))
        page.run_check()
