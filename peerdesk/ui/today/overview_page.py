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
        self.title = title = QLabel(t("ui.overview.title"))
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
        self.names: dict[str, QLabel] = {}
        for kind in SHOWN:
            name = QLabel(t(f"kind.{kind}"))
            value = QLabel("…")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(t(f"kind.{kind}"))
            self.names[kind] = name
            self.values[kind] = value
        self.columns = 0
        self.set_columns(1)

    def set_columns(self, columns: int) -> None:
        """Lay the counts out in `columns` (name, number) pairs side by side: one beside the alerts in a wide
        window, several in rows above them in a narrow one."""
        if columns == self.columns:
            return
        self.columns = columns
        # Side by side above the alerts, the counts read as a band: the big heading would only take rows from them.
        self.title.setVisible(columns == 1)
        for kind in SHOWN:
            self.grid.removeWidget(self.names[kind])
            self.grid.removeWidget(self.values[kind])
        for col in range(self.grid.columnCount()):
            self.grid.setColumnStretch(col, 0)
            self.grid.setColumnMinimumWidth(col, 0)
        for i, kind in enumerate(SHOWN):
            row, pair = divmod(i, columns)
            self.grid.addWidget(self.names[kind], row, pair * 3)
            self.grid.addWidget(self.values[kind], row, pair * 3 + 1)
            if columns > 1:
                self.grid.setColumnMinimumWidth(pair * 3 + 2, 18)  # a gap between the pairs
        self.grid.setColumnStretch(columns * 3 - 1, 1)

    def refresh(self, ops) -> None:
        ops.query(load_counts, self.show_counts)

    def show_counts(self, counts: dict[str, int]) -> None:
        for kind, label in self.values.items():
            label.setText(str(counts.get(kind, 0)))
            # Kinds the person may not list are left out of `counts`: hide them rather than show a false 0.
            visible = kind in counts
            label.setVisible(visible)
            self.names[kind].setVisible(visible)
        self.status.hide()
        self.loaded.emit()
