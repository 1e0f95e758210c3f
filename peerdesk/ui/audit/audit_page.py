"""The administrator's view of the audit trail: filter, browse, verify the chain, export as CSV.

Codes, tables and changed fields are shown translated and times in local time (services/audit_display);
the stored entries are not touched."""

from __future__ import annotations

import csv

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.rows_model import RowsModel

COLUMNS = ("id", "at", "username", "action", "table_name", "record_id", "fields")


class AuditModel(RowsModel):
    """Rows as audit_display.display_row() gives them: already in words."""

    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, "ui.audit.col.", parent)


class AuditPage(QWidget):
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.action = QComboBox()
        from peerdesk.services.audit_display import action_text, actions

        self.action.addItem(t("ui.audit.action.all"), "")
        for action in sorted(actions(), key=action_text):
            self.action.addItem(action_text(action), action)
        self.action.setAccessibleName(t("ui.audit.col.action"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(t("ui.audit.col.username"))
        self.username.setAccessibleName(t("ui.audit.col.username"))
        self.verify_button = QPushButton(t("ui.audit.verify"))
        self.export_button = QPushButton(t("ui.audit.export"))
        for w in (QLabel(t("ui.audit.col.action")), self.action, self.username, self.verify_button, self.export_button):
            filters.addWidget(w)
        layout.addLayout(filters)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.model = AuditModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(t("ui.audit.title"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        layout.addWidget(self.table)
        # Filter as you type, without a query per keystroke.
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        self.username.textChanged.connect(self._debounce.start)
        self.action.currentIndexChanged.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.export)

    def attach(self, ops) -> None:
        self.ops = ops
        self.refresh()

    def _filters(self) -> dict:
        return {"action": self.action.currentData() or None, "username": self.username.text().strip().lower() or None}

    def refresh(self) -> None:
        if self.ops is None:
            return
        from peerdesk.services import audit

        from peerdesk.services.audit_display import display_row

        filters = self._filters()
        self.ops.query(lambda s: [display_row(r) for r in audit.browse(s, **filters)], self._show, self._failed)

    def _show(self, rows: list[dict]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.status.setText(t("ui.audit.shown", n=len(rows)))
        self.loaded.emit()

    def _failed(self, exc) -> None:
        self.status.setText(getattr(exc, "message", t("error.access_denied")))

    def verify(self) -> None:
        from peerdesk.services import audit

        def shown(result):
            self.status.setText(t("cli.audit.ok", n=result.checked) if result.ok else t("cli.audit.broken", id=result.broken_at, n=result.checked))
            self.loaded.emit()

        self.ops.query(audit.verify, shown, self._failed)

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, t("ui.audit.export"), "audit.csv", "CSV (*.csv)")
        if not path:
            return
        from peerdesk.services import audit
        from peerdesk.services.audit_display import display_row

        filters = self._filters()

        def work(s):
            # Written in the worker, in the same unit of work as its audit entry (storage/safe_output.py):
            # the file is renamed into place only when the entry commits; a failure leaves neither.
            from peerdesk.storage.safe_output import session_output

            rows = audit.browse(s, limit=None, **filters)
            out = session_output(s, path)
            with out.writing() as temp, open(temp, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
                writer.writeheader()
                for row in rows:
                    writer.writerow(display_row(row))
            audit.record(s, "export", "audit_event", None, {"rows": len(rows)})
            return len(rows)

        def write(n):
            self.status.setText(t("ui.audit.exported", n=n, path=path))
            self.loaded.emit()

        self.ops.mutate(work, {"audit"}, write, self._failed)
