"""Settings kept on this computer: the language of the window (stored in QSettings)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from peerdesk.i18n import language, t
from peerdesk.ui.common.panel import title_label
from peerdesk.ui.common.style import LANGUAGE_KEY, saved_language, set_setting, setting_str  # noqa: F401 (re-exported)


class SettingsArea(QWidget):
    language_changed = Signal(str)

    def __init__(self, ops=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-settings")
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(t("ui.nav.settings")))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.language = QComboBox()
        self.language.setAccessibleName(t("ui.settings.language"))
        self.language.addItem("Svenska", "sv")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(self.language.findData(language()))
        self.language.setMinimumContentsLength(16)
        self.language.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        label = QLabel(t("ui.settings.language"))
        label.setBuddy(self.language)
        form.addRow(label, self.language)
        layout.addLayout(form)
        hint = QLabel(t("ui.settings.language_hint"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        if ops is not None:
            who = QLabel(t("ui.settings.user", user=ops.actor.username,
                           roles=", ".join(sorted(t(f"ui.role.{r.value}") for r in ops.actor.roles))))
            who.setWordWrap(True)
            layout.addWidget(who)
            self.password_button = QPushButton(t("ui.password.title"))
            self.password_button.clicked.connect(lambda: self._change_password(ops))
            layout.addWidget(self.password_button)
            from peerdesk.models import Role

            self._ops = ops
            self.report_settings = None
            if ops.actor.has(Role.ADMINISTRATOR, Role.EVALUATOR):  # how the round report counts respondents
                from peerdesk.ui.settings.report_panel import ReportSettings

                self.report_settings = ReportSettings(ops, self)
                layout.addWidget(self.report_settings)

            if ops.actor.has(Role.ADMINISTRATOR):  # the audit trail is the administrator's
                from peerdesk.ui.audit.audit_page import AuditPage

                row = QHBoxLayout()
                self.export_all_button = QPushButton(t("ui.export_all.button"))
                self.export_all_button.setToolTip(t("ui.export_all.tip"))
                self.export_all_button.clicked.connect(lambda: self.export_all())
                row.addWidget(self.export_all_button)
                from PySide6.QtWidgets import QCheckBox

                self.export_all_encrypt = QCheckBox(t("ui.export_all.encrypt"))  # AES-256, asks for a password
                self.export_all_encrypt.toggled.connect(self._encrypt_toggled)
                row.addWidget(self.export_all_encrypt)
                self.export_all_status = QLabel(t("ui.export_all.warning"))  # said before anything is saved
                self.export_all_status.setWordWrap(True)
                row.addWidget(self.export_all_status, 1)
                self.restore_button = QPushButton(t("ui.restore.button"))
                self.restore_button.setToolTip(t("ui.restore.tip"))
                self.restore_button.clicked.connect(lambda: self.restore_backup())
                self.restore_confirm = None  # the open confirmation, while it is asked
                row.addWidget(self.restore_button)
                layout.addLayout(row)
                # Shown only when the audit trail's protections are missing (triggers, anchors).
                self.protection_warning = QLabel()
                self.protection_warning.setObjectName("protection-warning")
                self.protection_warning.setWordWrap(True)
                self.protection_warning.setStyleSheet("color: #b00020; font-weight: bold;")
                self.protection_warning.hide()
                layout.addWidget(self.protection_warning)
                from PySide6.QtWidgets import QTabWidget

                from peerdesk.ui.settings.accounts_panel import AccountsPanel

                # Accounts and the audit trail as tabs: both need the height of the window (1024×640 too).
                self.admin_tabs = QTabWidget()
                self.accounts = AccountsPanel(ops, self)
                self.admin_tabs.addTab(self.accounts, t("ui.accounts.title"))
                self.audit = AuditPage(self)
                self.admin_tabs.addTab(self.audit, t("ui.audit.title"))
                layout.addWidget(self.admin_tabs, 1)
                self._ops = ops
        if getattr(self, "audit", None) is None:
            layout.addStretch(1)
        self.language.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        lang = self.language.currentData()
        if lang and lang != language():
            set_setting(LANGUAGE_KEY, lang)
            self.language_changed.emit(lang)

    def _change_password(self, ops) -> None:
        from peerdesk.ui.security.change_password import ChangePasswordDialog

        self.password_dialog = ChangePasswordDialog(ops, self)
        self.password_dialog.open()

    def _encrypt_toggled(self, on: bool) -> None:
        self.export_all_status.setText(t("ui.export_all.will_encrypt") if on else t("ui.export_all.warning"))

    def _ask_export_password(self) -> str | None:
        """The archive's password, typed twice; None when cancelled or the two differ (said below the button)."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        first, ok = QInputDialog.getText(self, t("ui.export_all.button"), t("cli.export_all.password"), QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if not first:
            self.export_all_status.setText(t("error.export_password_needed_ui"))
            return None
        again, ok = QInputDialog.getText(self, t("ui.export_all.button"), t("cli.export_all.password_again"), QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if again != first:
            self.export_all_status.setText(t("ui.export_all.password_mismatch"))
            return None
        return first

    def export_all(self, path: str | None = None) -> None:
        """The whole office as a zip of CSV files + schema.json (administrators), in the background; audited."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("ui.export_all.button"), "peerdesk-export.zip", "Zip (*.zip)")
        if not path:
            return
        if not path.lower().endswith(".zip"):
            path += ".zip"
        password = None
        if self.export_all_encrypt.isChecked():
            password = self._ask_export_password()
            if password is None:
                return
        from peerdesk.ui.operations import alive

        def work(s):
            from peerdesk.services.office_export import export_all

            return export_all(s, path, password=password)

        self.export_all_button.setEnabled(False)
        self.export_all_status.setText(t("ui.export_all.working"))

        def done(result) -> None:
            self.export_all_button.setEnabled(True)
            self.export_all_status.setText(t("ui.export_all.done_encrypted" if password else "ui.export_all.done", file=result.path.name, tables_text=t("count.tables", n=result.tables), rows_text=t("count.rows", n=result.rows)))

        def failed(exc) -> None:
            from peerdesk.errors import PeerDeskError

            self.export_all_button.setEnabled(True)
            if isinstance(exc, PeerDeskError):  # the folder is missing or not writable, the disk is full: say which
                self.export_all_status.setText(exc.message)
                return
            self.export_all_status.setText(t("ui.export_all.warning"))
            self._ops.failed.emit(exc)

        self._ops.mutate(work, set(), alive(self, done), alive(self, failed))

    def start(self) -> None:
        if getattr(self, "report_settings", None) is not None:
            self.report_settings.load()
        if getattr(self, "audit", None) is not None:
            self.audit.attach(self._ops)
            self.accounts.refresh()
            self._check_protection()

    # ------------------------------------------------------------ the audit trail's protections
    def _check_protection(self) -> None:
        from peerdesk.ui.operations import alive

        db = self._ops.db

        def work(s):
            from peerdesk.services import audit_protection
            from peerdesk.storage import anchors

            status = audit_protection.quick_status(s, db)
            bad = sum(status.count(v) for v in (anchors.TRUNCATED, anchors.REWRITTEN, anchors.INVALID))
            return status.missing_triggers, bad

        self._ops.query(work, alive(self, self._show_protection), alive(self, lambda exc: None))

    def _show_protection(self, found) -> None:
        missing, bad = found
        lines = []
        if missing:
            lines.append(t("ui.settings.audit_unprotected", names=", ".join(missing)))
        if bad:
            lines.append(t("ui.settings.anchors_mismatch", n=bad))
        self.protection_warning.setText("\n".join(lines))
        self.protection_warning.setVisible(bool(lines))

    # ------------------------------------------------------------ restore
    def restore_backup(self, path: str | None = None) -> None:
        """Pick a backup, check it in the background, ask (twice as plainly for another office's), restore."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, t("ui.restore.button"), "", t("ui.restore.filter"))
        if not path:
            return
        from peerdesk.ui.operations import alive

        db = self._ops.db
        self.restore_button.setEnabled(False)

        def checked(other: bool) -> None:
            self.restore_button.setEnabled(True)
            self._confirm_restore(path, other)

        def failed(exc) -> None:
            self.restore_button.setEnabled(True)
            self._ops.failed.emit(exc)

        from peerdesk.storage.restoring import is_other_office

        self._ops.run(lambda: is_other_office(db, path), alive(self, checked), alive(self, failed))

    def _confirm_restore(self, path: str, other: bool) -> None:
        from pathlib import Path

        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setWindowTitle(t("ui.restore.button"))
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(t("ui.restore.confirm_other" if other else "ui.restore.confirm", file=Path(path).name))
        self.restore_go = box.addButton(t("ui.restore.do_other" if other else "ui.restore.do"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone never replaces the data
        self.restore_confirm = box

        def answered(button) -> None:
            self.restore_confirm = None
            if button is self.restore_go:
                self._restore(path, other)

        box.buttonClicked.connect(answered)
        box.open()

    def _restore(self, path: str, other: bool) -> None:
        from pathlib import Path

        from peerdesk.storage.restoring import restore
        from peerdesk.ui.operations import alive

        ops, window = self._ops, self.window()
        self.restore_button.setEnabled(False)
        self.export_all_status.setText(t("ui.restore.working"))

        def done(result) -> None:
            # The window showed the data before the restore: log out, so the next login sees the restored office.
            window.session.log_out()
            window.statusBar().showMessage(t("ui.restore.done", file=Path(path).name, n=result.dropped))

        def failed(exc) -> None:
            self.restore_button.setEnabled(True)
            self.export_all_status.setText("")
            ops.failed.emit(exc)

        ops.run(lambda: restore(ops.db, path, ops.actor, other_office=other), done, alive(self, failed))
