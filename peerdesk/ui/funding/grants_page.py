"""The grant register: the list of grants on the left; on the right the grant's form with what it covers
and the reports its funder expects, where a report is marked as sent.

An office has tens of grants, not thousands: the list is read whole (one query, services/funding.py) and
filtered as you type in SQL. Every change goes through `ops.mutate` with the funding service, which
validates, audits and checks roles; a refused value is shown under its field and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField, display
from peerdesk.ui.common.field_note import message_line, with_message
from peerdesk.ui.common.panel import title_label
from peerdesk.ui.common.saved_notice import announce
from peerdesk.ui.common.style import error_style, icon
from peerdesk.ui.operations import alive

COLUMNS = ("funder", "reference", "period", "amount", "covers", "next_report", "contracts")
FUNDER_KINDS = ("inheritance_fund", "region", "municipality", "foundation", "other")
TEXT_FIELDS = ("funder", "reference", "title", "contact_name", "contact_email", "contact_phone")


def _amount(value) -> str:
    return "" if value is None else f"{value:,}".replace(",", " ")


class GrantsPage(QSplitter):
    """Sidebar "Funding", tab "Grants"."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("page-grants")
        self.setChildrenCollapsible(False)
        self.ops = ops
        self.rows = []
        self.grant_id: int | None = None
        self.version: int | None = None
        self.reports: list = []  # ReportLine, as the form holds them until saved

        # ---- the list
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(t("ui.list.filter"))
        self.filter.setAccessibleName(t("ui.list.filter"))
        self.filter.setMinimumWidth(60)
        self._filter_timer = QTimer(self, singleShot=True, interval=200)
        self._filter_timer.timeout.connect(self.reload)
        self.filter.textEdited.connect(lambda _t: self._filter_timer.start())
        bar.addWidget(self.filter, 1)
        self.new_button = QPushButton(icon("new"), t("ui.list.new"))
        self.new_button.setAccessibleName(t("ui.funding.new"))
        self.new_button.clicked.connect(self.new)
        bar.addWidget(self.new_button)
        lay.addLayout(bar)
        self.table = QTreeWidget()
        self.table.setObjectName("grants-list")
        self.table.setAccessibleName(t("kind.grants"))
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels([t(f"ui.funding.col.{c}") for c in COLUMNS])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        self.table.itemActivated.connect(lambda item, _c: self.open(item.data(0, Qt.ItemDataRole.UserRole)))
        self.table.currentItemChanged.connect(lambda item, _old: item and self.open(item.data(0, Qt.ItemDataRole.UserRole)))
        lay.addWidget(self.table, 1)
        self.count_label = QLabel()
        lay.addWidget(self.count_label)
        self.addWidget(left)

        # ---- the form
        detail = QWidget()
        outer = QVBoxLayout(detail)
        self.title = title_label(t("ui.detail.none"))
        outer.addWidget(self.title)
        self.general_error = QLabel()
        self.general_error.setObjectName("error")
        self.general_error.setWordWrap(True)
        error_style(self.general_error)
        self.general_error.hide()
        outer.addWidget(self.general_error)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        def row(name: str, widget: QWidget, required: bool = False, label: str | None = None) -> None:
            text = label or t(f"field.{name}")
            widget.setObjectName(name)
            widget.setAccessibleName(text)
            line = message_line(name, text, prefix="error")
            error_style(line)
            if isinstance(widget, DateField):
                widget.attach_note(line)
            caption = QLabel(text + (" *" if required else ""))
            caption.setBuddy(widget)
            form.addRow(caption, with_message(widget, line))
            self.widgets[name], self.errors[name] = widget, line

        row("funder", QLineEdit(), True)
        kind = QComboBox()
        for value in FUNDER_KINDS:
            kind.addItem(t(f"ui.funding.kind.{value}"), value)
        row("funder_kind", kind)
        row("reference", QLineEdit())
        row("title", QLineEdit(), label=t("ui.funding.project"))
        row("start_date", DateField(required=True), True)
        row("end_date", DateField(required=True), True)
        row("amount_sek", QLineEdit())
        row("contact_name", QLineEdit())
        row("contact_email", QLineEdit())
        row("contact_phone", QLineEdit())
        regions = QLineEdit()
        regions.setPlaceholderText(t("ui.funding.regions_hint"))
        row("region", regions, label=t("ui.funding.regions"))
        wards = QListWidget()
        wards.setMaximumHeight(96)
        wards.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row("workplace_id", wards, label=t("ui.funding.workplaces"))
        outer.addLayout(form)

        # ---- the reports
        heading = QLabel(t("ui.funding.reports"))
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        outer.addWidget(heading)
        self.report_list = QTreeWidget()
        self.report_list.setObjectName("reports")
        self.report_list.setAccessibleName(t("ui.funding.reports"))
        self.report_list.setRootIsDecorated(False)
        self.report_list.setColumnCount(3)
        self.report_list.setHeaderLabels([t("field.due_on"), t("field.report_title"), t("field.sent_on")])
        self.report_list.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.report_list.header().setStretchLastSection(False)
        self.report_list.setMaximumHeight(130)
        self.report_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.report_list.currentItemChanged.connect(lambda *_: self._report_buttons())
        outer.addWidget(self.report_list)
        add_row = QHBoxLayout()
        self.due = DateField()
        self.due.setObjectName("report-due")
        self.due.setAccessibleName(t("field.due_on"))
        self.report_title = QLineEdit()
        self.report_title.setObjectName("report-title")
        self.report_title.setPlaceholderText(t("field.report_title"))
        self.report_title.setAccessibleName(t("field.report_title"))
        self.report_title.returnPressed.connect(self.add_report)
        self.add_report_button = QPushButton(t("ui.funding.add_report"))
        self.add_report_button.clicked.connect(self.add_report)
        add_row.addWidget(self.due, 1)
        add_row.addWidget(self.report_title, 2)
        add_row.addWidget(self.add_report_button)
        outer.addLayout(add_row)
        self.report_error = message_line("report", t("ui.funding.reports"), prefix="error")
        error_style(self.report_error)
        self.due.attach_note(self.report_error)
        outer.addWidget(self.report_error)
        sent_row = QHBoxLayout()
        self.sent_on = DateField()
        self.sent_on.setObjectName("report-sent-on")
        self.sent_on.setAccessibleName(t("field.sent_on"))
        self.sent_on.attach_note(self.report_error)
        self.mark_sent_button = QPushButton(t("ui.funding.mark_sent"))
        self.mark_sent_button.clicked.connect(self.mark_sent)
        self.undo_sent_button = QPushButton(t("ui.funding.undo_sent"))
        self.undo_sent_button.clicked.connect(self.undo_sent)
        self.remove_report_button = QPushButton(t("ui.funding.remove_report"))
        self.remove_report_button.clicked.connect(self.remove_report)
        sent_row.addWidget(self.sent_on, 1)
        sent_row.addWidget(self.mark_sent_button)
        sent_row.addWidget(self.undo_sent_button)
        outer.addLayout(sent_row)
        remove_row = QHBoxLayout()  # rows of at most three: the form fits beside the list in a 1024-pixel window
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_report_button)
        outer.addLayout(remove_row)

        buttons = QHBoxLayout()
        self.delete_button = QPushButton(t("ui.funding.delete"))
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.cancel_button = QPushButton(icon("cancel"), t("ui.form.cancel"))
        self.cancel_button.clicked.connect(lambda: self.open(self.grant_id) if self.grant_id else self.new())
        self.save_button = QPushButton(icon("save"), t("ui.form.save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        outer.addStretch(1)
        for name in TEXT_FIELDS + ("amount_sek", "region", "start_date", "end_date"):
            self.widgets[name].returnPressed.connect(self.save)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(detail)
        self.detail = detail
        self.addWidget(scroll)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.setSizes([560, 500])
        detail.setEnabled(False)
        self._report_buttons()

    # ------------------------------------------------------------ loading
    def start(self) -> None:
        self.reload()
        self.ops.query(self._workplaces, alive(self, self._fill_workplaces), alive(self, self._failed))

    @staticmethod
    def _workplaces(s):
        from peerdesk.services.registers import options

        return options(s, "workplaces")

    def _fill_workplaces(self, options) -> None:
        wards: QListWidget = self.widgets["workplace_id"]
        checked = self._checked_wards()
        wards.clear()
        for wid, name in options:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, wid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if wid in checked else Qt.CheckState.Unchecked)
            wards.addItem(item)

    def reload(self, keep: int | None = None) -> None:
        text = self.filter.text()

        def work(s):
            from peerdesk.services import funding

            return funding.list_grants(s, text)

        self.ops.query(work, alive(self, lambda rows: self._show_rows(rows, keep)), alive(self, self._failed))

    def _show_rows(self, rows, keep: int | None) -> None:
        self.rows = rows
        self.table.blockSignals(True)
        self.table.clear()
        chosen = None
        for r in rows:
            item = QTreeWidgetItem([
                r.funder, r.reference or "", f"{display(r.start_date)} – {display(r.end_date)}", _amount(r.amount_sek), r.covers,
                display(r.next_report_due) if r.next_report_due else "", str(r.contracts_paid + r.placements_paid)])
            item.setData(0, Qt.ItemDataRole.UserRole, r.id)
            item.setToolTip(0, r.label)
            item.setToolTip(4, r.covers)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(6, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.addTopLevelItem(item)
            if r.id == keep:
                chosen = item
        if chosen is not None:
            self.table.setCurrentItem(chosen)
        self.table.blockSignals(False)
        for col in range(len(COLUMNS)):
            self.table.resizeColumnToContents(col)
        # Long funder names and coverage lists are shortened with "…" (whole in the tooltip), not the other columns.
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 200))
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 140))
        self.count_label.setText(t("ui.funding.count", n=len(rows)))

    def open(self, grant_id: int | None) -> None:
        if grant_id is None:
            return

        def work(s):
            from peerdesk.services import funding

            return funding.get_grant(s, grant_id)

        self.ops.query(work, alive(self, self._show_grant), alive(self, self._failed))

    def open_record(self, grant_id: int) -> None:
        """From Today's "Open the grant" (and a search): select it in the list and show its form."""
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == grant_id:
                self.table.blockSignals(True)
                self.table.setCurrentItem(item)
                self.table.blockSignals(False)
        self.open(grant_id)

    def _show_grant(self, detail) -> None:
        self.grant_id, self.version = detail.id, detail.version
        self._clear_errors()
        v = detail.values
        for name in TEXT_FIELDS:
            self.widgets[name].setText(v.get(name) or "")
        kind = self.widgets["funder_kind"]
        kind.setCurrentIndex(max(0, kind.findData(v.get("funder_kind") or "other")))
        self.widgets["start_date"].setDate(v.get("start_date"))
        self.widgets["end_date"].setDate(v.get("end_date"))
        self.widgets["amount_sek"].setText(_amount(v.get("amount_sek")))
        self.widgets["region"].setText(", ".join(detail.regions))
        self._set_checked_wards(set(detail.workplace_ids))
        self.reports = list(detail.reports)
        self._show_reports()
        self.title.setText(v.get("funder") or t("ui.detail.title"))
        self.delete_button.setEnabled(True)
        self.detail.setEnabled(True)

    def new(self) -> None:
        self.grant_id, self.version = None, None
        self._clear_errors()
        for name in TEXT_FIELDS + ("amount_sek", "region"):
            self.widgets[name].setText("")
        self.widgets["funder_kind"].setCurrentIndex(0)
        self.widgets["start_date"].setDate(None)
        self.widgets["end_date"].setDate(None)
        self._set_checked_wards(set())
        self.reports = []
        self._show_reports()
        self.title.setText(t("ui.detail.new"))
        self.delete_button.setEnabled(False)
        self.detail.setEnabled(True)
        self.widgets["funder"].setFocus()

    # ------------------------------------------------------------ workplaces
    def _checked_wards(self) -> set[int]:
        wards: QListWidget = self.widgets["workplace_id"]
        return {wards.item(i).data(Qt.ItemDataRole.UserRole) for i in range(wards.count())
                if wards.item(i).checkState() == Qt.CheckState.Checked}

    def _set_checked_wards(self, ids: set[int]) -> None:
        wards: QListWidget = self.widgets["workplace_id"]
        for i in range(wards.count()):
            item = wards.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in ids else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------ reports
    def _show_reports(self, select: int | None = None) -> None:
        self.report_list.clear()
        self.reports.sort(key=lambda r: (r.due_on, r.title or ""))
        for i, r in enumerate(self.reports):
            sent = display(r.sent_on) if r.sent_on else t("ui.funding.not_sent")
            item = QTreeWidgetItem([display(r.due_on), r.title or "", sent])
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            self.report_list.addTopLevelItem(item)
            if select is not None and i == select:
                self.report_list.setCurrentItem(item)
        self.report_list.resizeColumnToContents(0)
        self.report_list.resizeColumnToContents(2)
        self._report_buttons()

    def _current_report(self) -> int | None:
        item = self.report_list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _report_buttons(self) -> None:
        i = self._current_report()
        chosen = self.reports[i] if i is not None and i < len(self.reports) else None
        self.mark_sent_button.setEnabled(chosen is not None and chosen.sent_on is None)
        self.undo_sent_button.setEnabled(chosen is not None and chosen.sent_on is not None)
        self.remove_report_button.setEnabled(chosen is not None)
        if chosen is not None and chosen.sent_on is None and not self.sent_on.text():
            self.sent_on.setDate(dt.date.today())

    def add_report(self) -> None:
        from peerdesk.services.funding import ReportLine

        self.report_error.hide()
        if not self.due.check():
            self.due.setFocus()
            return
        day = self.due.date()
        if day is None:
            self.report_error.setText(t("error.required", field=t("field.due_on")))
            self.report_error.show()
            self.due.setFocus()
            return
        self.reports.append(ReportLine(None, day, self.report_title.text().strip() or None))
        self.due.setDate(None)
        self.report_title.clear()
        self._show_reports()
        self.due.setFocus()

    def _replace(self, i: int, **changes) -> None:
        from dataclasses import replace

        self.reports[i] = replace(self.reports[i], **changes)

    def mark_sent(self) -> None:
        """The chosen report went to the funder on the day typed (today unless changed); saved at once."""
        i = self._current_report()
        if i is None:
            return
        if not self.sent_on.check():
            self.sent_on.setFocus()
            return
        self._replace(i, sent_on=self.sent_on.date() or dt.date.today())
        self._show_reports(select=i)
        self.save()

    def undo_sent(self) -> None:
        i = self._current_report()
        if i is None:
            return
        self._replace(i, sent_on=None)
        self._show_reports(select=i)
        self.save()

    def remove_report(self) -> None:
        i = self._current_report()
        if i is not None:
            del self.reports[i]
            self._show_reports()

    # ------------------------------------------------------------ saving
    def _clear_errors(self) -> None:
        for line in self.errors.values():
            line.clear()
            line.hide()
        self.report_error.hide()
        self.general_error.hide()

    def values(self) -> dict:
        out = {name: self.widgets[name].text().strip() or None for name in TEXT_FIELDS}
        out["funder_kind"] = self.widgets["funder_kind"].currentData()
        out["amount_sek"] = self.widgets["amount_sek"].text().replace(" ", "").replace("\u00a0", "").strip() or None
        for name in ("start_date", "end_date"):
            day = self.widgets[name].date()
            out[name] = day.isoformat() if day else None
        return out

    def save(self) -> None:
        if not self.detail.isEnabled():
            return
        self._clear_errors()
        for name in ("start_date", "end_date"):
            if not self.widgets[name].check():
                self.widgets[name].setFocus()
                return
        values = self.values()
        regions = [r for r in self.widgets["region"].text().split(",")]
        wards = sorted(self._checked_wards())
        reports = list(self.reports)
        grant_id, version = self.grant_id, self.version

        def work(s):
            from peerdesk.services import funding

            return funding.save_grant(s, grant_id, values, regions, wards, reports, expected_version=version)

        self.save_button.setEnabled(False)
        self.ops.mutate(work, {"grants"}, alive(self, self._saved), alive(self, self._save_failed))

    def _saved(self, grant_id: int) -> None:
        self.save_button.setEnabled(True)
        announce(self, t("ui.form.saved", what=self.widgets["funder"].text().strip()))
        self.reload(keep=grant_id)
        self.open(grant_id)

    def _save_failed(self, exc) -> None:
        self.save_button.setEnabled(True)
        self._failed(exc)

    def _failed(self, exc) -> None:
        from peerdesk.errors import PeerDeskError, ValidationError

        if isinstance(exc, ValidationError) and exc.field in self.errors:
            self.errors[exc.field].setText(exc.message)
            self.errors[exc.field].show()
            self.widgets[exc.field].setFocus()
            return
        if isinstance(exc, ValidationError) and exc.field in ("due_on", "sent_on", "grant_id"):
            self.report_error.setText(exc.message)
            self.report_error.show()
            return
        if isinstance(exc, PeerDeskError):
            message = exc.message
        else:
            from peerdesk.crashlog import record

            message = t("error.unexpected", ref=record(exc))
        self.general_error.setText(message)
        self.general_error.show()

    def delete(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        if self.grant_id is None:
            return
        Button = QMessageBox.StandardButton
        if QMessageBox.question(self, t("ui.funding.delete"), t("ui.funding.delete_confirm", grant=self.widgets["funder"].text()),
                                Button.Yes | Button.No, Button.No) != Button.Yes:
            return
        grant_id, version = self.grant_id, self.version

        def work(s):
            from peerdesk.services import funding

            funding.delete_grant(s, grant_id, version)

        def done(_result) -> None:
            self.grant_id = None
            self.detail.setEnabled(False)
            self.title.setText(t("ui.detail.none"))
            self.reload()

        self.ops.mutate(work, {"grants"}, alive(self, done), alive(self, self._failed))

    def refresh_if_changed(self, changes) -> None:
        if changes & {"grants", "contracts", "placements"}:
            self.reload(keep=self.grant_id)

