"""After a save: a short line in the window's status bar, with Undo where the change can be reversed.

A form calls `announce(self, text, undo)`; the line finds its own window's status bar (no global
window object), replaces any earlier notice and goes away by itself after a while. Undo runs the
callable once and the button goes away, so a change is never undone twice.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from peerdesk.i18n import t

SHOW_MS = 20_000  # long enough to notice a wrong save and reach Undo, short enough not to linger


class SavedNotice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saved-notice")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setAccessibleName(t("ui.form.saved_notice"))
        self.undo_button = QPushButton(t("ui.form.undo"))
        self.undo_button.setAccessibleName(t("ui.form.undo"))
        self.undo_button.clicked.connect(self._undo)
        row.addWidget(self.label)
        row.addWidget(self.undo_button)
        row.addStretch(1)  # the button as wide as its word, next to the text it undoes
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.hide)
        self._undo_action: Callable[[], None] | None = None

    def show_text(self, text: str, undo: Callable[[], None] | None = None) -> None:
        self.label.setText(text)
        self._undo_action = undo
        self.undo_button.setVisible(undo is not None)
        self.show()
        self.timer.start(SHOW_MS)

    def _undo(self) -> None:
        action, self._undo_action = self._undo_action, None
        self.undo_button.hide()
        if action is not None:
            action()


def announce(widget: QWidget, text: str, undo: Callable[[], None] | None = None) -> SavedNotice | None:
    """Show `text` (and Undo) in the status bar of `widget`'s window; None when it has no status bar."""
    window = widget.window()
    if not isinstance(window, QMainWindow):
        return None
    bar = window.statusBar()
    notice = bar.findChild(SavedNotice)
    if notice is None:
        notice = SavedNotice(bar)
        bar.addWidget(notice, 1)
    notice.show_text(text, undo)
    return notice
