"""Supervision, consents and evaluation for now: their records listed read-only (other issues build them)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.panel import title_label
from peerdesk.ui.common.register_list import RegisterList

# area -> (register, columns, status filters, has text to filter on, newest first)
LISTS = {
    "supervision": ("sessions", ("held_on", "form", "duration_minutes", "participants"), (), True, True),
    "consents": ("consents", ("study_id", "informant_role", "informant_code", "signed_on", "valid_until", "withdrawn_on"),
                 ("withdrawn", "unsigned"), True, False),
    "evaluation": ("rounds", ("number", "start_date", "end_date", "status"), (), False, False),
}


class ReadOnlyArea(QWidget):
    def __init__(self, ops, area: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"area-{area}")
        name, columns, statuses, filterable, newest_first = LISTS[area]
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(t(f"ui.nav.{area}")))
        note = QLabel(t("ui.readonly.note"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = RegisterList(ops, name, columns, statuses, filterable=filterable, descending=newest_first)
        layout.addWidget(self.list, 1)
        ops.data_changed.connect(self.list.on_data_changed)

    def start(self) -> None:
        self.list.reload()
