"""Settings → Accounts (administrators): the office's staff accounts; add, edit, deactivate or
reactivate, reset a password. A one-time password is shown once, with a Copy button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.ui.common.dialog_form import DialogForm, list_table
from peerdesk.ui.common.rows_model import RowsModel
from peerdesk.ui.operations import alive

CHANGES = {"users"}


class AccountsModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(("username", "display_name", "roles", "active", "must_change_password"), "ui.accounts.col.", parent)

    def text(self, row, column: str) -> str:
        value = self.value(row, column)
        if column == "roles":
            return ", ".join(t(f"ui.role.{r}") for r in value)
        if column in ("active", "must_change_password"):
            return t("cli.user.yes") if value else t("cli.user.no")
        return super().text(row, column)


class AccountDialog(DialogForm):
    """A new account (user name, name, roles) or an existing one's name and roles."""

    def __init__(self, parent: QWidget | None = None, account=None) -> None:
        title = t("ui.accounts.edit_title", user=account.username) if account else t("ui.accounts.add_title")
        super().__init__(title, t("ui.accounts.edit_text" if account else "ui.accounts.add_text"), parent)
        self.account = account
        self.username = self.add_row("ui.accounts.field.username", QLineEdit(account.username if account else ""))
        self.username.setReadOnly(account is not None)  # a user name stays: the audit trail names it
        self.display_name = self.add_row("ui.accounts.field.name", QLineEdit(account.display_name if account else ""))
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.roles: dict[str, QCheckBox] = {}
        for role in Role:
            check = QCheckBox(t(f"ui.role.{role.value}"))
            check.setChecked(bool(account and role.value in account.roles))
            self.roles[role.value] = check
            row.addWidget(check)
        row.addStretch(1)
        self.add_row("ui.accounts.field.roles", box)
        (self.display_name if account else self.username).setFocus()

    def values(self) -> dict:
        return {"username": self.username.text(), "display_name": self.display_name.text(),
                "roles": [r for r, check in self.roles.items() if check.isChecked()]}


class OneTimePasswordDialog(QDialog):
    """The one-time password, shown this once: to copy or read out; it is not stored in clear anywhere."""

    def __init__(self, username: str, password: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.accounts.one_time_title"))
        layout = QVBoxLayout(self)
        text = QLabel(t("ui.accounts.one_time_text", user=username))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.password = QLineEdit(password)
        self.password.setReadOnly(True)
        self.password.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.password.setAccessibleName(t("ui.accounts.one_time_title"))
        layout.addWidget(self.password)
        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton(t("ui.accounts.copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(t("ui.accounts.close"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.copied = QLabel()
        layout.addWidget(self.copied)
        self.password.selectAll()
        self.password.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.password.text())
        self.copied.setText(t("ui.accounts.copied"))


class AccountsPanel(QWidget):
    loaded = Signal()
    one_time_shown = Signal(object)  # the OneTimePasswordDialog, once it is open

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.dialog = None
        layout = QVBoxLayout(self)
        self.model = AccountsModel(self)
        self.table = list_table(self.model, t("ui.accounts.title"))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(t("ui.accounts.add"))
        self.edit_button = QPushButton(t("ui.accounts.edit"))
        self.active_button = QPushButton(t("ui.accounts.deactivate"))
        self.reset_button = QPushButton(t("ui.accounts.reset"))
        for button in (self.add_button, self.edit_button, self.active_button, self.reset_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.doubleClicked.connect(lambda _i: self.edit())
        ops.data_changed.connect(alive(self, lambda changes: "users" in changes and self.refresh()))
        self._selection_changed()

    # ------------------------------------------------------------ list
    def refresh(self) -> None:
        from peerdesk.services import accounts

        current = self.selected()
        keep = current.id if current else None

        def show(rows) -> None:
            self.model.set_rows(rows)
            for i, a in enumerate(rows):
                if a.id == keep:
                    self.table.selectRow(i)
            self._selection_changed()
            self.loaded.emit()

        self.ops.query(accounts.list_accounts, alive(self, show))

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[rows[0].row()] if rows else None

    def select_username(self, username: str) -> None:
        for i, a in enumerate(self.model.rows):
            if a.username == username:
                self.table.selectRow(i)

    def _selection_changed(self) -> None:
        account = self.selected()
        for button in (self.edit_button, self.active_button, self.reset_button):
            button.setEnabled(account is not None)
        self.active_button.setText(t("ui.accounts.reactivate" if account and not account.active else "ui.accounts.deactivate"))

    # ------------------------------------------------------------ actions
    def add(self) -> None:
        from peerdesk.services import accounts

        self.dialog = AccountDialog(self)

        def work(values):
            return lambda s: accounts.add_account(s, values["username"], values["display_name"], values["roles"])

        self._open(work, self._show_one_time)

    def edit(self) -> None:
        from peerdesk.services import accounts

        account = self.selected()
        if account is None:
            return
        self.dialog = AccountDialog(self, account)

        def work(values):
            return lambda s: accounts.edit_account(s, account.id, display_name=values["display_name"], roles=values["roles"])

        self._open(work, lambda a: self.status.setText(t("ui.accounts.saved", user=a.username)))

    def _open(self, make_work, on_done) -> None:
        from peerdesk.ui.operations import is_user_error

        form = self.dialog

        def save(values):
            def failed(exc):
                form.show_error(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
                if not is_user_error(exc):
                    self.ops.failed.emit(exc)

            def done(result):
                form.finish()
                on_done(result)

            self.ops.mutate(make_work(values), CHANGES, alive(self, done), alive(self, failed))

        form.submitted.connect(save)
        form.open()

    def toggle_active(self) -> None:
        from peerdesk.services import accounts

        account = self.selected()
        if account is None:
            return
        active = not account.active

        def done(a) -> None:
            self.status.setText(t("ui.accounts.reactivated" if a.active else "ui.accounts.deactivated", user=a.username))

        def failed(exc) -> None:
            self.status.setText(exc.message if hasattr(exc, "message") else t("ui.today.form.failed"))

        self.ops.mutate(lambda s: accounts.set_active(s, account.id, active), CHANGES, alive(self, done), alive(self, failed))

    def reset_password(self) -> None:
        from peerdesk.services import accounts

        account = self.selected()
        if account is None:
            return
        answer = QMessageBox.question(self, t("ui.accounts.reset_title"), t("ui.accounts.reset_confirm", user=account.username))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ops.mutate(lambda s: accounts.reset_password(s, account.id), CHANGES, alive(self, self._show_one_time))

    def _show_one_time(self, result) -> None:
        self.status.setText(t("ui.accounts.saved", user=result.account.username))
        dialog = OneTimePasswordDialog(result.account.username, result.password, self)
        self.one_time_dialog = dialog
        dialog.open()
        self.one_time_shown.emit(dialog)
