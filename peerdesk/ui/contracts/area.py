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
    Field("grant_id", "ref", ref="grants"),
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
    Field("grant_id", "ref", ref="grants"),
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
            from peerdesk.services.access import READ_RIGHTS

            # A supervisor reads placements but has no business with money: no Grant field for them.
            fields = PLACEMENT_FIELDS if ops.actor.roles & READ_RIGHTS["grants"] else [
                f for f in PLACEMENT_FIELDS if f.name != "grant_id"]
            self.placements = RegisterPanel(ops, "placements", PLACEMENT_COLUMNS, fields, ("running", "ended"))
            self.addTab(self.placements, t("kind.placements"))
            self.panels.append(self.placements)

        for panel in self.panels:
            panel.form.saved.connect(lambda record_id, p=panel: self._check_funding(p, record_id))

    def _check_funding(self, panel, record_id: int) -> None:
        """After a save: a period outside its grant's, or a ward the grant does not cover, is said under the
        Grant field (saved all the same: offices bridge gaps)."""
        if "grant_id" not in panel.form.fields or panel.form.value("grant_id") is None:
            return

        def work(s):
            from peerdesk.services.funding import funding_warnings

            return funding_warnings(s, panel.name, record_id)

        def show(warnings: list[str]) -> None:
            line = panel.form.errors["grant_id"]
            if warnings and panel.form.record_id == record_id:
                line.setText("\n".join(warnings))
                line.show()

        from peerdesk.ui.operations import alive

        panel.form.ops.query(work, alive(panel.form, show), lambda exc: None)

    def start(self) -> None:
        for panel in self.panels:
            panel.start()
