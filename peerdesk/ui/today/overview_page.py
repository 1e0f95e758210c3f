"""The start page. For now: how much the office holds, per register (alerts come with issue 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from peerdesk.i18n import t

SHOWN = ("people", "workplaces", "managers", "placements", "contracts", "sessions", "consents", "rounds")


def load_counts(s) -> dict[str, int]:
    from peerdesk.services.listing import counts

    return counts(s)


class OverviewPage(QWidget):
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        title = QLabel(t("ui.overview.title"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        title.setFont(font)
        layout.addWidget(title)
        self.status = QLabel(t("ui.overview.loading"))
        layout.addWidget(self.status)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.values: dict[str, QLabel] = {}
        for row, kind in enumerate(SHOWN):
            name = QLabel(t(f"kind.{kind}"))
            value = QLabel("…")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(t(f"kind.{kind}"))
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(value, row, 1)
            self.values[kind] = value
        self.grid.setColumnStretch(2, 1)

    def refresh(self, ops) -> None:
        ops.query(load_counts, self.show_counts)

    def show_counts(self, counts: dict[str, int]) -> None:
        for row, (kind, label) in enumerate(self.values.items()):
            label.setText(str(counts.get(kind, 0)))
            # Kinds the person may not list are left out of `counts`: hide them rather than show a false 0.
            visible = kind in counts
            label.setVisible(visible)
            self.grid.itemAtPosition(row, 0).widget().setVisible(visible)
        self.status.hide()
        self.loaded.emit()
