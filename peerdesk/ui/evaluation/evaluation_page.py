"""The evaluator's page: pick a round; enter questionnaires, review quotes, build the report."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t
from peerdesk.ui.common.printing import ask_pdf_path, file_name, preview_pdf
from peerdesk.ui.evaluation.entry_grid import EntryGrid
from peerdesk.ui.evaluation.interviews_panel import InterviewsPanel
from peerdesk.ui.evaluation.logistics_panel import LogisticsPanel
from peerdesk.ui.evaluation.quotes_panel import QuotesPanel
from peerdesk.ui.evaluation.rounds_panel import RoundsPanel


class _PdfWorker(QObject):
    """Builds the PDF from already-gathered plain data, off the GUI thread, with progress and cancel."""

    progress = Signal(int)
    finished = Signal(object)  # pages, or an exception

    def __init__(self, data, out) -> None:
        super().__init__()
        self.data, self.out, self.cancel = data, out, False

    def run(self) -> None:
        from peerdesk.reports.round_report import build

        try:  # into the private temporary file; renamed into place when the report run is recorded
            with self.out.writing() as temp:
                pages = build(self.data, str(temp), self.progress.emit, lambda: self.cancel)
            self.finished.emit(pages)
        except Exception as exc:  # Cancelled too: reported back, the temporary file removed
            self.finished.emit(exc)


class EvaluationPage(QWidget):
    loaded = Signal()
    report_opened = Signal(str)
    # The render worker's result, delivered through a signal of this page so that it arrives on the GUI
    # thread: a lambda connected straight to the worker's signal ran in the worker's thread (it has no
    # receiver to queue for), and building the preview window there crashed the process now and then.
    _render_finished = Signal(object, str)

    def __init__(self, parent: QWidget | None = None, ops=None) -> None:
        super().__init__(parent)
        self.setObjectName("area-evaluation")
        self._render_finished.connect(self._rendered)
        self.ops = ops
        self.rounds = []
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(t("ui.eval.round")))
        self.round_box = QComboBox()
        self.round_box.setAccessibleName(t("ui.eval.round"))
        top.addWidget(self.round_box, 1)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.entry = EntryGrid()
        self.quotes = QuotesPanel()
        # A questionnaire saved or imported may bring comments: the quotes tab lists them as candidates.
        self.entry.changed.connect(lambda: self.quotes.load(self.ops, self.round.id))
        self.rounds_panel = RoundsPanel()
        self.rounds_panel.changed.connect(lambda: self.attach(self.ops))
        self.interviews = InterviewsPanel()
        self.logistics = LogisticsPanel()
        self.rounds_panel.interview_logged.connect(lambda: self.interviews.reload())
        report = QWidget()
        rl = QVBoxLayout(report)
        self.section_title = QLineEdit(t("ui.eval.section_default"))
        self.section_title.setAccessibleName(t("ui.eval.section_title"))
        self.section_body = QPlainTextEdit()
        self.section_body.setAccessibleName(t("ui.eval.section_body"))
        self.section_place = QComboBox()  # where the section prints: before the results (introduction, method) or after
        self.section_place.addItem(t("ui.eval.section_after"), "after")
        self.section_place.addItem(t("ui.eval.section_before"), "before")
        self.section_place.setAccessibleName(t("ui.eval.section_place"))
        self.report_lang = QComboBox()
        self.report_lang.addItem("Svenska", "sv")
        self.report_lang.addItem("English", "en")
        self.report_lang.setAccessibleName(t("cli.lang.help"))
        self.build_button = QPushButton(t("ui.eval.build"))
        self.report_status = QLabel()
        self.report_status.setWordWrap(True)
        # Publishing: the round's edition ("Draft" / "Version 2, published …") and the button that freezes it.
        self.edition = QLabel()
        self.edition.setAccessibleName(t("ui.eval.edition"))
        self.publish_button = QPushButton(t("ui.eval.publish"))
        self.publish_button.setToolTip(t("ui.eval.publish_tip"))
        buttons = QHBoxLayout()
        for w in (self.build_button, self.publish_button):
            buttons.addWidget(w)
        buttons.addWidget(self.edition, 1)
        for w in (QLabel(t("ui.eval.section_title")), self.section_title, QLabel(t("ui.eval.section_body")), self.section_body,
                  QLabel(t("ui.eval.section_place")), self.section_place, self.report_lang):
            rl.addWidget(w)
        rl.addLayout(buttons)
        rl.addWidget(self.report_status)
        self.tabs.addTab(self.entry, t("ui.eval.tab.entry"))
        self.tabs.addTab(self.quotes, t("ui.eval.tab.quotes"))
        self.tabs.addTab(report, t("ui.eval.tab.report"))
        self.tabs.addTab(self.rounds_panel, t("ui.eval.tab.rounds"))
        self.tabs.addTab(self.interviews, t("ui.eval.tab.interviews"))
        self.tabs.addTab(self.logistics, t("ui.eval.tab.logistics"))
        layout.addWidget(self.tabs)
        self.round_box.currentIndexChanged.connect(self._round_chosen)
        self.build_button.clicked.connect(self.build_report)
        self.publish_button.clicked.connect(self.publish)
        self._thread = None

    def start(self) -> None:
        """Called by the main window once the page is in place."""
        self.attach(self.ops)

    def attach(self, ops) -> None:
        from peerdesk.services.evaluation import rounds

        self.ops = ops
        ops.query(rounds, self._fill_rounds)

    def _fill_rounds(self, rounds) -> None:
        self.rounds = rounds
        self.round_box.blockSignals(True)
        self.round_box.clear()
        for r in rounds:
            self.round_box.addItem(t("ui.eval.round_item", number=r.number, period=r.period, status=t(f"ui.eval.round_status.{r.status}")), r.id)
        if rounds:
            self.round_box.setCurrentIndex(len(rounds) - 1)  # the latest round, loaded once below
        self.round_box.blockSignals(False)
        if rounds:
            self._round_chosen()

    @property
    def round(self):
        return self.rounds[self.round_box.currentIndex()]

    def _round_chosen(self) -> None:
        from peerdesk.services.evaluation import instrument_defs, round_workplaces

        rid, info = self.round.id, self.round
        next_number = max(r.number for r in self.rounds) + 1
        from peerdesk.services.publication import list_publications

        number = info.number
        self.ops.query(lambda s: (instrument_defs(s, rid), round_workplaces(s, rid), list_publications(s, number)),
                       lambda r: (self.entry.load(self.ops, rid, *r[:2]), self.quotes.load(self.ops, rid), self._show_edition(r[2]),
                                  self.rounds_panel.load(self.ops, info, next_number), self.interviews.load(self.ops, rid),
                                  self.logistics.load(self.ops, rid), self.loaded.emit()))

    def _show_edition(self, publications) -> None:
        from peerdesk.i18n import format_date, local_time

        if not publications:
            self.edition.setText(t("ui.eval.edition_draft"))
            return
        newest = publications[-1]
        self.edition.setText(t("report.version", version=newest.version, date=format_date(local_time(newest.published_at).date())))

    def publish(self) -> None:
        """Freeze this round's report as a new version, after saying what that means."""
        number, rid = self.round.number, self.round.id
        answer = QMessageBox.question(self, t("ui.eval.publish"), t("ui.eval.publish_confirm", round=number),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        from peerdesk.services import publication, round_report

        title, body = self.section_title.text().strip(), self.section_body.toPlainText().strip()
        placement = self.section_place.currentData()

        def work(s):
            if title and body:
                round_report.save_section(s, rid, title, body, placement=placement)
            publication.publish(s, number)
            return publication.list_publications(s, number)

        def done(publications) -> None:
            self._show_edition(publications)
            newest = publications[-1]
            self.report_status.setText(t("ui.eval.published", round=number, version=newest.version))
            self.publish_button.setEnabled(True)

        self.publish_button.setEnabled(False)
        self.report_status.setText(t("ui.eval.publishing"))
        self.ops.mutate(work, {"reports"}, done, self._failed)

    def build_report(self) -> None:
        import datetime as dt

        path = ask_pdf_path(self, t("ui.eval.build"), file_name(t("file.round_report", number=self.round.number), dt.date.today().isoformat()))
        if not path:
            return
        from peerdesk.services import round_report

        number, rid, lang = self.round.number, self.round.id, self.report_lang.currentData()
        title, body = self.section_title.text().strip(), self.section_body.toPlainText().strip()
        placement = self.section_place.currentData()

        def gather(s):
            if title and body:
                round_report.save_section(s, rid, title, body, placement=placement)
            return round_report.gather(s, number, lang=lang)

        self.build_button.setEnabled(False)
        self.report_status.setText(t("ui.eval.building"))
        self.ops.mutate(gather, {"reports"}, lambda data: self._render(data, path), self._failed)

    def _render(self, data, path: str) -> None:
        from peerdesk.storage.safe_output import PendingOutput

        try:
            out = PendingOutput(path)  # a private temporary file beside `path` (storage/safe_output.py)
        except PeerDeskError as exc:
            self._failed(exc)
            return
        self._output = (data, out)
        self.progress = QProgressDialog(t("ui.eval.building"), t("ui.eval.cancel"), 0, 100, self)
        self.progress.setMinimumDuration(500)  # only if it takes a while
        worker = _PdfWorker(data, out)
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress.setValue)
        self.progress.canceled.connect(lambda: setattr(worker, "cancel", True))
        worker.finished.connect(lambda result: self._render_finished.emit(result, path))  # queued to the GUI thread
        worker.finished.connect(thread.quit)
        thread.finished.connect(worker.deleteLater)
        self._thread, self._worker = thread, worker
        thread.start()

    def _rendered(self, result, path: str) -> None:
        self.progress.reset()
        self.build_button.setEnabled(True)
        if isinstance(result, Exception):
            self._failed(result)
            return
        from peerdesk.services import round_report
        from peerdesk.storage.safe_output import attach

        data, out = self._output

        def record(s):
            # The run and its consents are recorded only with the file: it is renamed into place when
            # this commits, so a later withdrawal lists exactly the reports that exist.
            attach(s, out)
            round_report.record_produced(s, data, os.path.basename(path))
            return result

        self.ops.mutate(record, {"reports"}, lambda pages: self._produced(pages, path), self._failed)

    def _produced(self, result, path: str) -> None:
        self.report_status.setText(t("cli.report.done", path=path, n=result))
        # Shown in the app, with Print… and Save as PDF…: no external viewer needed.
        self.preview = preview_pdf(self, path, t("ui.eval.build"), os.path.basename(path))
        self.report_opened.emit(path)

    def _failed(self, exc) -> None:
        self.publish_button.setEnabled(True)
        self.build_button.setEnabled(True)
        from peerdesk.reports.common import Cancelled

        if isinstance(exc, Cancelled):
            self.report_status.setText(t("ui.eval.cancelled"))
        else:
            self.report_status.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.wait(30000)
