"""The main window: only wires the areas together (sidebar, pages, search, status bar, language)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.sidebar import Sidebar
from peerdesk.ui.common.style import install_qt_translator, set_setting, setting_bytes
from peerdesk.ui.today.today_page import TodayPage

AREAS = ("today", "people", "workplaces", "supervision", "contracts", "consents", "evaluation", "training", "settings")
# Which register kind an area needs to be readable for the area to show.
AREA_NEEDS = {"people": ("people",), "workplaces": ("workplaces",), "supervision": ("sessions",),
              "contracts": ("placements", "contracts"), "consents": ("consents",), "evaluation": ("rounds",),
              "training": ("cohorts",)}


def _build_area(area: str, ops):
    if area == "people":
        from peerdesk.ui.people.area import PeopleArea
        return PeopleArea(ops)
    if area == "workplaces":
        from peerdesk.ui.workplaces.area import WorkplacesArea
        return WorkplacesArea(ops)
    if area == "contracts":
        from peerdesk.ui.contracts.area import ContractsArea
        return ContractsArea(ops)
    if area == "settings":
        from peerdesk.ui.settings.area import SettingsArea
        return SettingsArea(ops)
    if area == "evaluation":
        from peerdesk.ui.evaluation.evaluation_page import EvaluationPage
        return EvaluationPage(ops=ops)
    if area == "supervision":
        from peerdesk.ui.supervision.area import SupervisionArea
        return SupervisionArea(ops)
    if area == "consents":
        from peerdesk.ui.consents.area import ConsentsArea
        return ConsentsArea(ops)
    if area == "training":
        from peerdesk.ui.training.area import TrainingArea
        return TrainingArea(ops)
    raise ValueError(area)


class _Pages(dict):
    """The built pages by area. Asking for an area not built yet (`pages["people"]`) builds it, if the
    logged-in role sees it; `get()` and iteration see only what is built."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__()
        self.window = window

    def __missing__(self, area: str) -> QWidget:
        w = self.window
        if area == "today" or area not in w._visible or w.ops is None:
            raise KeyError(area)
        return w._build_page(area)


def confirm_all(forms, proceed) -> None:
    """Ask each form with unsaved changes in turn; `proceed()` once all agreed."""
    if not forms:
        proceed()
        return
    forms[0].confirm_leave(lambda: confirm_all(forms[1:], proceed))


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.ops = None
        self.schema = ""
        self.pages: dict[str, QWidget] = _Pages(self)
        self._visible: set[str] = {"today"}
        self._unstarted: set[str] = set()  # built areas whose lists load when first shown
        self.search = None
        self._may_close = False
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.sidebar = Sidebar(AREAS)
        self.stack = QStackedWidget()
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._new_today()
        self.sidebar.set_visible_areas({"today"})  # the rest appear after login, as the role allows
        self.sidebar.area_chosen.connect(self.show_area)
        self.sidebar.select("today")
        self.db_label = QLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self.idle_lock = None
        from peerdesk.ui.security.session_actions import SessionControls

        self.session = SessionControls(self)  # Lock now (Ctrl+L), Switch user, Log out
        for keys in ("Ctrl+K", "Ctrl+F"):
            QShortcut(QKeySequence(keys), self, self.open_search, context=Qt.ShortcutContext.WindowShortcut)
        for i, area in enumerate(AREAS, start=1):
            QShortcut(QKeySequence(f"Ctrl+{i}"), self, lambda a=area: self.sidebar.select(a))
        self.translateUI()
        geometry = setting_bytes("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)

    # ------------------------------------------------------------ wiring
    def _new_today(self) -> None:
        """The start page: open alerts with their actions, and the register counts below them."""
        from PySide6.QtWidgets import QFrame, QScrollArea

        self.today = TodayPage(self)
        self.overview = self.today.overview
        scroll = QScrollArea()  # the window may be made narrower than the page's natural width
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.today)
        self._add_page("today", scroll)

    def _add_page(self, area: str, widget: QWidget) -> None:
        self.pages[area] = widget
        self.stack.addWidget(widget)

    def attach(self, ops, schema: str) -> None:
        """Connect to an opened database: the status bar says which, then the areas load."""
        self.ops = ops
        self.schema = schema
        ops.data_changed.connect(lambda _changes: self.today.refresh(ops))
        self._load()
        self.session.attached()

    def detach(self) -> None:
        """The user left (log out, switch user): every page, dialog and lock of theirs goes, and the
        window is as before a login — an empty start page, nothing of their data on screen."""
        ops, self.ops = self.ops, None
        if ops is not None:
            ops.pool.clear()
            ops.wait()
            from peerdesk.storage.anchors import write_quietly

            write_quietly(ops.db, "close")  # the user's session ends: the audit trail's state, kept outside
            try:
                ops.data_changed.disconnect()
            except (RuntimeError, TypeError):
                pass
            ops.deleteLater()
        if self.idle_lock is not None:
            self.idle_lock.dispose()
            self.idle_lock = None
        if self.search is not None:
            self.search.deleteLater()
            self.search = None
        for page in list(self.pages.values()):
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._unstarted.clear()
        self._visible = {"today"}
        for area in AREAS:
            self.set_badge(area, 0)
        self._new_today()
        self.sidebar.set_visible_areas({"today"})
        self.sidebar.select("today")
        self.stack.setCurrentWidget(self.pages["today"])
        self.db_label.setText("")
        self.statusBar().clearMessage()
        self.session.detached()

    def _load(self) -> None:
        self.today.counts_changed.connect(self.set_badges)  # open alerts per area become sidebar badges
        # Today first: its counts and alerts are the first jobs on the (single) worker, ahead of the
        # areas' lists (at national scale those are tens of thousands of rows).
        self.today.refresh(self.ops)
        self._build_areas()
        self.translateUI()

    def _build_areas(self) -> None:
        from peerdesk.services.access import READ_RIGHTS

        roles = self.ops.actor.roles
        visible = {"today", "settings"}
        for area, kinds in AREA_NEEDS.items():
            if any(roles & READ_RIGHTS[k] for k in kinds):
                visible.add(area)
        self._visible = visible
        self.sidebar.set_visible_areas(visible)
        # Nothing more here: an area is built when first shown (or asked for), and loads its lists then —
        # at login only Today works, so the alerts come first and the window stays light.

    def _build_page(self, area: str) -> QWidget:
        page = _build_area(area, self.ops)
        self._add_page(area, page)
        self._unstarted.add(area)
        if area == "settings":
            page.language_changed.connect(self.change_language)
        return page

    def page_for(self, area: str) -> QWidget | None:
        """The area's page, built on first use; None for an area this role does not see."""
        return self.pages.get(area) or (self.pages[area] if area in self._visible and self.ops is not None else None)

    def show_area(self, area: str) -> None:
        page = self.page_for(area)
        if page is not None:
            if area in self._unstarted:
                self._unstarted.discard(area)
                page.start()
            self.stack.setCurrentWidget(page)
            page.setFocus()

    def set_badge(self, area: str, n: int) -> None:
        self.sidebar.set_badge(area, n)

    def set_badges(self, counts: dict) -> None:
        for area, n in counts.items():
            self.set_badge(area, n)

    def forms(self) -> list:
        return [panel.form for page in self.pages.values() for panel in getattr(page, "panels", [])]

    # ------------------------------------------------------------ search
    def open_search(self) -> None:
        if self.ops is None:
            return
        if self.search is None:
            from peerdesk.ui.search.search import SearchDialog

            self.search = SearchDialog(self.ops, self)
            self.search.chosen.connect(self.open_record)
        self.search.start()

    def open_record(self, area: str, record_id: int) -> None:
        page = self.page_for(area)
        if page is not None and hasattr(page, "open_record"):
            self.sidebar.select(area)
            page.open_record(record_id)

    # ------------------------------------------------------------ language
    def translateUI(self) -> None:
        self.setWindowTitle(t("app.title"))
        self.sidebar.translateUI()
        if self.ops is not None:
            db = self.ops.db
            parts = [t("ui.status.database", where=db.target.describe()), t("ui.status.schema", rev=self.schema)]
            if db.encrypted:
                parts.append(t("ui.status.encrypted"))
            parts.append(t("ui.status.user", user=self.ops.actor.username))
            self.db_label.setText(" · ".join(parts))
        self.session.translateUI()

    def change_language(self, lang: str) -> None:
        """Switch live: the areas are rebuilt in the new language (after unsaved changes are dealt with)."""
        from peerdesk.i18n import set_language

        def rebuild() -> None:
            set_language(lang)
            install_qt_translator(lang)
            if self.ops is not None:
                self.ops.wait()  # no answer may arrive for a page that is about to go
            current = next((a for a, p in self.pages.items() if p is self.stack.currentWidget()), "settings")
            for area, page in list(self.pages.items()):
                self.stack.removeWidget(page)
                page.deleteLater()
            self.pages.clear()
            self._unstarted.clear()
            if self.search is not None:
                self.search.deleteLater()
                self.search = None
            self._new_today()
            if self.ops is not None:
                self._load()
            self.translateUI()
            self.sidebar.select(current)
            self.show_area(current)

        confirm_all(self.forms(), rebuild)

    # ------------------------------------------------------------ closing
    def closeEvent(self, event) -> None:
        if not self._may_close and any(form.is_dirty() for form in self.forms()):
            event.ignore()

            def close_now() -> None:
                self._may_close = True
                self.close()

            confirm_all(self.forms(), close_now)
            return
        set_setting("main/geometry", self.saveGeometry())
        if self.ops is not None:
            self.ops.wait()
        super().closeEvent(event)
