"""The one date field of the app: a line the person types into, the way they write dates.

2026-11-28, 20261128 and 28/11/2026 (day first, as the import reads them) are all kept exactly
as meant — nothing is spun section by section the way QDateEdit does (typing 2026-11-28 into a
QDateEdit gave 2026-12-11). It is one stop in the Tab chain; the calendar is a button inside
the field (mouse) or Alt+Down / F4 (keyboard).

Dates are shown as yyyy-mm-dd in both languages: it is the Swedish standard (SS-ISO 8601, what
Swedish offices and Babel's sv locale write) and, unlike 11/28/2026, it cannot be misread in
English either. A text that is not a date shows a message under the field (`note`) and
`check()` says no, so a form saves nothing. An empty optional field stays empty.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QLabel, QLineEdit, QStyle, QVBoxLayout, QWidget

from peerdesk.i18n import language, t
from peerdesk.ui.common.field_note import message_line, with_message

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #7a4f00;"  # dark amber: readable on white, not the red of an error


def display(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _to_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, QDate):
        return value.toPython()
    from peerdesk.services.validation import date_from_text

    return date_from_text(str(value))


class CalendarPopup(QWidget):
    """The calendar under the field; Enter or a click takes the day, Escape goes back unchanged."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setAccessibleName(t("ui.date.calendar"))
        # Month and day names in the UI's language, whatever the system's locale (weeks start on Monday in both).
        self.calendar.setLocale(QLocale(QLocale.Language.Swedish if language() == "sv" else QLocale.Language.English,
                                        QLocale.Country.Sweden if language() == "sv" else QLocale.Country.UnitedKingdom))
        layout.addWidget(self.calendar)
        self.calendar.activated.connect(self._take)
        self.calendar.clicked.connect(self._take)

    def _take(self, day: QDate) -> None:
        self.chosen.emit(day.toPython())
        self.close()


class DateField(QLineEdit):
    """A date typed as text. `date()` is the date, None when empty; ValueError while the text is not a date."""

    date_changed = Signal(object)  # the date once the text reads as one (or None when emptied)

    def __init__(self, day: dt.date | None = None, *, required: bool = False, warn_future: bool = False,
                 today: Callable[[], dt.date] = dt.date.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.required = required
        self.warn_future = warn_future
        self.today = today
        self.minimum: dt.date | None = None
        self.note: QLabel | None = None
        self.popup: CalendarPopup | None = None
        self.setPlaceholderText(t("ui.form.date_hint"))
        self.setMaxLength(24)
        self.setToolTip(t("ui.date.tooltip"))
        self.calendar_action = QAction(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
                                       t("ui.date.calendar"), self)
        self.calendar_action.setToolTip(t("ui.date.calendar") + " (Alt+↓)")
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.editingFinished.connect(self.tidy)
        self.textEdited.connect(lambda _text: self._live())
        self.setDate(day)

    # ------------------------------------------------------------ value
    def date(self) -> dt.date | None:
        return _to_date(self.text())

    def setDate(self, day) -> None:
        self.setText(display(_to_date(day)))
        self._live()

    def is_future(self) -> bool:
        try:
            day = self.date()
        except ValueError:
            return False
        return day is not None and day > self.today()

    def problem(self) -> str | None:
        """What is wrong with the text, in words; None when it is a date (or an allowed empty)."""
        try:
            day = self.date()
        except ValueError:
            return t("ui.date.invalid", text=self.text().strip())
        if day is None:
            return t("ui.date.required") if self.required else None
        if self.minimum is not None and day < self.minimum:
            return t("ui.date.too_early", day=display(self.minimum))
        return None

    def warning(self) -> str | None:
        if self.warn_future and self.is_future():
            return t("ui.date.future", day=display(self.date()))
        return None

    def check(self) -> bool:
        """Show what is wrong under the field; True when the form may use the date."""
        problem = self.problem()
        self._show(problem, ERROR_STYLE) if problem else self._show(self.warning(), WARNING_STYLE)
        return problem is None

    # ------------------------------------------------------------ note under the field
    def attach_note(self, label: QLabel) -> None:
        self.note = label

    def _show(self, text: str | None, style: str) -> None:
        if self.note is None:
            return
        if text:
            self.note.setStyleSheet(style)
            self.note.setText(text)
            self.note.show()
        else:
            self.note.clear()
            self.note.hide()

    def _live(self) -> None:
        """While typing: the future warning at once, a parse error only once the person leaves the field."""
        try:
            day = self.date()
        except ValueError:
            return
        if self.note is not None and (self.note.isVisible() or self.warning()):
            self.check()
        self.date_changed.emit(day)

    def tidy(self) -> None:
        """On leaving the field: a date is rewritten in the display format, anything else is named."""
        try:
            day = self.date()
        except ValueError:
            day = None
        if day is not None and self.text() != display(day):
            self.setText(display(day))
        self.check()

    # ------------------------------------------------------------ calendar
    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.chosen.connect(self._chosen)
        try:
            day = self.date() or self.today()
        except ValueError:
            day = self.today()
        self.popup.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self.popup.show()
        self.popup.calendar.setFocus()

    def _chosen(self, day: dt.date) -> None:
        self.setText(display(day))
        self.setFocus()
        self.tidy()
        self._live()

    def focusInEvent(self, event) -> None:
        """Arriving by keyboard (or as a dialog's first field) the whole date is selected: typing replaces it."""
        super().focusInEvent(event)
        if event.reason() != Qt.FocusReason.MouseFocusReason:
            self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)


def with_note(field: DateField) -> QWidget:
    """The field with its message line under it, for places that are not a form row of their own."""
    label = message_line()
    field.attach_note(label)
    return with_message(field, label)
