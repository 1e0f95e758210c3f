"""The applicants and where each stands (story received, interviewed, decision), filterable by stage and
cohort; forms to add and edit an applicant and to record the interview; and the decision, where
"Accept into cohort" makes the applicant a peer supporter in training in that cohort in one step."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from peerdesk.i18n import format_date, t
from peerdesk.ui.common.dialog_form import DialogForm, list_table, open_form
from peerdesk.ui.common.rows_model import RowsModel
from peerdesk.ui.common.style import choice_text
from peerdesk.ui.operations import alive, is_user_error

# Where each stands first (it must fit at 1024 px); who interviewed last, where the row has room left.
COLUMNS = ("name", "stage", "cohort_name", "story_received_on", "interviewed_on", "decided_on", "source", "applied_on",
           "interviewers")
SOURCES = ("advertisement", "user_organisation", "care_referral", "earlier_participant", "other_channel")
CHANGES = {"applicants", "people", "cohorts"}


class ApplicantsModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, "ui.recruitment.col.", parent)

    def text(self, row, column: str) -> str:
        value = self.value(row, column)
        if column in ("source", "stage"):
            return choice_text(value)
        if column == "interviewers":
            return ", ".join(value)
        if isinstance(value, dt.date):
            return format_date(value)
        return "" if value is None else str(value)


def _combo(items: list[tuple[str, object]], name: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for text, data in items:
        box.addItem(text, data)
    return box


class ApplicantForm(DialogForm):
    """Add or edit an applicant. Once accepted, name and contact details are the peer supporter's (People)."""

    def __init__(self, row=None, parent: QWidget | None = None) -> None:
        title = t("ui.recruitment.edit_title") if row else t("ui.recruitment.new_title")
        super().__init__(title, t("ui.recruitment.form_context"), parent)
        self.row = row
        accepted = bool(row and row.peer_supporter_id)
        self.edits: dict[str, QLineEdit] = {}
        for key, required in (("first_name", True), ("last_name", True), ("email", False), ("phone", False),
                              ("address", False), ("region", False)):
            edit = QLineEdit()
            if row is not None and not accepted:
                edit.setText(getattr(row, key) or "")
            edit.setEnabled(not accepted)
            self.edits[key] = self.add_row(f"field.{key}", edit, required=required and not accepted, name=key)
        self.source = self.add_row("field.source", _combo([(choice_text(s), s) for s in SOURCES], t("field.source")),
                                   name="source")
        self.source.setCurrentIndex(max(0, self.source.findData(row.source if row else "other_channel")))
        self.applied = self.date_field("field.applied_on", row.applied_on if row else dt.date.today(), required=False,
                                       warn_future=True, name="applied_on")
        self.story = self.date_field("field.story_received_on", row.story_received_on if row else None, required=False,
                                     warn_future=True, name="story_received_on")
        if accepted:
            note = QLabel(t("ui.recruitment.details_on_peer"))
            note.setWordWrap(True)
            self.form.addRow(note)

    def values(self) -> dict:
        out = {"source": self.source.currentData(), "applied_on": self.applied.date(), "story_received_on": self.story.date()}
        for key, edit in self.edits.items():
            if edit.isEnabled():
                out[key] = edit.text().strip() or None
        return out


class InterviewForm(DialogForm):
    """The interview: its date and who interviewed — office users ticked, other names one per line."""

    def __init__(self, row, users, parent: QWidget | None = None) -> None:
        super().__init__(t("ui.recruitment.interview_title"), t("ui.recruitment.interview_context", name=row.name), parent)
        self.day = self.date_field("field.interviewed_on", row.interviewed_on or dt.date.today(), warn_future=True,
                                   name="interviewed_on")
        self.users = QListWidget()
        for choice in users:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setCheckState(Qt.CheckState.Checked if choice.id in row.interviewer_user_ids else Qt.CheckState.Unchecked)
            self.users.addItem(item)
        self.users.setMaximumHeight(110)
        self.add_row("ui.recruitment.office_interviewers", self.users, name="interviewers")
        self.names = QPlainTextEdit("\n".join(row.interviewer_names))
        self.names.setTabChangesFocus(True)
        self.names.setMaximumHeight(70)
        self.add_row("ui.recruitment.other_interviewers", self.names)

    def values(self) -> dict:
        ids = [self.users.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.users.count())
               if self.users.item(i).checkState() == Qt.CheckState.Checked]
        return {"on": self.day.date(), "user_ids": ids, "names": self.names.toPlainText().splitlines()}


class DecideForm(DialogForm):
    """Accept into a cohort (one step: the peer supporter is made), not now, or declined — with a reason."""

    def __init__(self, row, cohorts, parent: QWidget | None = None) -> None:
        super().__init__(t("ui.recruitment.decide_title"), t("ui.recruitment.decide_context", name=row.name), parent)
        self.row = row
        self.decision = self.add_row("field.decision", _combo(
            [(t("ui.recruitment.accept_into"), "accepted"), (choice_text("not_now"), "not_now"),
             (choice_text("declined"), "declined")], t("field.decision")), name="decision")
        self.cohort = self.add_row("field.cohort_id", _combo([(c.label, c.id) for c in cohorts], t("field.cohort_id")),
                                   required=True, name="cohort_id")
        self.reason = self.add_row("field.decision_reason", QLineEdit(), name="decision_reason")
        self.day = self.date_field("field.decided_on", dt.date.today(), warn_future=True, name="decided_on")
        self.save_button.setText(t("ui.recruitment.decide_save"))
        self.save_text = self.save_button.text()
        self.decision.currentIndexChanged.connect(self._decision_changed)
        self._decision_changed()

    def _decision_changed(self) -> None:
        accepting = self.decision.currentData() == "accepted"
        self.cohort.setEnabled(accepting)
        if accepting:
            self.required.discard(id(self.reason))
        else:
            self.required.add(id(self.reason))

    def values(self) -> dict:
        return {"decision": self.decision.currentData(), "cohort_id": self.cohort.currentData(),
                "cohort": self.cohort.currentText(), "reason": self.reason.text().strip(), "on": self.day.date()}


class ApplicantsPage(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-applicants")
        self.ops = ops
        self.cohorts: list = []
        self.open_cohorts: list = []
        self.users: list = []
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.stage = _combo([(t("ui.recruitment.all_stages"), None)] + [(choice_text(s), s) for s in
                            ("applied", "story_received", "interviewed", "accepted", "not_now", "declined")],
                            t("field.stage"))
        self.cohort = _combo([(t("ui.recruitment.all_cohorts"), None)], t("field.cohort_id"))
        for key, box in (("field.stage", self.stage), ("field.cohort_id", self.cohort)):
            label = QLabel(t(key))
            label.setBuddy(box)
            filters.addWidget(label)
            filters.addWidget(box)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.model = ApplicantsModel(self)
        self.table = list_table(self.model, t("ui.recruitment.list_name"))
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(t("ui.recruitment.new"))
        self.edit_button = QPushButton(t("ui.recruitment.edit"))
        self.interview_button = QPushButton(t("ui.recruitment.interview"))
        self.decide_button = QPushButton(t("ui.recruitment.decide"))
        for b in (self.new_button, self.edit_button, self.interview_button, self.decide_button):
            b.setAccessibleName(b.text().replace("&", ""))
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.new_button.clicked.connect(self.new_applicant)
        self.edit_button.clicked.connect(self.edit_applicant)
        self.interview_button.clicked.connect(self.record_interview)
        self.decide_button.clicked.connect(self.decide)
        self.table.doubleClicked.connect(lambda _i: self.edit_applicant())
        self.stage.currentIndexChanged.connect(lambda _i: self.reload())
        self.cohort.currentIndexChanged.connect(lambda _i: self.reload())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        ops.data_changed.connect(alive(self, self.on_data_changed))
        self.setFocusProxy(self.table)
        self.started = False
        self._enable()

    # ------------------------------------------------------------ loading
    def start(self) -> None:
        self.started = True
        self.load_choices()
        self.reload()

    def on_data_changed(self, changes) -> None:
        if self.started and set(changes) & {"applicants", "cohorts", "people"}:
            if "cohorts" in changes:
                self.load_choices()
            self.reload()

    def load_choices(self) -> None:
        from peerdesk.services import recruitment

        def work(s):
            return recruitment.all_cohorts(s), recruitment.open_cohorts(s), recruitment.interviewer_choices(s)

        self.ops.query(work, alive(self, self._choices), alive(self, self._failed))

    def _choices(self, result) -> None:
        self.cohorts, self.open_cohorts, self.users = result
        keep = self.cohort.currentData()
        self.cohort.blockSignals(True)
        while self.cohort.count() > 1:
            self.cohort.removeItem(1)
        for c in self.cohorts:
            self.cohort.addItem(c.label, c.id)
        self.cohort.setCurrentIndex(max(0, self.cohort.findData(keep)))
        self.cohort.blockSignals(False)

    def reload(self) -> None:
        from peerdesk.services import recruitment

        stage, cohort_id = self.stage.currentData(), self.cohort.currentData()
        self.ops.query(lambda s: recruitment.list_applicants(s, stage=stage, cohort_id=cohort_id),
                       alive(self, self._show), alive(self, self._failed))

    def _show(self, rows) -> None:
        keep = self.current()
        self.model.set_rows(rows)
        self.count.setText(t("ui.recruitment.count", n=len(rows)))
        if keep is not None:
            self.select(keep.id)
        self._enable()

    def _failed(self, exc) -> None:
        self.status.setText(str(exc) if is_user_error(exc) else t("ui.consents.failed"))

    # ------------------------------------------------------------ selection
    def current(self):
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if not rows or not index.isValid():
            return None
        return self.model.rows[rows[0].row()]

    def select(self, applicant_id: int) -> None:
        for i, row in enumerate(self.model.rows):
            if row.id == applicant_id:
                self.table.selectRow(i)
                return

    def _enable(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(row is not None)
        self.interview_button.setEnabled(row is not None and row.decision == "pending")
        self.decide_button.setEnabled(row is not None and row.decision != "accepted")

    # ------------------------------------------------------------ actions
    def new_applicant(self) -> None:
        from peerdesk.services import recruitment

        form = ApplicantForm(parent=self)
        open_form(self.ops, form, lambda v: (lambda s: recruitment.add_applicant(s, **v)), CHANGES)

    def edit_applicant(self) -> None:
        from peerdesk.services import recruitment

        row = self.current()
        if row is None:
            return
        form = ApplicantForm(row, parent=self)
        open_form(self.ops, form, lambda v: (lambda s: recruitment.edit_applicant(s, row.id, row.version, **v)), CHANGES)

    def record_interview(self) -> None:
        from peerdesk.services import recruitment

        row = self.current()
        if row is None:
            return
        form = InterviewForm(row, self.users, parent=self)
        open_form(self.ops, form, lambda v: (lambda s: recruitment.record_interview(
            s, row.id, row.version, v["on"], v["user_ids"], v["names"])), CHANGES)

    def decide(self) -> None:
        row = self.current()
        if row is None:
            return
        form = DecideForm(row, self.open_cohorts, parent=self)
        form.submitted.connect(lambda values: self._decided(form, row, values))
        form.open()
        self.decide_form = form

    def _decided(self, form: DecideForm, row, values: dict) -> None:
        from peerdesk.services import recruitment

        def failed(exc):
            form.show_error(str(exc) if is_user_error(exc) else t("ui.today.form.failed"), getattr(exc, "field", None))
            if not is_user_error(exc):
                self.ops.failed.emit(exc)

        if values["decision"] == "accepted":
            answer = QMessageBox.question(form, t("ui.recruitment.accept_confirm_title"),
                                          t("ui.recruitment.accept_confirm", name=row.name, cohort=values["cohort"]),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                form.busy = False
                form.save_button.setEnabled(True)
                return

            def done(result):
                form.finish()
                self._announce(t("ui.recruitment.accepted_notice", name=row.name, cohort=result.cohort_name))

            self.ops.mutate(lambda s: recruitment.accept(s, row.id, values["cohort_id"], on=values["on"],
                                                         reason=values["reason"], expected_version=row.version),
                            CHANGES, alive(self, done), alive(self, failed))
        else:
            def done(_result):
                form.finish()
                self._announce(t("ui.recruitment.decided_notice", name=row.name, decision=choice_text(values["decision"])))

            self.ops.mutate(lambda s: recruitment.decide(s, row.id, values["decision"], values["reason"], on=values["on"],
                                                         expected_version=row.version),
                            CHANGES, alive(self, done), alive(self, failed))

    def _announce(self, text: str) -> None:
        from peerdesk.ui.common.saved_notice import announce

        self.status.setText(text)
        announce(self, text)
