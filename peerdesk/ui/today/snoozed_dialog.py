"""The alerts someone put aside (acknowledged/snoozed), with why and until when, and a
"Bring back" button on each that removes the snooze, so the alert is on Today again at once."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import error_label

COLUMNS = ("what", "until", "reason", "actions")


def describe(a) -> str:
    """What the alert is about, as on the Today page: kind, then who/where."""
    parts = [p for p in (a.person_name, a.workplace_name) if p]
    if a.manager_name and not a.person_name:
        parts.append(a.manager_name)
    if a.subject and not parts:  # a grant: its funder and reference
        parts.append(a.subject)
    return f"{t(f'ui.alerts.kind.{a.kind}')}: {' – '.join(parts) or a.key}"


class SnoozedDialog(QDialog):
    """Shows `page.snoozed` and follows the page: after a bring-back the page reloads and so does the list."""

    def __init__(self, page, parent=None) -> None:
        super().__init__(parent)
        self.page = page
        self.setWindowTitle(t("ui.today.snoozed.title"))
        self.setAccessibleName(t("ui.today.snoozed.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.today.snoozed.intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(t("ui.today.snoozed.title"))
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([t(f"ui.today.snoozed.col.{c}") for c in COLUMNS])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        layout.addWidget(self.tree, 1)
        self.empty = QLabel(t("ui.today.snoozed.none"))
        layout.addWidget(self.empty)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("ui.today.snoozed.close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 360)
        self.buttons: dict[str, QPushButton] = {}
        page.loaded.connect(self.fill)
        self.fill()

    def fill(self) -> None:
        self.tree.clear()
        self.buttons = {}
        for a in self.page.snoozed:
            item = QTreeWidgetItem([describe(a), a.snoozed_until.isoformat() if a.snoozed_until else "", a.snooze_reason or "", ""])
            item.setToolTip(0, describe(a))
            item.setToolTip(2, a.snooze_reason or "")
            self.tree.addTopLevelItem(item)
            button = QPushButton(t("ui.today.snoozed.bring_back"))
            button.setAccessibleName(f"{t('ui.today.snoozed.bring_back')}: {describe(a)}")
            button.clicked.connect(lambda _=False, key=a.key: self.bring_back(key))
            self.tree.setItemWidget(item, 3, button)
            self.buttons[a.key] = button
        self.empty.setVisible(not self.page.snoozed)
        self.tree.setVisible(bool(self.page.snoozed))
        if self.buttons:
            next(iter(self.buttons.values())).setFocus()

    def bring_back(self, key: str) -> None:
        from peerdesk.services import alerts
        from peerdesk.ui.operations import is_user_error

        ops, today = self.page.ops, self.page.today()
        button = self.buttons.get(key)
        if ops is None or button is None:
            return
        button.setEnabled(False)
        self.error.hide()

        def failed(exc):
            self.error.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
            self.error.show()
            if not is_user_error(exc):
                ops.failed.emit(exc)
            self.page.refresh(ops)  # whatever happened meanwhile, show it

        ops.mutate(lambda s: alerts.bring_back(s, key, today=today), {"alerts"}, None, failed)
