"""Course days (tab 2 of Recruitment and training): a cohort's twelve days, who teaches them, the
attendance grid, each participant's count against the rule, certification and the certificate.

The grid is participants × course days. Click a cell, or press Space, to switch a participant between
present and absent on that day (P, A and E set present, absent and excused); the whole day's attendance
is saved at once (services/training.record_attendance) and the counts are read back. Only held days
count; a planned day whose date has come becomes held when its attendance is recorded.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import format_date, t
from peerdesk.ui.common.dialog_form import DialogForm, open_form
from peerdesk.ui.operations import alive, is_user_error

CHANGES = {"course", "people"}
MARK = {"present": "✓", "absent": "–", "excused": "E"}
KEYS = {Qt.Key.Key_P: "present", Qt.Key.Key_A: "absent", Qt.Key.Key_E: "excused"}


class DayForm(DialogForm):
    def __init__(self, cohort: str, today: dt.date, place: str | None, parent=None) -> None:
        super().__init__(t("ui.training.add_day.title"), t("ui.training.add_day.context", cohort=cohort), parent)
        self.day = self.date_field("field.day", today, name="day")
        self.theme = self.add_row("field.theme", QLineEdit(), required=True, name="theme")
        self.place = self.add_row("field.place", QLineEdit(place or ""), name="place")

    def values(self) -> dict:
        return {"day": self.day.date(), "theme": self.theme.text().strip(), "place": self.place.text().strip() or None}


class CertifyForm(DialogForm):
    def __init__(self, name: str, verdict_text: str, today: dt.date, admin: bool, parent=None) -> None:
        super().__init__(t("ui.training.certify.title", name=name), verdict_text or t("ui.training.certify.meets"), parent)
        self.on = self.date_field("field.certified_on", today, name="certified_on")
        self.reason = None
        if admin:  # only an administrator may certify despite the rule, with a reason that is kept
            self.reason = self.add_row("field.override_reason", QLineEdit(), name="override_reason")

    def values(self) -> dict:
        return {"on": self.on.date(), "override_reason": self.reason.text().strip() if self.reason is not None else None}


class AttendanceGrid(QTableWidget):
    """Participants × days; Space or a click switches present/absent, P/A/E set a mark."""

    def __init__(self, page: "CoursePage") -> None:
        super().__init__(0, 0)
        self.page = page
        self.setAccessibleName(t("ui.training.grid"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.cellClicked.connect(lambda r, c: self.page.toggle(r, c))

    def keyPressEvent(self, event) -> None:
        r, c = self.currentRow(), self.currentColumn()
        if r >= 0 and c >= 0 and event.key() in (Qt.Key.Key_Space, *KEYS):
            self.page.toggle(r, c, KEYS.get(Qt.Key(event.key())))
            return
        super().keyPressEvent(event)


class CoursePage(QWidget):
    loaded = Signal()  # a cohort's course is on screen (after every reload)

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training-course")
        self.ops = ops
        self.today = dt.date.today
        self.grid_data = None
        self.dialog = None
        self.preview = None
        self.may_write = bool(ops.actor.roles & _writers())
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        label = QLabel(t("field.cohort"))
        self.cohort = QComboBox()
        self.cohort.setAccessibleName(t("field.cohort"))
        self.cohort.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label.setBuddy(self.cohort)
        self.add_button = QPushButton(t("ui.training.add_day"))
        self.cancel_button = QPushButton(t("ui.training.cancel_day"))
        for w in (label, self.cohort):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        bar.addWidget(self.cancel_button)
        layout.addLayout(bar)

        split = QSplitter(Qt.Orientation.Vertical)
        self.days = QTableWidget(0, 4)
        self.days.setAccessibleName(t("ui.training.days"))
        self.days.setHorizontalHeaderLabels([t("field.day"), t("field.theme"), t("field.trainers"), t("field.status")])
        self.days.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.days.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.days.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.days.verticalHeader().hide()
        self.days.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.days.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.grid = AttendanceGrid(self)
        split.addWidget(self.days)
        split.addWidget(self.grid)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(t("ui.training.status"))
        self.progress = QLabel()  # the chosen participant against the rule, in words
        self.progress.setWordWrap(True)
        self.progress.setAccessibleName(t("ui.training.count_header"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        self.certify_button = QPushButton(t("ui.training.certify"))
        self.certificate_button = QPushButton(t("ui.training.certificate"))
        bottom.addWidget(self.certify_button)
        bottom.addWidget(self.certificate_button)
        layout.addLayout(bottom)
        layout.addWidget(self.rule)
        layout.addWidget(self.status)
        for w in (self.add_button, self.cancel_button, self.certify_button, self.certificate_button):
            w.setVisible(self.may_write)

        self.cohort.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_button.clicked.connect(self.add_day)
        self.cancel_button.clicked.connect(self.cancel_day)
        self.certify_button.clicked.connect(self.certify)
        self.certificate_button.clicked.connect(self.certificate)
        self.grid.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_person(r))
        ops.data_changed.connect(self.on_data_changed)
        self.setFocusProxy(self.grid)

    started = False

    # ------------------------------------------------------------ loading
    def start(self) -> None:
        from peerdesk.services import training

        self.started = True
        self.ops.query(training.cohort_choices, alive(self, self._got_cohorts))

    def _got_cohorts(self, choices) -> None:
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cid, name, start, end in choices:
            self.cohort.addItem(f"{name} ({format_date(start)} – {format_date(end) if end else '…'})", cid)
        self.cohort.blockSignals(False)
        self.reload()

    def select_cohort(self, cohort_id: int) -> None:
        i = self.cohort.findData(cohort_id)
        if i >= 0:
            self.cohort.setCurrentIndex(i)

    def cohort_id(self) -> int | None:
        return self.cohort.currentData()

    def reload(self) -> None:
        from peerdesk.services import training

        cid = self.cohort_id()
        if cid is None:
            self._show(None)
            return
        self.ops.query(lambda s: training.course_grid(s, cid), alive(self, self._show))

    def on_data_changed(self, changes) -> None:
        if self.started and set(changes) & CHANGES:
            self.reload()

    def _show(self, grid) -> None:
        row, col = self.grid.currentRow(), self.grid.currentColumn()
        self.grid_data = grid
        days = grid.days if grid else []
        people = grid.participants if grid else []
        self.days.setRowCount(len(days))
        for r, d in enumerate(days):
            for c, text in enumerate((format_date(d.day), d.theme, ", ".join(d.trainers), t(f"ui.value.{d.status}"))):
                self.days.setItem(r, c, QTableWidgetItem(text))
        self.grid.setRowCount(len(people))
        self.grid.setColumnCount(len(days) + 1)
        # The count first, so it stays in view however many days the course has; then one column per day.
        headers = [t("ui.training.count_header")] + [f"{d.day.day}/{d.day.month}" for d in days]
        self.grid.setHorizontalHeaderLabels(headers)
        for c, d in enumerate(days, start=1):
            self.grid.horizontalHeaderItem(c).setToolTip(f"{format_date(d.day)} · {d.theme} · {t(f'ui.value.{d.status}')}")
        self.grid.setVerticalHeaderLabels([p.name for p in people])
        for r, p in enumerate(people):
            for c, d in enumerate(days, start=1):
                mark = grid.marks.get((p.id, d.id))
                item = QTableWidgetItem(MARK.get(mark, "") if d.status != "cancelled" else "×")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                spoken = t(f"ui.value.{mark}") if mark else t("ui.training.unmarked")
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{p.name}, {format_date(d.day)}: {spoken}")
                if d.status == "cancelled":
                    item.setForeground(QBrush(QColor("#999999")))
                elif d.status == "planned":
                    item.setBackground(QBrush(QColor("#f3f3f3")))
                elif mark == "present":
                    item.setBackground(QBrush(QColor("#e3f4e1")))
                self.grid.setItem(r, c, item)
            count = QTableWidgetItem(t("ui.training.count", attended=p.progress.attended, n=p.progress.held,
                                       needed=p.progress.needed))
            count.setForeground(QBrush(QColor("#1b5e20" if p.progress.meets_rule or p.progress.certified_on else
                                                "#b00020" if not p.progress.can_still_meet else "#000000")))
            count.setToolTip(self._count_text(p.progress))  # in full: also whether the rule is met or can be
            self.grid.setItem(r, 0, count)
        share = round((grid.share if grid else 0.8) * 100)
        self.rule.setText(t("ui.training.rule", share=share))
        if people and days:
            self.grid.setCurrentCell(max(0, min(row, len(people) - 1)), max(1, min(col, len(days))))
        self._show_person(self.grid.currentRow())
        self.loaded.emit()

    def _count_text(self, pr) -> str:
        text = t("ui.training.count", attended=pr.attended, n=pr.held, needed=pr.needed)
        if pr.certified_on:
            return f"{text} · {t('cli.course.certified', date=format_date(pr.certified_on))}"
        if pr.meets_rule:
            return f"{text} · {t('cli.course.meets')}"
        return f"{text} · {t('cli.course.on_track') if pr.can_still_meet else t('cli.course.short')}"

    def participant(self, row: int | None = None):
        row = self.grid.currentRow() if row is None else row
        if self.grid_data is None or not 0 <= row < len(self.grid_data.participants):
            return None
        return self.grid_data.participants[row]

    def _show_person(self, row: int) -> None:
        p = self.participant(row)
        self.progress.setText(f"{p.name}: {self._count_text(p.progress)}" if p is not None else "")
        self.certify_button.setEnabled(p is not None and p.progress.certified_on is None)
        self.certificate_button.setEnabled(p is not None and p.progress.certified_on is not None)

    # ------------------------------------------------------------ attendance
    def toggle(self, row: int, col: int, to: str | None = None) -> None:
        """Switch one participant's mark on one day (or set it to `to`) and save the whole day."""
        from peerdesk.services import training

        grid = self.grid_data
        if not self.may_write or grid is None or not 1 <= col <= len(grid.days) or not 0 <= row < len(grid.participants):
            return
        day = grid.days[col - 1]
        person = grid.participants[row]
        marks = {p.id: grid.marks.get((p.id, day.id)) for p in grid.participants}
        current = marks[person.id]
        marks[person.id] = to or ("absent" if current == "present" else "present")
        present = [pid for pid, v in marks.items() if v == "present"]
        excused = [pid for pid, v in marks.items() if v == "excused"]
        day_id = day.id

        def failed(exc):
            self.status.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
            if not is_user_error(exc):
                self.ops.failed.emit(exc)

        def done(_r):
            self.status.setText(t("ui.training.saved", name=person.name, date=format_date(day.day),
                                  mark=t(f"ui.value.{marks[person.id]}")))

        self.ops.mutate(lambda s: training.record_attendance(s, day_id, present, excused) and None, {"course"}, done, failed)

    # ------------------------------------------------------------ days
    def add_day(self) -> None:
        from peerdesk.services import training

        cid = self.cohort_id()
        if cid is None:
            return
        form = DayForm(self.cohort.currentText(), self.today(), None, self)
        self.dialog = form

        def work(v):
            return lambda s: training.add_day(s, cid, v["day"], v["theme"], v["place"]) and None

        open_form(self.ops, form, work, {"course"})

    def cancel_day(self) -> None:
        from peerdesk.services import training

        row = self.days.currentRow()
        if self.grid_data is None or not 0 <= row < len(self.grid_data.days):
            self.status.setText(t("ui.training.choose_day"))
            return
        day = self.grid_data.days[row]
        self.ops.mutate(lambda s: training.set_day_status(s, day.id, day.version, "cancelled") and None, {"course"},
                        lambda _r: self.status.setText(t("ui.training.cancelled", date=format_date(day.day))),
                        lambda exc: self.status.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed")))

    # ------------------------------------------------------------ certification
    def certify(self) -> None:
        from peerdesk.models import Role
        from peerdesk.services import training

        p = self.participant()
        if p is None:
            return
        admin = Role.ADMINISTRATOR in self.ops.actor.roles

        def opened(verdict):
            form = CertifyForm(p.name, "" if verdict.ok else verdict.reason(), self.today(), admin and not verdict.ok, self)
            self.dialog = form
            pid = p.id

            def work(v):
                return lambda s: training.certify(s, pid, v["on"], override_reason=v["override_reason"]) and None

            open_form(self.ops, form, work, CHANGES)

        self.ops.query(lambda s: training.can_certify(s, p.id), alive(self, opened))

    def certificate(self) -> None:
        """The certificate in the app's preview: Print… and Save as PDF… from there."""
        from peerdesk.services import training
        from peerdesk.ui.common.printing import file_name, preview_pdf, private_pdf_path

        p = self.participant()
        if p is None:
            return
        from peerdesk.i18n import language

        path = private_pdf_path("certificate")
        lang = language()
        pid = p.id

        def done(_r):
            name = file_name(t("pdf.certificate.title"), p.name)
            self.preview = preview_pdf(self, path, t("pdf.certificate.title"), name, temporary=True)

        def failed(exc):
            from peerdesk.ui.common.printing import discard

            discard(path)
            self.status.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))

        self.ops.mutate(lambda s: training.write_certificate(s, pid, path, lang) and None, {"audit"}, done, failed)


def _writers():
    from peerdesk.models import CourseAttendance
    from peerdesk.services.access import WRITE_RIGHTS

    return WRITE_RIGHTS[CourseAttendance]


