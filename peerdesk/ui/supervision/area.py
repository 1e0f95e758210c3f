"""The Supervision area: the supervisor's overview (log a session from it), the month at a
glance, check-in meetings, and the list of all sessions (dates and forms only)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.register_list import RegisterList
from peerdesk.ui.supervision.checkins_page import CheckInsPage
from peerdesk.ui.supervision.month_page import MonthPage
from peerdesk.ui.supervision.overview_page import OverviewPage

# The list of all sessions: (register, columns, status filters, filterable, newest first). Filterable by a
# participant's name (never by what was said). The benchmark opens the same list.
SESSION_LIST = ("sessions", ("held_on", "form", "duration_minutes", "participants"), (), True, True)
# What changes what this area shows.
RELOAD_ON = {"sessions", "people", "placements", "checkins", "alerts", "settings"}


class SupervisionArea(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-supervision")
        self.ops = ops
        self.tabs = QTabWidget()
        self.overview = OverviewPage(ops)
        self.month = MonthPage(ops)
        self.checkins = CheckInsPage(ops)
        name, columns, statuses, filterable, newest_first = SESSION_LIST
        self.sessions = RegisterList(ops, name, columns, statuses, filterable=filterable, descending=newest_first)
        self.tabs.addTab(self.overview, t("ui.supervision.tab.overview"))
        self.tabs.addTab(self.month, t("ui.supervision.tab.month"))
        self.tabs.addTab(self.checkins, t("ui.supervision.tab.checkins"))
        self.tabs.addTab(self.sessions, t("ui.supervision.tab.sessions"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.overview.scope_changed.connect(self.month.set_people)
        ops.data_changed.connect(self.on_data_changed)
        ops.data_changed.connect(self.sessions.on_data_changed)
        self.setFocusProxy(self.overview.table)

    started = False  # the main window starts an area when it is first shown

    def start(self) -> None:
        self.started = True
        self.overview.start()
        self.checkins.start()
        self.sessions.reload()

    def on_data_changed(self, changes) -> None:
        if self.started and set(changes) & RELOAD_ON:
            self.overview.reload()
            if "sessions" in changes:  # a session planned, held or cancelled shows in the month at once
                self.month.reload()
            if "checkins" in changes:
                self.checkins.reload()
