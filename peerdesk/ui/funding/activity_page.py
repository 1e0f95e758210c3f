"""The activity report in the window: a period, a scope (the whole office, a grant or a region), the figures on
screen — counts only, small counts as "< k" — and Preview, Print, Save as PDF and Save as XLSX. The figures are
gathered by services/activity_report.py on the worker; the files are written by the same service the command
line uses (audited, all or nothing)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import language, t
from peerdesk.ui.common.date_field import DateField, with_note
from peerdesk.ui.common.printing import ask_pdf_path, discard, file_name, last_folder, preview_pdf, print_pdf, private_pdf_path
from peerdesk.ui.operations import alive, is_user_error

SCOPES = ("office", "grant", "region")


class ActivityReportPage(QWidget):
    shown = Signal()  # the figures are on screen
    saved = Signal(str)  # a file was written

    def __init__(self, ops, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.report = None
        self.choices = None
        today = today or dt.date.today()
        layout = QVBoxLayout(self)
        self.intro = QLabel(t("ui.funding.activity.intro"))
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.start_field = DateField(dt.date(today.year, 1, 1), required=True)
        self.end_field = DateField(today, required=True)
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(with_note(self.start_field))
        row.addWidget(QLabel("–"))
        row.addWidget(with_note(self.end_field))
        row.addStretch(1)
        form.addRow(t("ui.funding.activity.period"), period)
        self.scope = QComboBox()
        for kind in SCOPES:
            self.scope.addItem(t(f"ui.funding.activity.scope.{kind}"), kind)
        self.scope.setAccessibleName(t("ui.funding.activity.scope"))
        self.which = QComboBox()
        self.which.setAccessibleName(t("ui.funding.activity.which"))
        self.which.setMinimumContentsLength(24)
        self.which.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        scope_row = QWidget()
        srow = QHBoxLayout(scope_row)
        srow.setContentsMargins(0, 0, 0, 0)
        srow.addWidget(self.scope)
        srow.addWidget(self.which, 1)
        form.addRow(t("ui.funding.activity.scope"), scope_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.show_button = QPushButton(t("ui.funding.activity.show"))
        self.preview_button = QPushButton(t("ui.funding.activity.preview"))
        self.print_button = QPushButton(t("ui.funding.activity.print"))
        self.pdf_button = QPushButton(t("ui.funding.activity.save_pdf"))
        self.xlsx_button = QPushButton(t("ui.funding.activity.save_xlsx"))
        for b in (self.show_button, self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.figures = QTreeWidget()
        self.figures.setColumnCount(4)
        self.figures.setHeaderHidden(True)
        self.figures.setRootIsDecorated(False)
        self.figures.setAccessibleName(t("ui.funding.activity.figures"))
        header = self.figures.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # The figures, and beside them (a tab, to fit 1024x640) the PDF's charts per month.
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.figures, t("ui.funding.activity.tab_figures"))
        self.charts = QScrollArea()
        self.charts.setWidgetResizable(True)
        self.charts.setAccessibleName(t("ui.funding.activity.tab_charts"))
        self.views.addTab(self.charts, t("ui.funding.activity.tab_charts"))
        layout.addWidget(self.views, 1)
        self.scope.currentIndexChanged.connect(self._fill_which)
        self.show_button.clicked.connect(self.show_figures)
        self.preview_button.clicked.connect(lambda: self._pdf("preview"))
        self.print_button.clicked.connect(lambda: self._pdf("print"))
        self.pdf_button.clicked.connect(lambda: self._pdf("save"))
        self.xlsx_button.clicked.connect(self.save_xlsx)
        self._fill_which()
        self._enable()

    # ------------------------------------------------------------ data
    def start(self) -> None:
        from peerdesk.services.activity_report import scope_choices

        self.ops.query(scope_choices, alive(self, self._choices), alive(self, self._failed))

    def _choices(self, choices) -> None:
        self.choices = choices
        self._fill_which()

    def _fill_which(self) -> None:
        kind = self.scope.currentData()
        self.which.clear()
        if kind == "grant" and self.choices:
            for gid, label in self.choices.grants:
                self.which.addItem(label, gid)
        elif kind == "region" and self.choices:
            for region in self.choices.regions:
                self.which.addItem(region, region)
        self.which.setEnabled(kind != "office" and self.which.count() > 0)
        if kind != "office" and self.which.count() == 0:
            self.which.addItem(t(f"ui.funding.activity.none.{kind}"), None)

    def _request(self) -> dict | None:
        for edit in (self.start_field, self.end_field):
            if not edit.check():
                edit.setFocus()
                return None
        kw = {"start": self.start_field.date(), "end": self.end_field.date()}
        kind = self.scope.currentData()
        if kind != "office" and self.which.currentData() is None:
            self.status.setText(t(f"ui.funding.activity.none.{kind}"))
            self.which.setFocus()
            return None
        if kind == "grant":
            kw["grant_id"] = self.which.currentData()
        elif kind == "region":
            kw["region"] = self.which.currentData()
        return kw

    def show_figures(self) -> None:
        from peerdesk.services.activity_report import gather_activity

        kw = self._request()
        if kw is None:
            return
        self.status.setText(t("ui.funding.activity.working"))
        self.show_button.setEnabled(False)
        self.ops.query(lambda s: gather_activity(s, **kw), alive(self, self._shown), alive(self, self._failed))

    def _shown(self, report) -> None:
        self.report = report
        self._fill_figures(report)
        self.status.setText(t("ui.funding.activity.shown", scope=report.scope_text(), period=report.period_text()))
        self._enable()
        self.shown.emit()

    def _failed(self, exc) -> None:
        self.status.setText(str(exc) if is_user_error(exc) else t("ui.funding.activity.failed"))
        self._enable()
        if not is_user_error(exc):
            self.ops.failed.emit(exc)

    def _enable(self) -> None:
        self.show_button.setEnabled(True)
        for b in (self.preview_button, self.print_button, self.pdf_button, self.xlsx_button):
            b.setEnabled(self.report is not None)

    def _fill_figures(self, report) -> None:
        from PySide6.QtGui import QFont

        from peerdesk.reports.activity_report import month_rows, table_rows
        from peerdesk.services.activity_report import TABLES

        lang = language()
        self.figures.clear()
        bold = QFont(self.figures.font())
        bold.setBold(True)

        def add(cells, heading=False):
            item = QTreeWidgetItem([str(c) for c in cells[:4]] + [""] * (4 - len(cells[:4])))
            for col in range(1, 4):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if heading:
                for col in range(4):
                    item.setFont(col, bold)
            self.figures.addTopLevelItem(item)

        for table in TABLES:
            rows = table_rows(report, table, lang)
            add(rows[0], heading=True)
            for cells in rows[1:]:
                add(cells)
        self._fill_charts(report, lang)
        rows = month_rows(report, lang)  # month, individual, group, briefings, check-ins, placed: the first four
        add([rows[0][0], rows[0][1], rows[0][2], rows[0][5]], heading=True)
        for cells in rows[1:]:
            add([cells[0], cells[1], cells[2], cells[5]])

    def _fill_charts(self, report, lang: str) -> None:
        """One reportlab chart per series group (bars per month), drawn from SVG; hidden months have no bar."""
        from PySide6.QtCore import QByteArray
        from PySide6.QtGui import QColor, QPainter, QPixmap
        from PySide6.QtSvg import QSvgRenderer

        from peerdesk.reports.activity_report import chart_svgs

        holder = QWidget()
        column = QVBoxLayout(holder)
        self.chart_widgets, self.chart_drawings = [], []
        for caption, svg in chart_svgs(report, lang):
            label = QLabel(caption)
            label.setWordWrap(True)
            # Qt's SVG renderer (SVG Tiny) has no clipPath and would paint its rectangle black over the chart;
            # the clip is the drawing's own frame, so leaving it out changes nothing.
            svg = re.sub(r"<clipPath.*?</clipPath>", "", svg, flags=re.S).replace("clip-path: url(#clip)", "")
            renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
            size = renderer.defaultSize() * 4 / 3  # points to pixels at 96 dpi
            ratio = self.devicePixelRatioF()
            picture = QPixmap(size * ratio)
            picture.setDevicePixelRatio(ratio)
            picture.fill(QColor("white"))  # paper, as in the PDF (the SVG itself has no background)
            painter = QPainter(picture)
            renderer.render(painter)
            painter.end()
            chart = QLabel()
            chart.setPixmap(picture)
            chart.setFixedSize(size)
            chart.setAccessibleName(caption)
            column.addWidget(label)
            column.addWidget(chart)
            self.chart_widgets.append(chart)
            self.chart_drawings.append(renderer)
        if any(fig.hidden for figs in report.series.values() for fig in figs):
            note = QLabel(t("activity.chart.hidden_note"))
            note.setWordWrap(True)
            column.addWidget(note)
        column.addStretch(1)
        self.charts.setWidget(holder)

    # ------------------------------------------------------------ files
    def _default_name(self, ext: str) -> str:
        r = self.report
        return file_name(t("ui.funding.activity.file"), r.scope.label or None, r.start.isoformat(), r.end.isoformat(), ext=ext)

    def _write(self, path: str, done) -> None:
        from peerdesk.services.activity_report import write_activity_report

        report, lang = self.report, language()
        self.status.setText(t("ui.funding.activity.working"))
        self.ops.mutate(lambda s: write_activity_report(s, report, path, lang=lang), {"audit"}, alive(self, done),
                        alive(self, self._failed))

    def _pdf(self, how: str) -> None:
        if self.report is None:
            return
        title = t("activity.title")
        if how == "save":
            path = ask_pdf_path(self, title, self._default_name("pdf"))
            if path:
                self._write(path, lambda _pages: self._saved(path))
            return
        path = str(private_pdf_path("activity-report"))

        def ready(_pages):
            self.status.setText("")
            if how == "print":
                print_pdf(self, path, title)
                discard(path)
            else:
                self.preview = preview_pdf(self, path, title, self._default_name("pdf"), temporary=True)

        self._write(path, ready)

    def save_xlsx(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, t("activity.title"), str(last_folder() / self._default_name("xlsx")), "Excel (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self._write(path, lambda _pages: self._saved(path))

    def _saved(self, path: str) -> None:
        self.status.setText(t("ui.funding.activity.saved", path=path))
        self.saved.emit(path)

    def translateUI(self) -> None:  # the area is rebuilt on a language change; the figures follow the next Show
        self.intro.setText(t("ui.funding.activity.intro"))
