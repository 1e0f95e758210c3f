"""Sidebar entry "Recruitment and training": the applicants, then the cohort's course days."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.training.applicants_page import ApplicantsPage


class TrainingArea(QTabWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-training")
        self.setDocumentMode(True)
        self.ops = ops
        self.applicants = ApplicantsPage(ops)
        self.addTab(self.applicants, t("ui.recruitment.tab"))
        # Tab 2, the course days (self.course), is added by the training part.
        self.pages = [self.applicants]
        self.setFocusProxy(self.applicants)

    started = False

    def start(self) -> None:
        self.started = True
        for page in self.pages:
            page.start()
