"""Check-in meetings (avstämningsmöten): schedule, mark who was present / excused / absent,
and one person's attendance over time."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import DialogForm, error_label, list_table, save_cancel
from peerdesk.ui.common.rows_model import RowsModel
from peerdesk.ui.operations import alive, is_user_error

STATUSES = ("present", "excused", "absent")


class MeetingsModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(("held_on", "title", "meeting_status", "location", "present", "excused", "absent"), "ui.checkins.col.",
                         parent)

    def value(self, row, column: str):
        return row.status if column == "meeting_status" else super().value(row, column)

    def text(self, row, column: str) -> str:
        if column == "meeting_status":
            return t(f"ui.value.{row.status}")  # planned / held / cancelled
        return super().text(row, column)


class HistoryModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(("held_on", "title", "status"), "ui.checkins.col.", parent)

    def value(self, row, column: str):
        return row[("held_on", "title", "status").index(column)]

    def text(self, row, column: str) -> str:
        if column == "status":
            return t(f"ui.checkins.status.{row[2]}")
        return super().text(row, column)


class MeetingForm(DialogForm):
    def __init__(self, today: dt.date, parent=None) -> None:
        super().__init__(t("ui.checkins.schedule.title"), t("ui.checkins.schedule.context"), parent)
        # A date ahead plans the meeting (it is marked held when its attendance is recorded), so no warning.
        self.held_on = self.date_field("ui.today.form.held_on", today, name="held_on")
        self.title = self.add_row("ui.checkins.form.title", QLineEdit(t("ui.checkins.default_title")), required=True,
                                  name="title")
        self.location = self.add_row("ui.checkins.form.location", QLineEdit())

    def values(self) -> dict:
        return {"held_on": self.held_on.date(), "title": self.title.text().strip(), "location": self.location.text().strip() or None}


class AttendanceDialog(QDialog):
    """Everyone who can be marked, with a choice per person; unmarked people are left as they are."""

    def __init__(self, ops, meeting, sheet, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.meeting = meeting
        self.setWindowTitle(t("ui.checkins.attendance.title"))
        self.setAccessibleName(t("ui.checkins.attendance.title"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(t("ui.checkins.attendance.context", title=meeting.title, date=meeting.held_on.isoformat())))
        self.table = QTableWidget(len(sheet), 2)
        self.table.setHorizontalHeaderLabels([t("ui.checkins.col.person"), t("ui.checkins.col.status")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.choices: dict[int, QComboBox] = {}
        self.names: dict[int, str] = {}
        for r, (pid, name, status) in enumerate(sheet):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, item)
            combo = QComboBox()
            combo.setAccessibleName(t("ui.checkins.attendance.for", name=name))
            combo.addItem("–", None)
            for value in STATUSES:
                combo.addItem(t(f"ui.checkins.status.{value}"), value)
            if status:
                combo.setCurrentIndex(combo.findData(status))
            self.table.setCellWidget(r, 1, combo)
            self.choices[pid] = combo
            self.names[name] = pid
        layout.addWidget(self.table, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = save_cancel(self, self.save)
        layout.addWidget(self.buttons)
        self.resize(460, 480)

    def mark(self, name: str, status: str) -> None:
        combo = self.choices[self.names[name]]
        combo.setCurrentIndex(combo.findData(status))

    def save(self) -> None:
        from peerdesk.services import supervision

        statuses = {pid: combo.currentData() for pid, combo in self.choices.items() if combo.currentData()}
        mid = self.meeting.id

        def failed(exc):
            self.error.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
            self.error.show()

        def work(s):
            supervision.record_attendance(s, mid, statuses)  # no ORM object goes back to the GUI thread

        self.ops.mutate(work, {"checkins"}, lambda _r: self.accept(), failed)


class CheckInsPage(QWidget):
    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.today = dt.date.today
        self.dialog = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.schedule_button = QPushButton(t("ui.checkins.schedule"))
        self.attendance_button = QPushButton(t("ui.checkins.attendance"))
        self.attendance_button.setEnabled(False)
        self.cancel_button = QPushButton(t("ui.checkins.cancel"))
        self.cancel_button.setEnabled(False)
        bar.addWidget(self.schedule_button)
        bar.addWidget(self.attendance_button)
        bar.addWidget(self.cancel_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = MeetingsModel(self)
        self.table = list_table(self.model, t("ui.checkins.list"))
        layout.addWidget(self.table, 2)

        box = QGroupBox(t("ui.checkins.history"))
        box_layout = QVBoxLayout(box)
        self.person = QComboBox()
        self.person.setAccessibleName(t("ui.checkins.history.person"))
        box_layout.addWidget(self.person)
        self.history_model = HistoryModel(self)
        self.history = list_table(self.history_model, t("ui.checkins.history"))
        box_layout.addWidget(self.history)
        layout.addWidget(box, 1)

        self.schedule_button.clicked.connect(self.schedule)
        self.attendance_button.clicked.connect(self.record_attendance)
        self.table.activated.connect(lambda _i: self.record_attendance())
        self.cancel_button.clicked.connect(self.cancel_meeting)
        self.table.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._enable())
        self.model.modelReset.connect(self._enable)
        self.person.currentIndexChanged.connect(lambda _i: self._load_history())

    def start(self) -> None:
        self.reload()
        from peerdesk.services import registers

        self.ops.query(lambda s: registers.options(s, "people"), alive(self, self._got_people))

    def _got_people(self, options) -> None:
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(t("ui.checkins.history.choose"), None)
        for pid, name in options:
            self.person.addItem(name, pid)
        self.person.blockSignals(False)

    def reload(self) -> None:
        from peerdesk.services import supervision

        self.ops.query(supervision.checkins, alive(self, self.model.set_rows))
        self._load_history()

    def _load_history(self) -> None:
        from peerdesk.services import supervision

        pid = self.person.currentData()
        if pid is None:
            self.history_model.set_rows([])
            return
        self.ops.query(lambda s: supervision.attendance_history(s, pid), alive(self, self.history_model.set_rows))

    def _enable(self) -> None:
        """Attendance once a meeting's day has come (a planned one is then marked held); cancel a planned one."""
        meeting = self.current()
        planned = meeting is not None and meeting.status == "planned"
        self.attendance_button.setEnabled(meeting is not None and meeting.status != "cancelled"
                                          and meeting.held_on <= self.today())
        self.cancel_button.setEnabled(planned)

    def current(self):
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def schedule(self) -> None:
        from peerdesk.services import supervision
        from peerdesk.ui.common.dialog_form import open_form

        form = MeetingForm(self.today(), self)
        self.dialog = form
        user_id = self.ops.actor.user_id

        today = self.today()

        def work(v):
            def run(s):
                if v["held_on"] > today:  # ahead: planned, in the calendar export, never counted until held
                    from peerdesk.services import supervision_planning

                    supervision_planning.plan_checkin(s, v["held_on"], v["title"], location=v["location"], led_by_id=user_id)
                else:
                    supervision.schedule_checkin(s, v["held_on"], v["title"], v["location"], user_id)

            return run

        open_form(self.ops, form, work, {"checkins"})

    def record_attendance(self) -> None:
        from peerdesk.services import supervision

        meeting = self.current()
        if meeting is None or meeting.status == "cancelled" or meeting.held_on > self.today():
            return

        def opened(sheet):
            self.dialog = AttendanceDialog(self.ops, meeting, sheet, self)
            self.dialog.open()

        def sheet(_result=None):
            self.ops.query(lambda s: supervision.attendance_sheet(s, meeting.id), alive(self, opened))

        if meeting.status == "planned":  # its day has come: recording who came marks it held
            from peerdesk.services import supervision_planning

            self.ops.mutate(lambda s: supervision_planning.mark_checkin_held(s, meeting.id, meeting.version) and None,
                            {"checkins"}, alive(self, sheet))
        else:
            sheet()

    def cancel_meeting(self) -> None:
        """Cancel a planned meeting after asking (it stays in the list as cancelled and leaves the calendar)."""
        from PySide6.QtWidgets import QMessageBox

        from peerdesk.services import supervision_planning

        meeting = self.current()
        if meeting is None or meeting.status != "planned":
            return
        answer = QMessageBox.question(self, t("ui.checkins.cancel"), t("ui.checkins.cancel.confirm", title=meeting.title,
                                                                       date=meeting.held_on.isoformat()))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ops.mutate(lambda s: supervision_planning.cancel_checkin(s, meeting.id, meeting.version) and None, {"checkins"})
