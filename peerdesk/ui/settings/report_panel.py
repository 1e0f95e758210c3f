"""The round report's settings an office chooses: the minimum share of an instrument's items a
respondent must answer to count in a group's overall mean (`report.min_share_answered`)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from peerdesk.i18n import t

KEY = "report.min_share_answered"


class ReportSettings(QWidget):
    """One row: the share in per cent, Save, and what happened. Administrators change it (services.settings
    refuses anyone else); an evaluator sees the share the reports use."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from peerdesk.models import Role
        from peerdesk.services.settings import MIN_SHARE_ANSWERED

        self._ops = ops
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.share = QSpinBox()
        self.share.setRange(round(MIN_SHARE_ANSWERED[0] * 100), round(MIN_SHARE_ANSWERED[1] * 100))
        self.share.setSingleStep(5)
        self.share.setSuffix(" %")
        self.share.setAccessibleName(t("field.min_share_answered"))
        self.share.setToolTip(t("ui.settings.min_share_hint"))
        label = QLabel(t("field.min_share_answered"))
        label.setBuddy(self.share)
        label.setToolTip(t("ui.settings.min_share_hint"))
        row.addWidget(label)
        row.addWidget(self.share)
        self.save_button = QPushButton(t("ui.form.save"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        if not ops.actor.has(Role.ADMINISTRATOR):
            self.share.setEnabled(False)
            self.save_button.hide()
            self.status.setText(t("ui.settings.admin_only"))
        self.share.lineEdit().returnPressed.connect(self.save)

    def load(self) -> None:
        from peerdesk.services.settings import checked_setting
        from peerdesk.ui.operations import alive

        self._ops.query(lambda s: checked_setting(s, KEY), alive(self, self._show), alive(self, self._failed))

    def _show(self, share: float) -> None:
        self.share.setValue(round(share * 100))

    def save(self) -> None:
        from peerdesk.services.settings import set_setting
        from peerdesk.ui.operations import alive

        if not self.save_button.isVisible():
            return
        value = self.share.value() / 100
        self.save_button.setEnabled(False)

        def done(_result) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(t("ui.settings.min_share_saved", share=self.share.value()))

        def failed(exc) -> None:
            self.save_button.setEnabled(True)
            self._failed(exc)

        self._ops.mutate(lambda s: set_setting(s, KEY, value), {"settings"}, alive(self, done), alive(self, failed))

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        if is_user_error(exc):  # a bad value stored behind PeerDesk's back, or a refused one: said here
            self.status.setText(exc.message)
            return
        self._ops.failed.emit(exc)
