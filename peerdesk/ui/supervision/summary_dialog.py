"""The supervision summary PDF for a period: dates, counts and overdue spans, never notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField, with_note
from peerdesk.ui.common.printing import ask_pdf_path, file_name, last_folder, preview_pdf
from peerdesk.ui.operations import alive, is_user_error


class SummaryDialog(QDialog):
    def __init__(self, ops, today: dt.date, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(t("ui.supervision.summary.title"))
        self.setAccessibleName(t("ui.supervision.summary.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.supervision.summary.text"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.start = DateField(dt.date(today.year, 1, 1), required=True)
        self.end = DateField(today, required=True)
        form.addRow(t("ui.supervision.summary.from"), with_note(self.start))
        form.addRow(t("ui.supervision.summary.to"), with_note(self.end))
        self.codes = QCheckBox(t("ui.supervision.summary.codes"))
        form.addRow("", self.codes)
        self.path = QLineEdit(str(last_folder() / file_name(t("ui.supervision.summary.file"), today.isoformat())))
        browse = QPushButton(t("ui.supervision.summary.browse"))
        browse.clicked.connect(self._browse)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(browse)
        form.addRow(t("ui.supervision.summary.path"), row)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(t("ui.supervision.summary.make"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("ui.supervision.summary.close"))
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.written: Path | None = None

    def _browse(self) -> None:
        path = ask_pdf_path(self, t("ui.supervision.summary.title"), Path(self.path.text()).name)
        if path:
            self.path.setText(path)

    def make(self) -> None:
        from peerdesk.services import supervision_summary

        for edit in (self.start, self.end):
            if not edit.check():
                edit.setFocus()
                return
        start, end, names = self.start.date(), self.end.date(), not self.codes.isChecked()
        path = self.path.text().strip()
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(False)
        self.status.setText(t("ui.supervision.summary.working"))

        def failed(exc):
            save.setEnabled(True)
            self.status.setText(str(exc) if is_user_error(exc) else t("ui.supervision.summary.failed"))
            if not is_user_error(exc):
                self.ops.failed.emit(exc)

        def done(pages, people):
            save.setEnabled(True)
            self.written = Path(path)
            self.status.setText(t("ui.supervision.summary.done", path=path, pages_text=t("count.pages", n=pages), people_text=t("count.peer_supporters", n=people)))
            # Shown in the app, with Print… and Save as PDF…: no external viewer needed.
            self.preview = preview_pdf(self, path, t("ui.supervision.summary.title"), Path(path).name)

        def work(s):
            # A write: the summary is recorded in the audit trail, in the same unit of work that writes
            # the file (storage/safe_output.py): the PDF is renamed into place only once the entry is committed.
            from peerdesk.reports.supervision_summary import build as build_pdf
            from peerdesk.storage.safe_output import session_output

            data = supervision_summary.gather(s, start, end, names=names)
            out = session_output(s, path)
            with out.writing() as temp:
                return build_pdf(data, str(temp)), len(data.people)

        self.ops.mutate(work, {"audit"}, alive(self, lambda result: done(*result)), alive(self, failed))
