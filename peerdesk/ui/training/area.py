"""Sidebar entry "Recruitment and training": the applicants, then the cohort's course days."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.training.applicants_page import ApplicantsPage
from peerdesk.ui.training.course_page import CoursePage


class TrainingArea(QTabWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-training")
        self.setDocumentMode(True)
        self.ops = ops
        self.applicants = ApplicantsPage(ops)
        self.addTab(self.applicants, t("ui.recruitment.tab"))
        self.course = CoursePage(ops)
        self.addTab(self.course, t("ui.training.tab.course"))
        self.pages = [self.applicants, self.course]
        self.setFocusProxy(self.applicants)

    started = False  # the main window starts an area when it is first shown

    def start(self) -> None:
        self.started = True
        for page in self.pages:
            page.start()
