"""A field with its message line right under it: where what is wrong (or worth a second look) about
that field is said, at once and next to it, wrapped onto more lines rather than clipped.

Forms, dialogs, the first-run dialog and the date field all build their rows this way; the colour
is the caller's (an error, or a date field's warning)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from peerdesk.i18n import t


def message_line(name: str = "", field_label: str | None = None, prefix: str = "note") -> QLabel:
    """An empty, hidden, word-wrapped line; named for tests and, with `field_label`, for screen readers."""
    line = QLabel()
    line.setWordWrap(True)
    line.setObjectName(f"{prefix}-{name}" if name else prefix)
    if field_label:
        line.setAccessibleName(t("ui.form.error_for", field=field_label))
    line.hide()
    return line


def with_message(widget: QWidget, line: QLabel) -> QWidget:
    """`widget` with `line` under it, as one cell of a form row."""
    cell = QWidget()
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(widget)
    box.addWidget(line)
    return cell
