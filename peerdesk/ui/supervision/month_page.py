"""A month at a glance: one row per peer supporter, one column per day, a letter where a
session took place (I individual, G group, T phone, V video), and "P" in italics on a tinted cell
where one is planned. Follows the overview's list. Sessions are planned here (one, or the month as the
cadence asks), a planned one marked held or cancelled, and the calendar exported to an .ics file."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.operations import alive

WEEKEND = QColor("#EEF1F4")
PLANNED = QColor("#FFF4CC")  # a planned session: tinted, and its letter in italics


class MonthPage(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.peer_ids: list[int] = []
        self.view = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.prev = QPushButton("◀")
        self.prev.setAccessibleName(t("ui.supervision.month.prev"))
        self.prev.setToolTip(t("ui.supervision.month.prev"))
        self.next = QPushButton("▶")
        self.next.setAccessibleName(t("ui.supervision.month.next"))
        self.next.setToolTip(t("ui.supervision.month.next"))
        self.title = QLabel()
        bar.addWidget(self.prev)
        bar.addWidget(self.title)
        bar.addWidget(self.next)
        bar.addStretch(1)
        legend = QLabel(t("ui.supervision.month.legend"))
        bar.addWidget(legend)
        layout.addLayout(bar)
        actions = QHBoxLayout()
        self.plan_button = QPushButton(t("ui.supervision.plan"))
        self.plan_month_button = QPushButton(t("ui.supervision.plan_month"))
        self.held_button = QPushButton(t("ui.supervision.mark_held"))
        self.cancel_button = QPushButton(t("ui.supervision.cancel_planned"))
        self.export_button = QPushButton(t("ui.supervision.export_calendar"))
        for button in (self.plan_button, self.plan_month_button, self.held_button, self.cancel_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        self.held_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        layout.addLayout(actions)
        self.dialog = None
        self.table = QTableWidget()
        self.table.setAccessibleName(t("ui.supervision.month"))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # The days share the width, each at least as wide as "31": a whole month fits a 1024 px window.
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("31") + 4)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.prev.clicked.connect(lambda: self.move(-1))
        self.next.clicked.connect(lambda: self.move(1))
        self.plan_button.clicked.connect(self.plan_one)
        self.plan_month_button.clicked.connect(self.plan_month)
        self.held_button.clicked.connect(self.mark_held)
        self.cancel_button.clicked.connect(self.cancel_planned)
        self.export_button.clicked.connect(self.export_calendar)
        self.table.currentCellChanged.connect(lambda *_a: self._selection_changed())

    def set_people(self, peer_ids: list[int]) -> None:
        self.peer_ids = list(peer_ids)
        self.reload()

    def move(self, months: int) -> None:
        index = self.year * 12 + (self.month - 1) + months
        self.year, self.month = divmod(index, 12)
        self.month += 1
        self.reload()

    def reload(self) -> None:
        from peerdesk.services import supervision_overview as so

        year, month, ids = self.year, self.month, list(self.peer_ids)
        self.title.setText(f"{year}-{month:02d}")
        self.ops.query(lambda s: so.month_view(s, year, month, ids), alive(self, self._loaded))

    def _loaded(self, view) -> None:
        if (view.year, view.month) != (self.year, self.month):
            return
        self.view = view
        self.table.clear()
        self.table.setRowCount(len(view.people))
        self.table.setColumnCount(view.days)
        self.table.setHorizontalHeaderLabels([str(d) for d in range(1, view.days + 1)])
        self.table.setVerticalHeaderLabels([name for _, name in view.people])
        letters = {form: t(f"ui.supervision.month.letter.{form}") for form in ("individual", "group", "phone", "video")}
        planned_letter = t("ui.supervision.month.letter.planned")
        for r, (pid, name) in enumerate(view.people):
            seen = view.seen.get(pid, {})
            planned = view.planned.get(pid, {})
            for d in range(1, view.days + 1):
                form = seen.get(d)
                plan = planned.get(d)
                item = QTableWidgetItem((letters.get(form, "") if form else "") + (planned_letter if plan else ""))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                day = dt.date(view.year, view.month, d).isoformat()
                tips = [f"{name}: {day} — {t(f'ui.today.session.form.{form}')}"] if form else []
                if dt.date(view.year, view.month, d).weekday() >= 5:
                    item.setBackground(QBrush(WEEKEND))
                if plan:
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                    item.setBackground(QBrush(PLANNED))
                    when = f" {plan.starts_at.strftime('%H:%M')}" if plan.starts_at else ""
                    where = f", {plan.location}" if plan.location else ""
                    tips.append(f"{name}: {t('ui.value.planned')} {day}{when}{where}")
                if tips:
                    item.setToolTip("\n".join(tips))
                self.table.setItem(r, d - 1, item)
        self._selection_changed()

    def cell(self, name: str, day: int) -> str:
        """What the month shows for a person on a day (for tests and screen readers)."""
        for r in range(self.table.rowCount()):
            if self.table.verticalHeaderItem(r).text() == name:
                return self.table.item(r, day - 1).text()
        raise KeyError(name)

    # ------------------------------------------------------------------ planning
    def planned_at(self, row: int, column: int):
        """The planned session in a cell, or None."""
        if self.view is None or not 0 <= row < len(self.view.people):
            return None
        return self.view.planned.get(self.view.people[row][0], {}).get(column + 1)

    def selected_planned(self):
        return self.planned_at(self.table.currentRow(), self.table.currentColumn())

    def _selection_changed(self) -> None:
        has = self.selected_planned() is not None
        self.held_button.setEnabled(has)
        self.cancel_button.setEnabled(has)

    def _people(self) -> list[tuple[int, str]]:
        return list(self.view.people) if self.view else []

    def plan_one(self) -> None:
        from peerdesk.services import supervision_planning as planning
        from peerdesk.ui.common.dialog_form import open_form
        from peerdesk.ui.supervision.plan_dialogs import PlanSessionForm

        first = dt.date(self.year, self.month, 1)
        day = max(first, dt.date.today() + dt.timedelta(days=1))
        people = self._people()
        row = self.table.currentRow()
        if 0 <= row < len(people):  # the person whose row is chosen comes first
            people.insert(0, people.pop(row))
        form = PlanSessionForm(people, day, self)
        self.dialog = form

        def work(v):
            return lambda s: planning.plan_session(s, v["day"], [v["peer_id"]] if v["peer_id"] else [],
                                                   starts_at=v["starts_at"], location=v["location"]) and None

        open_form(self.ops, form, work, {"sessions"})

    def plan_month(self) -> None:
        from peerdesk.services import supervision_planning as planning

        year, month = self.year, self.month

        def opened(proposal):
            from peerdesk.ui.common.dialog_form import open_form
            from peerdesk.ui.supervision.plan_dialogs import CadencePlanForm

            form = CadencePlanForm(year, month, proposal, self)
            self.dialog = form

            def work(v):
                return lambda s: planning.plan_by_cadence(s, year, month, starts_at=v["starts_at"], location=v["location"]) and None

            open_form(self.ops, form, work, {"sessions"})

        self.ops.query(lambda s: planning.cadence_proposal(s, year, month), alive(self, opened), self._failed)

    def mark_held(self) -> None:
        from peerdesk.services import supervision_planning as planning

        plan = self.selected_planned()
        if plan is None:
            return
        sid, version = plan.id, plan.version
        self.ops.mutate(lambda s: planning.mark_session_held(s, sid, version) and None, {"sessions"}, None, self._failed)

    def cancel_planned(self) -> None:
        from peerdesk.services import supervision_planning as planning

        plan = self.selected_planned()
        if plan is None:
            return
        answer = QMessageBox.question(self, t("ui.supervision.cancel_planned"),
                                      t("ui.supervision.cancel_planned.confirm", date=plan.day.isoformat()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        sid, version = plan.id, plan.version
        self.ops.mutate(lambda s: planning.cancel_session(s, sid, version) and None, {"sessions"}, None, self._failed)

    def export_calendar(self) -> None:
        """Save the calendar as an .ics file; the default name holds no personal data. A supervisor exports
        the sessions they hold; an administrator or coordinator the office's."""
        from peerdesk.models import Role
        from peerdesk.services import calendar_export

        path, _ = QFileDialog.getSaveFileName(self, t("ui.supervision.export_calendar"), calendar_export.default_file_name(),
                                              "iCalendar (*.ics)")
        if not path:
            return
        if not path.lower().endswith(".ics"):
            path += ".ics"
        roles = self.ops.actor.roles
        mine = Role.SUPERVISOR in roles and Role.ADMINISTRATOR not in roles

        def done(n):
            from peerdesk.ui.common.saved_notice import announce

            announce(self, t("ui.supervision.calendar_exported", n=n, file=path))

        self.ops.mutate(lambda s: calendar_export.export_calendar(s, path, mine=mine), set(), done, self._failed)

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        if is_user_error(exc):
            QMessageBox.warning(self, t("ui.supervision.tab.month"), str(exc))
        else:
            self.ops.failed.emit(exc)
