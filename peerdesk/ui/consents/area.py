"""The Consents area: the consent register and forms, and (for administrators) data-subject rights."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.ui.consents.consents_page import ConsentsPage
from peerdesk.ui.consents.data_rights_page import DataRightsPage


class ConsentsArea(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-consents")
        self.ops = ops
        self.tabs = QTabWidget()
        self.consents = ConsentsPage()
        self.tabs.addTab(self.consents, t("ui.consents.title"))
        self.rights = None
        if ops.actor.has(Role.ADMINISTRATOR):  # register extracts and erasure are the administrator's
            self.rights = DataRightsPage()
            self.tabs.addTab(self.rights, t("ui.rights.title"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def start(self) -> None:
        self.consents.attach(self.ops)
        if self.rights is not None:
            self.rights.attach(self.ops)
