"""Where each ward stands: one column per onboarding stage, a card per ward (name, since when, the next
planned briefing). The columns scroll sideways at a small window; a double click (or Enter) opens the ward."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QScrollArea, QVBoxLayout, QWidget

from peerdesk.i18n import t
from peerdesk.ui.common.history import heading
from peerdesk.ui.operations import alive

COLUMN_WIDTH = 175


def _board(s):
    from peerdesk.services import onboarding

    return onboarding.board(s)


class OnboardingBoard(QScrollArea):
    open_ward = Signal(int)

    def __init__(self, ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setObjectName("onboarding-board")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget()
        row = QHBoxLayout(inner)
        self.columns: dict[str, QListWidget] = {}
        self.titles: dict[str, QLabel] = {}
        from peerdesk.services.onboarding import STAGES  # Qt-free, plain tuple of stages

        for stage in STAGES:
            box = QVBoxLayout()
            title = heading("")
            self.titles[stage.value] = title
            box.addWidget(title)
            cards = QListWidget()
            cards.setFixedWidth(COLUMN_WIDTH)
            cards.setWordWrap(True)
            cards.setSpacing(3)
            cards.setAccessibleName(t(f"ui.value.{stage.value}"))
            cards.itemActivated.connect(lambda item: self.open_ward.emit(item.data(Qt.ItemDataRole.UserRole)))
            cards.itemDoubleClicked.connect(lambda item: self.open_ward.emit(item.data(Qt.ItemDataRole.UserRole)))
            self.columns[stage.value] = cards
            box.addWidget(cards, 1)
            row.addLayout(box)
        row.addStretch(1)
        self.setWidget(inner)
        ops.data_changed.connect(lambda changes: self.refresh() if changes & {"workplaces", "briefings"} and self.isVisible() else None)

    def start(self) -> None:
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        self.ops.query(_board, alive(self, self.show_board))

    def show_board(self, board: dict) -> None:
        for stage, cards in board.items():
            self.titles[stage].setText(f"{t(f'ui.value.{stage}')} ({len(cards)})")
            column = self.columns[stage]
            column.clear()
            for c in cards:
                lines = [c.name, t("ui.onboarding.card_since", date=c.since.isoformat())]
                if c.next_briefing:
                    passed = c.next_briefing < dt.date.today()  # planned, its day passed, not marked held
                    lines.append(t("ui.onboarding.card_overdue" if passed else "ui.onboarding.card_next", date=c.next_briefing.isoformat()))
                item = QListWidgetItem("\n".join(lines))
                item.setData(Qt.ItemDataRole.UserRole, c.workplace_id)
                item.setToolTip(c.organisation + (f"\n{c.office_contact}" if c.office_contact else ""))
                column.addItem(item)

    def cards(self, stage: str) -> list[str]:
        """The ward names a person sees in a stage's column (first line of each card)."""
        column = self.columns[stage]
        return [column.item(i).text().split("\n")[0] for i in range(column.count())]
