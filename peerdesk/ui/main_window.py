"""The main window: only wires the areas together."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QMainWindow

from peerdesk.i18n import t
from peerdesk.ui.today.today_page import TodayPage


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(t("app.title"))
        self.setObjectName("MainWindow")
        self.ops = None
        self.today = TodayPage(self)
        self.overview = self.today.overview  # the register counts, shown on the Today page
        self.setCentralWidget(self.today)
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 720)

    def attach(self, ops, schema: str) -> None:
        """Connect to an opened database: the status bar says which, then pages load."""
        self.ops = ops
        db = ops.db
        parts = [t("ui.status.database", where=db.target.describe()), t("ui.status.schema", rev=schema)]
        if db.encrypted:
            parts.append(t("ui.status.encrypted"))
        parts.append(t("ui.status.user", user=ops.actor.username))
        self.db_label.setText(" · ".join(parts))
        ops.data_changed.connect(lambda _changes: self.today.refresh(ops))
        self.today.refresh(ops)

    def closeEvent(self, event) -> None:
        QSettings().setValue("main/geometry", self.saveGeometry())
        if self.ops is not None:
            self.ops.wait()
        super().closeEvent(event)
