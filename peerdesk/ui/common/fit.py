"""Keep a dialog tall enough for its wrapped text, so an error that appears is never clipped.

A top-level window does not follow its layout's height-for-width on its own: word-wrapped labels
(an intro, an error under a field) then get squeezed. `fit_height(dialog)` asks the layout how tall it
must be at the dialog's current width and makes that the dialog's minimum height (growing it if needed).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def fit_height(dialog: QWidget) -> None:
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    width = max(dialog.width(), layout.minimumSize().width())
    need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    need = max(need, layout.totalMinimumSize().height())
    dialog.setMinimumHeight(need)
    if dialog.height() < need:
        dialog.resize(dialog.width(), need)
