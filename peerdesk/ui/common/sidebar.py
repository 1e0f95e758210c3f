"""The navigation sidebar: one entry per area, a badge where something needs attention."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate

from peerdesk.i18n import t
from peerdesk.ui.common.style import icon

AREA = Qt.ItemDataRole.UserRole
BADGE = Qt.ItemDataRole.UserRole + 1
WIDTH = 190  # what the areas' labels need; a longer one wraps onto the entry's second line


class _BadgeDelegate(QStyledItemDelegate):
    """Paints the count as a small rounded badge at the right, in the palette's highlight colours (dark mode too)."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        n = index.data(BADGE)
        if not n:
            return
        text = str(n) if n < 1000 else "999+"
        fm = option.fontMetrics
        h = fm.height() + 2
        w = max(h, fm.horizontalAdvance(text) + h // 2 + 4)
        r = QRect(option.rect.right() - w - 8, option.rect.center().y() - h // 2, w, h)
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        bg = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight)
        fg = option.palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.HighlightedText)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(bg)
        painter.drawRoundedRect(r, h / 2, h / 2)
        painter.setPen(fg)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 40, max(size.height(), option.fontMetrics.height() * 2))


class Sidebar(QListWidget):
    area_chosen = Signal(str)

    def __init__(self, areas: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setItemDelegate(_BadgeDelegate(self))
        self.setIconSize(QSize(20, 20))
        self.setUniformItemSizes(True)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.items: dict[str, QListWidgetItem] = {}
        for area in areas:
            item = QListWidgetItem(icon(area), "")
            item.setData(AREA, area)
            item.setData(BADGE, 0)
            self.addItem(item)
            self.items[area] = item
        self.translateUI()
        self.currentItemChanged.connect(lambda item, _old: item and self.area_chosen.emit(item.data(AREA)))
        # A long label ("Rekrytering och utbildning") wraps onto the entry's second line rather than widen
        # the sidebar past what a 1024x640 window can spare (tests/test_ui_window_sizes.py).
        self.setWordWrap(True)
        self.setFixedWidth(WIDTH)

    def translateUI(self) -> None:
        self.setAccessibleName(t("ui.nav.name"))
        for area, item in self.items.items():
            self._label(area, item)

    def _label(self, area: str, item: QListWidgetItem) -> None:
        n = item.data(BADGE) or 0
        item.setText(t(f"ui.nav.{area}"))
        spoken = t("ui.nav.badge", area=t(f"ui.nav.{area}"), n=n) if n else t(f"ui.nav.{area}")
        item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
        item.setToolTip(spoken)

    def set_badge(self, area: str, n: int) -> None:
        item = self.items.get(area)
        if item is not None:
            item.setData(BADGE, int(n or 0))
            self._label(area, item)

    def badge(self, area: str) -> int:
        item = self.items.get(area)
        return int(item.data(BADGE) or 0) if item is not None else 0

    def set_visible_areas(self, visible: set[str]) -> None:
        for area, item in self.items.items():
            item.setHidden(area not in visible)

    def select(self, area: str) -> None:
        item = self.items.get(area)
        if item is not None:
            self.setCurrentItem(item)
