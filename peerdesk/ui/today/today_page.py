"""The Today page, the start screen: what needs doing, with the action right beside each alert.

Counts per rule, then the open alerts grouped by kind (who/where, the date,
how overdue) with a button for the action that clears the alert — log a
briefing, log a session, add the follow-up contract period — and one to
acknowledge or snooze it. Everything runs through `ops`; only `Alert`
dataclasses and plain dicts reach this thread. `counts_changed(dict)` gives
the open alerts per area, for badges in a sidebar.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import format_date, t
from peerdesk.ui.today.overview_page import OverviewPage

ROWS_PER_KIND = 10  # rows with buttons per kind before "show all"
# Which kinds' action each role may take (the services check again).
ACTIONS = {
    "new_manager": "briefing",
    "contact_gap": "followup_contact",
    "supervision_overdue": "session",
    "contract_ending": "contract",
    "grant_ending": "grant",
    "funder_report_due": "grant",
    "contract_decision_due": "decide",
    "placement_at_unbriefed_ward": "open_ward",
    "planned_briefing_overdue": "open_ward",
    "stalled_onboarding": "open_ward",
}
NARROW = 1000  # page widths below this put the register counts above the alerts rather than beside them
COLUMNS = ("what", "date", "status", "severity", "actions")


def load_alerts(s, today: dt.date):
    from peerdesk.services import alerts

    found = alerts.compute_alerts(s, today=today, include_snoozed=True)
    return [a for a in found if a.open], alerts.visible_areas(alerts.actor_of(s).roles), [a for a in found if not a.open]


def _status(days: int) -> str:
    if days > 0:
        return t("ui.today.days_ago", n=days)
    if days < 0:
        return t("ui.today.days_left", n=-days)
    return t("ui.today.today")


def _what(a) -> str:
    if a.kind == "grant_ending":
        return t("ui.alerts.grant_ending.what", grant=a.subject or "", n=a.count or 0)
    if a.subject and not (a.person_name or a.workplace_name):
        return a.subject
    parts = [p for p in (a.person_name, a.workplace_name) if p]
    if a.manager_name and not a.person_name:
        parts.append(a.manager_name)
    return " – ".join(parts) or a.key


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their first column's text, wrapped at the column's present width (Qt measures a
    wrapped row without knowing that width, so it would stay one line high and cut the rest)."""

    def sizeHint(self, option, index):  # noqa: N802 (Qt's name)
        size = super().sizeHint(option, index)
        tree = self.parent()
        depth, parent = (1 if tree.rootIsDecorated() else 0), index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        width = tree.header().sectionSize(0) - depth * tree.indentation() - 8
        text = str(index.data() or "")
        if width <= 0 or not text:
            return size
        wrapped = option.fontMetrics.boundingRect(QRect(0, 0, width, 10000), Qt.TextFlag.TextWordWrap, text)
        return QSize(size.width(), max(size.height(), wrapped.height() + 6))


class TodayPage(QWidget):
    loaded = Signal()
    counts_changed = Signal(dict)  # {"workplaces": 3, "supervision": 2, …} open alerts per area
    open_requested = Signal(str, int)  # (area, record id): an alert whose action is to open a record there

    def __init__(self, parent: QWidget | None = None, today=dt.date.today) -> None:
        super().__init__(parent)
        self.setObjectName("TodayPage")
        self._today = today  # a callable, so tests and long-running windows see the right day
        self.ops = None
        self.alerts: list = []
        self.snoozed: list = []  # acknowledged alerts still hidden today: listed behind the "snoozed" button
        self.counts: dict[str, int] = {}
        self.action_buttons: dict[str, QPushButton] = {}
        self.ack_buttons: dict[str, QPushButton] = {}
        self.form = None

        self.outer = outer = QHBoxLayout(self)
        self.main = main = QVBoxLayout()
        outer.addLayout(main, 3)
        self.title = QLabel(t("ui.today.title"))
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        main.addWidget(self.title)
        self.status = QLabel(t("ui.overview.loading"))
        self.status.setAccessibleName(t("ui.today.status"))
        main.addWidget(self.status)
        snoozed_row = QHBoxLayout()
        self.snoozed_button = QPushButton(t("ui.today.snoozed.button", n=0))
        self.snoozed_button.setToolTip(t("ui.today.snoozed.tip"))
        self.snoozed_button.setEnabled(False)
        self.snoozed_button.clicked.connect(self.show_snoozed)
        snoozed_row.addWidget(self.snoozed_button)
        snoozed_row.addStretch(1)
        main.addLayout(snoozed_row)

        self.summary_box = QGroupBox(t("ui.today.counts"))
        self.summary = QGridLayout(self.summary_box)
        self.summary.setColumnStretch(1, 1)
        self.summary.setColumnStretch(3, 1)
        self.count_labels: dict[str, QLabel] = {}
        main.addWidget(self.summary_box)

        self.tree = QTreeWidget()
        self.tree.setAccessibleName(t("ui.today.list"))
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([t(f"ui.today.col.{c}") for c in COLUMNS])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(False)
        # Who/where wraps onto a second line rather than being cut to "Avdelning 1…" in a narrow window.
        self.tree.setWordWrap(True)
        self.tree.setItemDelegateForColumn(0, _WrappingDelegate(self.tree))
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        # A wrapped row's height depends on its column's width: measure the rows again when it changes.
        header.sectionResized.connect(lambda col, _old, _new: self.tree.scheduleDelayedItemsLayout() if col == 0 else None)
        self.tree.itemActivated.connect(self._activated)
        # The Menu key (or a right click) offers both things that can be done with an alert.
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        main.addWidget(self.tree, 1)
        self.empty = QLabel(t("ui.today.empty"))
        self.empty.hide()
        main.addWidget(self.empty)

        # The registers at a glance (the former start page), beside the alerts.
        self.overview = OverviewPage(self)
        self.overview.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.overview, 0)
        self.narrow = False

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit(event.size().width())

    def _fit(self, width: int) -> None:
        """In a narrow window (1024 px) the register counts move from beside the alerts to a band above them,
        so the alerts' first column has room for a whole ward's name."""
        narrow = width < NARROW
        if narrow == self.narrow:
            return
        self.narrow = narrow
        if narrow:
            self.outer.removeWidget(self.overview)
            self.main.insertWidget(self.main.indexOf(self.summary_box) + 1, self.overview)
            self.overview.set_columns(4)
        else:
            self.main.removeWidget(self.overview)
            self.outer.addWidget(self.overview, 0)
            self.overview.set_columns(1)

    # ------------------------------------------------------------------ loading
    def today(self) -> dt.date:
        return self._today()

    def refresh(self, ops) -> None:
        self.ops = ops
        today = self.today()
        # One worker runs jobs in order: the alerts first (what needs doing), then the register counts beside them.
        ops.query(lambda s: load_alerts(s, today), self.show_alerts, self._load_failed)
        self.overview.refresh(ops)

    def _load_failed(self, exc) -> None:
        self.status.setText(str(exc))
        self.status.show()

    def show_alerts(self, result) -> None:
        from peerdesk.services.alerts import KINDS

        alerts, areas, *rest = result
        self.alerts = alerts
        self.snoozed = rest[0] if rest else []
        self.snoozed_button.setText(t("ui.today.snoozed.button", n=len(self.snoozed)))
        self.snoozed_button.setEnabled(bool(self.snoozed))
        kinds = [k for k, area in KINDS.items() if area in areas]
        self.counts = {k: 0 for k in kinds}
        per_area = {area: 0 for area in areas}
        for a in alerts:
            self.counts[a.kind] = self.counts.get(a.kind, 0) + 1
            per_area[a.area] = per_area.get(a.area, 0) + 1
        self._fill_counts(kinds)
        # Fixed column widths while the rows go in: with ResizeToContents every new row widget made the
        # header measure all rows again (quadratic; seconds at national scale). Measured once at the end.
        header = self.tree.header()
        self.tree.setUpdatesEnabled(False)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        try:
            self._fill_tree(kinds)
        finally:
            for col in range(1, len(COLUMNS)):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
            self.tree.setUpdatesEnabled(True)
        total = len(alerts)
        self.status.setText(t("ui.today.summary", n=total, date=format_date(self.today())))
        self.empty.setVisible(total == 0)
        self.tree.setVisible(total > 0)
        self.counts_changed.emit(per_area)
        self.loaded.emit()

    def _fill_counts(self, kinds: list[str]) -> None:
        while self.summary.count():
            item = self.summary.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.count_labels = {}
        for i, kind in enumerate(kinds):
            row, col = divmod(i, 2)
            name = QLabel(t(f"ui.alerts.kind.{kind}"))
            value = QLabel(str(self.counts[kind]))
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(t(f"ui.alerts.kind.{kind}"))
            if self.counts[kind]:
                f = value.font()
                f.setBold(True)
                value.setFont(f)
            else:
                name.setEnabled(False)
                value.setEnabled(False)
            self.summary.addWidget(value, row, col * 2)
            self.summary.addWidget(name, row, col * 2 + 1)
            self.count_labels[kind] = value

    def _fill_tree(self, kinds: list[str]) -> None:
        self.tree.clear()
        self.action_buttons, self.ack_buttons = {}, {}
        self._more: dict[str, tuple] = {}  # kind -> (its group item, the alerts not shown yet)
        roles = self.ops.actor.roles if self.ops else frozenset()
        by_kind: dict[str, list] = {}
        for a in self.alerts:
            by_kind.setdefault(a.kind, []).append(a)
        # Rows go into their group before the group goes into the tree: an item added to a shown tree
        # costs a layout pass each (~1 ms; cProfile), 0.1 s for Today's hundred rows.
        groups, shown = [], []
        for kind in kinds:
            items = by_kind.get(kind)
            if not items:
                continue
            group = QTreeWidgetItem([f"{t(f'ui.alerts.kind.{kind}')} ({len(items)})"])
            f = group.font(0)
            f.setBold(True)
            group.setFont(0, f)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            # The most urgent first (alerts come sorted); at national scale a kind can have thousands, and a row
            # with its buttons costs a widget each, so the rest wait behind a "show all" row until asked for.
            rows = self._rows(group, items[:ROWS_PER_KIND])
            if len(items) > ROWS_PER_KIND:
                more = QTreeWidgetItem([t("ui.today.more", n=len(items) - ROWS_PER_KIND)])
                more.setData(0, Qt.ItemDataRole.UserRole, f"more:{kind}")
                group.addChild(more)
                self._more[kind] = (group, more, items[ROWS_PER_KIND:])
            groups.append(group)
            shown.append(rows)
        self.tree.addTopLevelItems(groups)
        # Spans take effect only once an item is in the tree; each relays out what is expanded, so all go
        # in before the groups open.
        for group in groups:
            group.setFirstColumnSpanned(True)
        for _group, more, _rest in self._more.values():
            more.setFirstColumnSpanned(True)
        for group, rows in zip(groups, shown):
            group.setExpanded(True)
            self._add_buttons(rows, roles)

    def _rows(self, group, items) -> list:
        rows = []
        for a in items:
            row = QTreeWidgetItem([_what(a), a.concerns.isoformat(), _status(a.overdue_days), t(f"ui.alerts.severity.{a.severity}"), ""])
            row.setData(0, Qt.ItemDataRole.UserRole, a.key)
            row.setToolTip(0, _what(a))
            if a.severity == "high":
                row.setForeground(3, Qt.GlobalColor.darkRed)
            rows.append((row, a))
        group.addChildren([row for row, _a in rows])
        return rows

    def _add_buttons(self, rows, roles) -> None:
        for row, a in rows:
            self.tree.setItemWidget(row, 4, self._buttons(a, roles))

    def show_all(self, kind: str) -> None:
        """Replace a group's "show all" row with the rest of its alerts."""
        group, more, rest = self._more.pop(kind, (None, None, ()))
        if group is None:
            return
        group.removeChild(more)
        self._add_buttons(self._rows(group, rest), self.ops.actor.roles if self.ops else frozenset())

    def _buttons(self, a, roles) -> QWidget:
        from peerdesk.models import Role

        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(2, 1, 2, 1)
        action = ACTIONS.get(a.kind)
        allowed = {
            "briefing": {Role.ADMINISTRATOR, Role.COORDINATOR},
            "followup_contact": {Role.ADMINISTRATOR, Role.COORDINATOR},
            "session": {Role.ADMINISTRATOR, Role.SUPERVISOR},
            "contract": {Role.ADMINISTRATOR, Role.COORDINATOR},
            "grant": {Role.ADMINISTRATOR, Role.COORDINATOR},
            "decide": {Role.ADMINISTRATOR, Role.COORDINATOR},
            "open_ward": {Role.ADMINISTRATOR, Role.COORDINATOR},
        }
        if action and set(roles) & allowed[action]:
            button = QPushButton(t(f"ui.today.action.{action}"))
            button.setAccessibleName(f"{t(f'ui.today.action.{action}')}: {_what(a)}")
            button.clicked.connect(lambda _=False, key=a.key: self.act(key))
            lay.addWidget(button)
            self.action_buttons[a.key] = button
        ack = QPushButton(t("ui.today.action.ack_short"))
        ack.setToolTip(t("ui.today.action.ack"))
        ack.setAccessibleName(f"{t('ui.today.action.ack')}: {_what(a)}")
        ack.clicked.connect(lambda _=False, key=a.key: self.acknowledge(key))
        lay.addWidget(ack)
        self.ack_buttons[a.key] = ack
        lay.addStretch(1)
        return box

    # ------------------------------------------------------------------ actions
    def alert(self, key: str):
        return next((a for a in self.alerts if a.key == key), None)

    def _activated(self, item, _column) -> None:
        key = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(key, str) and key.startswith("more:"):
            self.show_all(key[len("more:"):])
        elif key in self.action_buttons:
            self.act(key)
        elif key in self.ack_buttons:
            self.acknowledge(key)

    def menu_for(self, key: str):
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self.tree)
        menu.setAccessibleName(t("ui.today.list"))
        if key in self.action_buttons:
            menu.addAction(self.action_buttons[key].text(), lambda: self.act(key))
        menu.addAction(t("ui.today.action.ack"), lambda: self.acknowledge(key))
        return menu

    def _context_menu(self, pos) -> None:
        item = self.tree.itemAt(pos) if pos is not None else None
        item = item or self.tree.currentItem()
        key = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if key:
            self.menu_for(key).exec(self.tree.viewport().mapToGlobal(self.tree.visualItemRect(item).center()))

    def act(self, key: str) -> None:
        a = self.alert(key)
        if a is None or self.ops is None:
            return
        from peerdesk.ui.today.forms import BriefingForm, FollowUpForm, SessionForm  # only when someone acts

        action = ACTIONS.get(a.kind)
        if action == "grant":  # the grant's form in Funding: mark the report sent, or see what it pays for
            self.open_requested.emit("funding", a.record_id)
            return
        if action == "open_ward":  # the ward's page in Workplaces: its stage, briefings and history
            self.open_requested.emit("workplaces", a.workplace_id)
            return
        if action in ("briefing", "followup_contact"):
            form = BriefingForm(a.workplace_name or "", a.manager_name, self.today(),
                                kind="briefing" if action == "briefing" else "follow_up", parent=self)
            self._open(form, lambda v: self._log_briefing(a, v), {"briefings"})
        elif action == "session":
            from peerdesk.services import supervision

            self.ops.query(supervision.topics, lambda topics: self._open(
                SessionForm(a.person_name or "", self.today(), topics=topics, parent=self),
                lambda v: self._log_session(a, v), {"sessions"}))
        elif action == "contract":
            from peerdesk.services.alerts import contract_for_follow_up

            self.ops.query(lambda s: contract_for_follow_up(s, a.record_id),
                           lambda contract: self._open(FollowUpForm(a.person_name or "", contract, parent=self),
                                                       lambda v: self._add_period(a, contract, v), {"contracts"}))
        elif action == "decide":
            from peerdesk.ui.contracts.decision_dialog import DecisionDialog

            form = DecisionDialog(self.ops, a.record_id, self.today(), parent=self)
            self.form = form
            # The alert goes (or changes) when the decision or the handed-over date is saved: the window
            # refreshes Today on every saved change (ops.data_changed).
            form.finished.connect(lambda _r: setattr(self, "form", None) if self.form is form else None)
            form.open()

    def acknowledge(self, key: str) -> None:
        a = self.alert(key)
        if a is None or self.ops is None:
            return
        from peerdesk.ui.today.forms import AcknowledgeForm

        today = self.today()
        what = f"{t(f'ui.alerts.kind.{a.kind}')}: {_what(a)}"

        def work(values):
            def run(s):
                from peerdesk.services import alerts

                alerts.acknowledge(s, key, values["reason"], values["until"], today=today)

            return run

        self._open(AcknowledgeForm(what, today, parent=self), work, {"alerts"})

    def show_snoozed(self) -> None:
        """The alerts put aside, each with "Bring back"."""
        from peerdesk.ui.today.snoozed_dialog import SnoozedDialog

        self.form = SnoozedDialog(self, self)
        self.form.finished.connect(lambda _r, d=self.form: setattr(self, "form", None) if self.form is d else None)
        self.form.open()

    def _open(self, form, make_work, changes: set[str]) -> None:
        """Show `form`; on save run the work it describes, close it on success, keep it open with the error otherwise."""
        from peerdesk.ui.common.dialog_form import open_form

        self.form = form
        form.finished.connect(lambda _r: setattr(self, "form", None) if self.form is form else None)
        open_form(self.ops, form, make_work, changes)

    def _log_briefing(self, a, v):
        manager_ids = [a.manager_id] if a.manager_id and a.kind == "new_manager" else []
        user_id = self.ops.actor.user_id

        def work(s):
            from peerdesk.services import workplaces

            if a.kind == "contact_gap":  # a follow-up with whoever manages the ward now
                tenure = workplaces.current_tenure(s, a.workplace_id, v["held_on"])
                ids = [tenure.manager_id] if tenure else []
            else:
                ids = manager_ids
            workplaces.log_briefing(s, a.workplace_id, v["held_on"], manager_ids=ids, kind=v["kind"], held_by_id=user_id,
                                    staff_count=v["staff_count"], summary=v["summary"])

        return work

    def _log_session(self, a, v):
        user_id = self.ops.actor.user_id

        def work(s):
            from peerdesk.services import supervision

            supervision.log_session(s, v["held_on"], [a.peer_supporter_id], duration_minutes=v["duration_minutes"], form=v["form"],
                                    supervisor_id=user_id, topic_ids=v["topic_ids"], notes=v["notes"])

        return work

    def _add_period(self, a, contract, v):
        def work(s):
            from peerdesk.models import ContractPeriod
            from peerdesk.services import records

            records.create(s, ContractPeriod, peer_supporter_id=a.peer_supporter_id, **v)

        return work
