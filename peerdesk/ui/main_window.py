"""The main window: only wires the areas together."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from peerdesk.i18n import t
from peerdesk.ui.today.overview_page import OverviewPage


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(t("app.title"))
        self.setObjectName("MainWindow")
        self.ops = None
        self.overview = OverviewPage(self)
        self.setCentralWidget(self.overview)
        self.area_windows: dict[str, QWidget] = {}
        self._add_area_menu()
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        settings = QSettings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1000, 680)

    def _add_area_menu(self) -> None:
        """Areas that open in their own window until the main window gets a page switcher."""
        menu = self.menuBar().addMenu(t("ui.menu.consents"))
        menu.addAction(t("ui.consents.title"), lambda: self.open_area("consents"))
        menu.addAction(t("ui.rights.title"), lambda: self.open_area("rights"))

    def open_area(self, name: str) -> QWidget | None:
        if self.ops is None:
            return None
        window = self.area_windows.get(name)
        if window is None:
            if name == "consents":
                from peerdesk.ui.consents.consents_page import ConsentsPage as Page
            else:
                from peerdesk.ui.consents.data_rights_page import DataRightsPage as Page
            window = Page(self)
            window.setWindowFlag(Qt.WindowType.Window)
            window.setWindowTitle(t("ui.consents.title") if name == "consents" else t("ui.rights.title"))
            window.resize(1000, 700)
            window.attach(self.ops)
            self.area_windows[name] = window
        window.show()
        window.raise_()
        return window

    def attach(self, ops, schema: str) -> None:
        """Connect to an opened database: the status bar says which, then pages load."""
        self.ops = ops
        db = ops.db
        parts = [t("ui.status.database", where=db.target.describe()), t("ui.status.schema", rev=schema)]
        if db.encrypted:
            parts.append(t("ui.status.encrypted"))
        parts.append(t("ui.status.user", user=ops.actor.username))
        self.db_label.setText(" · ".join(parts))
        ops.data_changed.connect(lambda _changes: self.overview.refresh(ops))
        self.overview.refresh(ops)

    def closeEvent(self, event) -> None:
        QSettings().setValue("main/geometry", self.saveGeometry())
        if self.ops is not None:
            self.ops.wait()
        super().closeEvent(event)
