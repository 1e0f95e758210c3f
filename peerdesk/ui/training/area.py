"""Recruitment and training: applicants (tab 1, recruitment) and the course days of a cohort (tab 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.training.course_page import CoursePage


class TrainingArea(QTabWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-training")
        self.ops = ops
        self.course = CoursePage(ops)
        self.addTab(self.course, t("ui.training.tab.course"))
        self.setFocusProxy(self.course)

    started = False  # the main window starts an area when it is first shown

    def start(self) -> None:
        self.started = True
        self.course.start()
