"""The supervisor's overview: my peer supporters with last session, next due date and status.

Enter on a person logs a session for them (date today, Enter again saves); the person's
sessions are listed below — dates and forms for everyone, notes and topics only behind
"Read notes", which the service allows the assigned supervisor and administrators and
records in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.ui.common.dialog_form import list_table
from peerdesk.ui.common.rows_model import RowsModel

COLUMNS = ("name", "workplace_name", "supervisor_name", "last_session", "due", "status")
SESSION_COLUMNS = ("held_on", "form", "duration_minutes", "supervisor_name", "participants", "has_notes")
STATUS_COLOUR = {"overdue": "#b00020", "due_soon": "#8a5a00", "on_track": "#1b5e20"}


class OverviewModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, "ui.supervision.col.", parent)

    def text(self, row, column: str) -> str:
        if column == "status":
            label = t(f"ui.supervision.status.{row.status}")
            if row.status == "overdue":
                return f"{label} ({t('ui.today.days_ago', n=row.days)})"
            return label
        if column == "supervisor_name":
            return row.supervisor_name or "–"
        return super().text(row, column) or "–"

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole and self.columns[index.column()] == "status":
            colour = STATUS_COLOUR.get(self.rows[index.row()].status)
            return QBrush(QColor(colour)) if colour else None
        return super().data(index, role)


class SessionsModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(SESSION_COLUMNS, "ui.supervision.col.", parent)

    def text(self, row, column: str) -> str:
        if column == "form":
            return t(f"ui.today.session.form.{row.form}")
        if column == "participants":
            return str(len(row.participants))
        if column == "has_notes":
            return t("ui.supervision.notes.yes") if row.has_notes else ("–" if row.has_notes is None else t("ui.supervision.notes.no"))
        return super().text(row, column)


def _order(row) -> tuple:
    """Most urgent first: overdue, then by due date; people without a placement last."""
    return (row.due is None, row.due or dt.date.max, row.name)


class OverviewPage(QWidget):
    scope_changed = Signal(list)  # the peer ids shown, for the month view

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.rows: list = []
        self.today = dt.date.today
        layout = QVBoxLayout(self)
        # Two rows (what to show, what to do), so the window can still be made narrow.
        bar = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.setAccessibleName(t("ui.supervision.scope"))
        if ops.actor.has(Role.SUPERVISOR):
            self.scope.addItem(t("ui.supervision.scope.mine"), "mine")
        self.scope.addItem(t("ui.supervision.scope.all"), "all")
        scope_label = QLabel(t("ui.supervision.scope"))
        scope_label.setBuddy(self.scope)
        bar.addWidget(scope_label)
        bar.addWidget(self.scope)
        self.due_week = QCheckBox(t("ui.supervision.due_this_week"))
        bar.addWidget(self.due_week)
        bar.addStretch(1)
        layout.addLayout(bar)
        buttons = QHBoxLayout()
        may_log = ops.actor.has(Role.ADMINISTRATOR, Role.SUPERVISOR)
        self.log_button = QPushButton(t("ui.supervision.log"))
        self.log_button.setToolTip(t("ui.supervision.log.tip"))
        self.group_button = QPushButton(t("ui.supervision.log_group"))
        self.reassign_button = QPushButton(t("ui.supervision.reassign"))
        self.summary_button = QPushButton(t("ui.supervision.summary"))
        self.topics_button = QPushButton(t("ui.topics.edit"))
        for button, shown in ((self.log_button, may_log), (self.group_button, may_log), (self.topics_button, may_log),
                              (self.reassign_button, ops.actor.has(Role.ADMINISTRATOR, Role.COORDINATOR)), (self.summary_button, True)):
            if not shown:  # hide() only: setVisible(True) on a widget not yet in its page would open it as a window
                button.hide()
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.count = QLabel()
        layout.addWidget(self.count)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = OverviewModel(self)
        self.table = list_table(self.model, t("ui.supervision.overview"), multi=True)  # several, to reassign
        split.addWidget(self.table)

        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        self.person_label = QLabel()
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        below_layout.addWidget(self.person_label)
        below_layout.addWidget(self.history_label)
        self.sessions_model = SessionsModel(self)
        self.sessions = list_table(self.sessions_model, t("ui.supervision.sessions_of"))
        below_layout.addWidget(self.sessions, 1)
        actions = QHBoxLayout()
        self.read_button = QPushButton(t("ui.supervision.read_notes"))
        self.edit_button = QPushButton(t("ui.supervision.edit"))
        self.delete_button = QPushButton(t("ui.supervision.delete"))
        self.delete_button.setToolTip(t("ui.supervision.delete.tip"))
        for button in (self.read_button, self.edit_button, self.delete_button):
            button.setEnabled(False)
            if not may_log:
                button.hide()
            actions.addWidget(button)
        actions.addStretch(1)
        below_layout.addLayout(actions)
        notice_row = QHBoxLayout()
        self.notice = QLabel()  # what the last correction did ("Session of … deleted"), with Undo beside it
        self.notice.setWordWrap(True)
        self.undo_button = QPushButton(t("ui.supervision.undo_delete"))
        self.undo_button.hide()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.undo_button)
        below_layout.addLayout(notice_row)
        self._deleted = None  # what the last deletion removed, while it can be undone
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)

        self.scope.currentIndexChanged.connect(lambda _i: self.reload())
        self.due_week.toggled.connect(lambda _on: self.reload())
        self.table.activated.connect(lambda _index: self.log_session())
        self.table.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._show_person())
        self.sessions.selectionModel().currentRowChanged.connect(lambda _cur, _prev: self._session_chosen())
        self.sessions.activated.connect(lambda _index: self.read_notes())
        self.log_button.clicked.connect(self.log_session)
        self.group_button.clicked.connect(self.log_group)
        self.reassign_button.clicked.connect(self.reassign)
        self.summary_button.clicked.connect(self.summary)
        self.topics_button.clicked.connect(self.edit_topics)
        self.read_button.clicked.connect(self.read_notes)
        self.edit_button.clicked.connect(self.edit_session)
        self.delete_button.clicked.connect(self.delete_session)
        self.undo_button.clicked.connect(self.undo_delete)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.sessions, self.delete_session,
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+L"), self, self.log_session)
        self.dialog = None  # the open dialog, for tests and to keep it alive
        self.topics: list = []

    # ------------------------------------------------------------------ loading
    def start(self) -> None:
        from peerdesk.services import supervision

        self.ops.query(supervision.topics, self._got_topics)
        self.reload()

    def _got_topics(self, topics) -> None:
        self.topics = topics

    def reload(self) -> None:
        from peerdesk.services import supervision_overview as so
        from peerdesk.ui.operations import alive

        today = self.today()
        mine = self.scope.currentData() == "mine"
        due_by = so.week_end(today) if self.due_week.isChecked() else None
        self.ops.query(lambda s: so.overview(s, today=today, mine=mine, due_by=due_by), alive(self, self._loaded))

    def _loaded(self, rows) -> None:
        current = self.current()
        self.rows = sorted(rows, key=_order)
        self.model.set_rows(self.rows)
        overdue = sum(1 for r in self.rows if r.status == "overdue")
        self.count.setText(t("ui.supervision.count", people_text=t("count.peer_supporters", n=len(self.rows)), overdue_text=t("count.overdue", n=overdue)))
        self.scope_changed.emit([r.peer_supporter_id for r in self.rows])
        if self.rows:
            ids = [r.peer_supporter_id for r in self.rows]
            row = ids.index(current.peer_supporter_id) if current and current.peer_supporter_id in ids else 0
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self._show_person()

    def current(self):
        index = self.table.currentIndex()
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def row_for(self, name: str):
        return next((r for r in self.rows if r.name == name), None)

    def _show_person(self) -> None:
        from peerdesk.services import supervision, supervisor_assignment
        from peerdesk.ui.operations import alive

        row = self.current()
        self.sessions_model.set_rows([])
        self._session_chosen()
        if row is None:
            self.person_label.setText("")
            self.history_label.setText("")
            return
        self.person_label.setText(t("ui.supervision.person", name=row.name))
        pid = row.peer_supporter_id

        def load(s):
            return supervision.sessions_of(s, pid, limit=100), supervisor_assignment.history(s, pid)

        self.ops.query(load, alive(self, lambda result, pid=pid: self._person_loaded(pid, *result)))

    def _person_loaded(self, pid, sessions, history) -> None:
        row = self.current()
        if row is None or row.peer_supporter_id != pid:
            return  # the person changed meanwhile
        self.sessions_model.set_rows(sessions)
        parts = []
        for h in history:
            since = h.start_date.isoformat() if h.start_date else "…"
            parts.append(f"{h.supervisor_name} ({since} – {h.end_date.isoformat() if h.end_date else ''})")
        self.history_label.setText(t("ui.supervision.history", history="; ".join(parts) or "–"))

    def _session_chosen(self) -> None:
        info = self.current_session()
        self.read_button.setEnabled(bool(info and info.may_read))
        self.edit_button.setEnabled(bool(info and info.may_read))
        self.delete_button.setEnabled(bool(info and info.may_read))

    def current_session(self):
        index = self.sessions.currentIndex()
        rows = self.sessions_model.rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    # ------------------------------------------------------------------ actions
    def _open(self, form, work, changes=frozenset({"sessions"})) -> None:
        from peerdesk.ui.common.dialog_form import open_form

        self.dialog = form
        open_form(self.ops, form, work, changes)

    def log_session(self) -> None:
        from peerdesk.ui.supervision.session_form import SessionForm

        row = self.current()
        if row is None or not self.log_button.isVisible():
            return
        user_id = self.ops.actor.user_id
        pid = row.peer_supporter_id

        def work(v):
            def run(s):
                from peerdesk.services import supervision

                supervision.log_session(s, v["held_on"], [pid], duration_minutes=v["duration_minutes"], form=v["form"],
                                        supervisor_id=user_id, topic_ids=v["topic_ids"], notes=v["notes"])

            return run

        self._open(SessionForm(row.name, self.today(), topics=self.topics, parent=self), work)

    def log_group(self) -> None:
        """One session for several people: everyone still in the programme can be ticked."""
        from peerdesk.services import supervision_overview as so
        from peerdesk.ui.operations import alive
        from peerdesk.ui.supervision.session_form import SessionForm

        user_id = self.ops.actor.user_id
        today = self.today()

        def work(v):
            def run(s):
                from peerdesk.services import supervision

                supervision.log_session(s, v["held_on"], v["participant_ids"], duration_minutes=v["duration_minutes"], form="group",
                                        supervisor_id=user_id, topic_ids=v["topic_ids"], notes=v["notes"])

            return run

        def opened(rows):
            people = [(r.peer_supporter_id, r.name) for r in sorted(rows, key=lambda r: r.name)]
            self._open(SessionForm(None, today, topics=self.topics, people=people, parent=self), work)

        self.ops.query(lambda s: so.overview(s, today=today), alive(self, opened))

    def read_notes(self) -> None:
        from peerdesk.ui.supervision.notes_dialog import NotesDialog

        info = self.current_session()
        if info is None or not info.may_read:
            return

        def shown(secret):
            self.dialog = NotesDialog(info, secret, self)
            self.dialog.open()

        def failed(exc):
            self.ops.failed.emit(exc)

        from peerdesk.services import supervision

        # A write: every read of notes goes into the audit trail.
        self.ops.mutate(lambda s: supervision.read_confidential(s, info.id), {"audit"}, shown, failed)

    def edit_session(self) -> None:
        from peerdesk.services import supervision
        from peerdesk.ui.supervision.session_form import SessionForm

        info = self.current_session()
        if info is None or not info.may_read:
            return

        def opened(result):
            secret, choices = result
            initial = {"held_on": info.held_on, "duration_minutes": info.duration_minutes, "form": info.form,
                       "topic_ids": secret.topic_ids, "notes": secret.notes, "participant_ids": info.participant_ids}

            def work(v):
                def run(s):
                    supervision.edit_session(s, info.id, info.version, held_on=v["held_on"], duration_minutes=v["duration_minutes"],
                                             form=v["form"], topic_ids=v["topic_ids"], notes=v["notes"],
                                             participant_ids=v["participant_ids"])

                return run

            self._open(SessionForm(", ".join(info.participants), self.today(), topics=self.topics, initial=initial,
                                   choices=choices, parent=self), work)

        def load(s):
            return supervision.read_confidential(s, info.id), supervision.participant_choices(s, info.id)

        self.ops.mutate(load, {"audit"}, opened, self.ops.failed.emit)

    def delete_session(self) -> None:
        """Delete the chosen session after a confirmation that names its date and kind."""
        from peerdesk.services import supervision

        info = self.current_session()
        if info is None or not info.may_read or self.delete_button.isHidden():
            return
        kind = t(f"ui.today.session.form.{info.form}")
        text = t("ui.supervision.delete.confirm", date=info.held_on.isoformat(), form=kind,
                 names=", ".join(info.participants) or "–")
        answer = QMessageBox.question(self, t("ui.supervision.delete.title"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return

        def done(gone):
            self._deleted = gone
            self.notice.setText(t("ui.supervision.deleted", date=info.held_on.isoformat(), form=kind))
            self.undo_button.show()

        self.ops.mutate(lambda s: supervision.delete_session(s, info.id, info.version), {"sessions"}, done, self.ops.failed.emit)

    def undo_delete(self) -> None:
        """Log the deleted session again as it was (once)."""
        from peerdesk.services import supervision

        gone, self._deleted = self._deleted, None
        self.undo_button.hide()
        if gone is None:
            return
        kind = t(f"ui.today.session.form.{gone.form}")

        def done(_result):
            self.notice.setText(t("ui.supervision.restored", date=gone.held_on.isoformat(), form=kind))

        self.ops.mutate(lambda s: supervision.restore_session(s, gone) and None, {"sessions"}, done, self.ops.failed.emit)

    def reassign(self) -> None:
        from peerdesk.ui.supervision.reassign_dialog import ReassignDialog

        chosen = sorted({self.rows[i.row()].peer_supporter_id for i in self.table.selectionModel().selectedRows()})
        if not chosen and self.current() is not None:  # nothing marked: the person the cursor is on
            chosen = [self.current().peer_supporter_id]
        if not chosen:
            return
        names = [r.name for r in self.rows if r.peer_supporter_id in chosen]
        self.dialog = ReassignDialog(self.ops, chosen, names, self)
        self.dialog.open()

    def edit_topics(self) -> None:
        from peerdesk.ui.supervision.topics_dialog import TopicsDialog

        self.dialog = TopicsDialog(self.ops, self)
        self.dialog.finished.connect(lambda _r: self.start())  # the forms offer the list as it is now
        self.dialog.open()

    def summary(self) -> None:
        from peerdesk.ui.supervision.summary_dialog import SummaryDialog

        self.dialog = SummaryDialog(self.ops, self.today(), self)
        self.dialog.open()
