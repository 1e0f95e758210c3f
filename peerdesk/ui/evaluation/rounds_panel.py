"""Rounds: create one, set its status, choose its workplaces, log its interviews."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import open_form

STATUSES = ("planned", "collecting", "analysing", "reported")


class RoundsPanel(QWidget):
    changed = Signal()  # a round was created or changed: the page reloads its round list
    interview_logged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        self.round = None
        layout = QHBoxLayout(self)
        new_box = QGroupBox(t("ui.eval.new_round"))
        nf = QFormLayout(new_box)
        self.number = QSpinBox()
        self.number.setRange(1, 999)
        self.start = QLineEdit()
        self.end = QLineEdit()
        for w in (self.start, self.end):
            w.setPlaceholderText(t("ui.date_placeholder"))
        self.create_button = QPushButton(t("ui.eval.create_round"))
        for key, w in (("field.number", self.number), ("field.start_date", self.start), ("field.end_date", self.end)):
            w.setAccessibleName(t(key))
            nf.addRow(t(key), w)
        nf.addRow(self.create_button)
        layout.addWidget(new_box)

        this_box = QGroupBox(t("ui.eval.this_round"))
        tf = QVBoxLayout(this_box)
        row = QHBoxLayout()
        self.status = QComboBox()
        for st in STATUSES:
            self.status.addItem(t(f"ui.eval.round_status.{st}"), st)
        self.status.setAccessibleName(t("field.status"))
        self.status_button = QPushButton(t("ui.eval.set_status"))
        row.addWidget(QLabel(t("field.status")))
        row.addWidget(self.status)
        row.addWidget(self.status_button)
        tf.addLayout(row)
        tf.addWidget(QLabel(t("ui.eval.round_workplaces")))
        self.wards = QListWidget()
        self.wards.setAccessibleName(t("ui.eval.round_workplaces"))
        tf.addWidget(self.wards)
        self.wards_button = QPushButton(t("ui.eval.save_workplaces"))
        tf.addWidget(self.wards_button)
        # An interview is logged in a dialog that picks its participants' consents (interview_dialog.py).
        self.interview_button = QPushButton(t("ui.eval.log_interview"))
        tf.addWidget(self.interview_button)
        layout.addWidget(this_box, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        tf.addWidget(self.message)
        self.create_button.clicked.connect(self.create_round)
        self.status_button.clicked.connect(self.set_status)
        self.wards_button.clicked.connect(self.save_wards)
        self.interview_button.clicked.connect(self.log_interview)

    def _failed(self, exc) -> None:
        self.message.setText(exc.message if isinstance(exc, PeerDeskError) else t("error.cannot_save"))

    def load(self, ops, round_info, next_number: int) -> None:
        from peerdesk.services.evaluation import round_workplaces, workplace_choices

        self.ops, self.round = ops, round_info
        self.number.setValue(next_number)
        self.status.setCurrentIndex(STATUSES.index(round_info.status))
        rid = round_info.id

        def fill(result):
            choices, chosen = result
            chosen_ids = {wid for wid, _ in chosen}
            self.wards.clear()
            for wid, name, active in choices:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, wid)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if wid in chosen_ids else Qt.CheckState.Unchecked)
                self.wards.addItem(item)

        ops.query(lambda s: (workplace_choices(s), round_workplaces(s, rid)), fill)

    def create_round(self) -> None:
        from peerdesk.services.evaluation import new_round

        fields = dict(number=self.number.value(), start_date=self.start.text(), end_date=self.end.text() or None)
        self.ops.mutate(lambda s: new_round(s, **fields).id, {"rounds"},
                        lambda _id: (self.message.setText(t("ui.eval.round_created", number=fields["number"])), self.changed.emit()),
                        self._failed)

    def set_status(self) -> None:
        from peerdesk.models import EvaluationRound
        from peerdesk.services.records import update

        rid, version, status = self.round.id, self.round.version, self.status.currentData()
        self.ops.mutate(lambda s: update(s, EvaluationRound, rid, version, status=status), {"rounds"},
                        lambda _r: self.changed.emit(), self._failed)

    def save_wards(self) -> None:
        from peerdesk.services.evaluation import set_round_workplaces

        rid = self.round.id
        ids = [self.wards.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.wards.count())
               if self.wards.item(i).checkState() == Qt.CheckState.Checked]
        self.ops.mutate(lambda s: set_round_workplaces(s, rid, ids), {"rounds"},
                        lambda _r: (self.message.setText(t("ui.eval.saved_workplaces", n=len(ids))), self.changed.emit()), self._failed)

    def log_interview(self) -> None:
        from peerdesk.services.interview_consents import consent_choices, save_interview
        from peerdesk.ui.evaluation.interview_dialog import InterviewDialog

        rid = self.round.id

        from peerdesk.services.interview_details import guides, interviewer_choices

        def ask(result):
            choices, guide_list, interviewers = result
            self.dialog = InterviewDialog(choices, parent=self, guides=guide_list, interviewers=interviewers)
            open_form(self.ops, self.dialog, lambda values: lambda s: save_interview(s, rid, **values).id, {"interviews"})
            self.dialog.accepted.connect(lambda: (self.message.setText(t("ui.eval.interview_logged")), self.interview_logged.emit()))

        self.ops.query(lambda s: (consent_choices(s, rid), guides(s), interviewer_choices(s)), ask, self._failed)
