"""Peer supporters and training cohorts: the registers, and everything about one person on one page."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.operations import alive
from peerdesk.ui.common.fit import ElidedLabel
from peerdesk.ui.common.form import Field
from peerdesk.ui.common.history import SmallTable, heading
from peerdesk.ui.common.panel import RegisterPanel, rights
from peerdesk.ui.common.style import choice_text, value_text

PEOPLE_COLUMNS = ("last_name", "first_name", "status", "cohort_id", "region", "certified_on")
PEOPLE_STATUSES = ("active", "in_training", "certified", "placed", "left")
PEOPLE_FIELDS = [
    Field("first_name", required=True),
    Field("last_name", required=True),
    Field("personal_number"),
    Field("email"),
    Field("phone"),
    Field("address"),
    Field("region"),
    Field("cohort_id", "ref", ref="cohorts"),
    Field("supervisor_id", "ref", ref="supervisors"),  # access to session notes follows this
    Field("certified_on", "date"),
    Field("status", "choice", choices=("in_training", "certified", "placed", "left"), default="in_training"),
    Field("left_on", "date"),
    Field("left_reason"),
]
COHORT_COLUMNS = ("name", "start_date", "end_date", "location", "participants")
COHORT_FIELDS = [
    Field("name", required=True),
    Field("start_date", "date", required=True),
    Field("end_date", "date"),
    Field("location"),
]


def _overview(person_id: int):
    def work(s):
        from peerdesk.services.registers import person_overview

        return person_overview(s, person_id)

    return work


class PersonHistory(QWidget):
    """Cohort, certification, placements, contract periods, supervision (count and last date only) and consents."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.person_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(t("ui.person.overview")))
        facts = QFormLayout()
        # Facts that may be long (a cohort's name) give way with "…" rather than widen the detail view.
        self.cohort = ElidedLabel()
        self.certified = QLabel()
        self.status = QLabel()
        self.supervision = QLabel()
        self.supervision.setWordWrap(True)
        for key, label in (("field.cohort_id", self.cohort), ("field.certified_on", self.certified),
                           ("field.status", self.status), ("ui.person.supervision", self.supervision)):
            label.setAccessibleName(t(key))
            facts.addRow(t(key), label)
        layout.addLayout(facts)
        layout.addWidget(heading(t("kind.placements")))
        self.placements = SmallTable(("field.workplace_id", "field.start_date", "field.end_date", "field.extent_percent"),
                                     "kind.placements")
        layout.addWidget(self.placements)
        self.contracts_heading = heading(t("kind.contracts"))
        layout.addWidget(self.contracts_heading)
        self.contracts = SmallTable(("field.form", "field.start_date", "field.end_date", "field.extent_percent",
                                     "field.employer"), "kind.contracts")
        layout.addWidget(self.contracts)
        self.consents_heading = heading(t("kind.consents"))
        layout.addWidget(self.consents_heading)
        self.consents = SmallTable(("field.study_id", "field.informant_role", "field.signed_on", "field.valid_until",
                                    "field.withdrawn_on"), "kind.consents")
        layout.addWidget(self.consents)
        self.setVisible(False)

    def clear(self) -> None:
        self.person_id = None
        self.setVisible(False)

    def show_for(self, person_id: int) -> None:
        self.person_id = person_id
        self.ops.query(_overview(person_id), alive(self, self.show_overview), alive(self, lambda exc: self.clear()))

    def show_overview(self, o) -> None:
        self.cohort.setText(o.cohort or "–")
        self.certified.setText(o.certified_on or "–")
        status = choice_text(o.status)
        self.status.setText(status + (f" ({o.left_on})" if o.left_on else ""))
        self.supervision.setText(
            t("ui.person.supervision_summary", n=o.supervision_count, last=o.supervision_last)
            if o.supervision_count else t("ui.person.no_supervision"))
        self.placements.set_rows([(w, a, b or "", value_text("extent_percent", e)) for w, a, b, e in o.placements])
        for heading_label, table, rows in ((self.contracts_heading, self.contracts, o.contracts),
                                           (self.consents_heading, self.consents, o.consents)):
            heading_label.setVisible(rows is not None)
            table.setVisible(rows is not None)
        if o.contracts is not None:
            self.contracts.set_rows([(choice_text(f), a, b or "", value_text("extent_percent", e), emp)
                                     for f, a, b, e, emp in o.contracts])
        if o.consents is not None:
            self.consents.set_rows([(st, choice_text(r), a or "", b or "", w or "") for st, r, a, b, w in o.consents])
        self.setVisible(True)


class PeopleArea(QTabWidget):
    """Sidebar entry "Peer supporters": the people register and the training cohorts."""

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area-people")
        self.setDocumentMode(True)
        self.people = RegisterPanel(ops, "people", PEOPLE_COLUMNS, PEOPLE_FIELDS, PEOPLE_STATUSES,
                                    history=PersonHistory(ops))
        self.addTab(self.people, t("kind.people"))
        self.panels = [self.people]
        if rights(ops, "cohorts")[0]:
            self.cohorts = RegisterPanel(ops, "cohorts", COHORT_COLUMNS, COHORT_FIELDS)
            self.addTab(self.cohorts, t("kind.cohorts"))
            self.panels.append(self.cohorts)

    def start(self) -> None:
        for panel in self.panels:
            panel.start()

    def open_record(self, record_id: int) -> None:
        self.setCurrentWidget(self.people)
        self.people.form.confirm_leave(lambda: self.people.open(record_id))
