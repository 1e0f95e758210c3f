"""Sidebar entry "Funding": the grant register (tab 1, `self.grants`) and the activity report (tab 2, `self.activity`)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t


class FundingArea(QTabWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-funding")
        self.setDocumentMode(True)
        self.panels = []
        from peerdesk.ui.funding.activity_page import ActivityReportPage

        self.activity = ActivityReportPage(ops)
        self.addTab(self.activity, t("ui.funding.activity.tab"))

    def start(self) -> None:
        self.activity.start()
