"""Placements and employment contract periods."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.form import Field
from peerdesk.ui.common.panel import RegisterPanel, rights

PLACEMENT_COLUMNS = ("peer_supporter_id", "workplace_id", "start_date", "end_date", "extent_percent", "intro_end")
PLACEMENT_FIELDS = [
    Field("peer_supporter_id", "ref", ref="people", required=True),
    Field("workplace_id", "ref", ref="workplaces", required=True),
    Field("start_date", "date", required=True),
    Field("end_date", "date"),
    Field("extent_percent", "int", required=True, default=50),
    Field("intro_end", "date"),
]
# The decision at the period's end and the day the person was told are shown here; they are made in the
# decision dialog (ui/contracts/decision_dialog.py, from Today), where the rules hold, not in the form.
CONTRACT_COLUMNS = ("peer_supporter_id", "form", "start_date", "end_date", "extent_percent", "employer", "funding_source",
                    "continuation_decision", "told_on")
CONTRACT_FIELDS = [
    Field("peer_supporter_id", "ref", ref="people", required=True),
    Field("employer", required=True),
    Field("form", "choice", choices=("fixed_term", "permanent"), required=True, default="fixed_term"),
    Field("start_date", "date", required=True),
    Field("end_date", "date"),
    Field("extent_percent", "int", required=True, default=50),
    Field("funding_source"),
]


class ContractsArea(QTabWidget):
    """Sidebar entry "Contracts": placements and contract periods (contracts only for roles that may see them)."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-contracts")
        self.setDocumentMode(True)
        self.panels = []
        self.placements = self.contracts = None
        if rights(ops, "contracts")[0]:
            self.contracts = RegisterPanel(ops, "contracts", CONTRACT_COLUMNS, CONTRACT_FIELDS,
                                           ("running", "ending_soon", "ended", "fixed_term", "permanent"))
            self.addTab(self.contracts, t("kind.contracts"))
            self.panels.append(self.contracts)
        if rights(ops, "placements")[0]:
            self.placements = RegisterPanel(ops, "placements", PLACEMENT_COLUMNS, PLACEMENT_FIELDS, ("running", "ended"))
            self.addTab(self.placements, t("kind.placements"))
            self.panels.append(self.placements)

    def start(self) -> None:
        for panel in self.panels:
            panel.start()
