"""Sidebar entry "Funding": the grant register (tab 1, `self.grants`) and the activity report (tab 2, `self.activity`)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.funding.grants_page import GrantsPage


class FundingArea(QTabWidget):
    """Sidebar entry "Funding" (administrators and coordinators)."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-funding")
        self.setDocumentMode(True)
        self.ops = ops
        self.panels = []
        self.grants = GrantsPage(ops)
        self.addTab(self.grants, t("ui.funding.grants"))
        ops.data_changed.connect(self.grants.refresh_if_changed)
        from peerdesk.ui.funding.activity_page import ActivityReportPage

        self.activity = ActivityReportPage(ops)
        self.addTab(self.activity, t("ui.funding.activity.tab"))

    def start(self) -> None:
        self.grants.start()
        self.activity.start()

    def open_record(self, grant_id: int) -> None:
        self.setCurrentWidget(self.grants)
        self.grants.open_record(grant_id)
