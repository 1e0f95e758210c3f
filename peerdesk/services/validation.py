"""Small, shared checks used by every service: dates, required fields, ranges, Luhn."""

from __future__ import annotations

import datetime as dt
import re

from peerdesk.errors import ValidationError


_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def date_from_text(text: str) -> dt.date | None:
    """The date a person (or a spreadsheet cell) wrote, in the forms an office uses:
    2026-03-01, 20260301, 1/3/2026 or 1.3.2026 (day first, as in Sweden), and an ISO date with a
    midnight time. None for an empty text; ValueError for anything else — never a guess."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{8}", text):
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    m = _DMY.match(text)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if len(text) > 10 and text[10] in " T" and text[11:].strip("0: ") == "":
        text = text[:10]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("not a date")
    return dt.date.fromisoformat(text)


def parse_date(value: object, field: str, *, required: bool = True) -> dt.date | None:
    """A date from a date or a text in one of the forms `date_from_text` reads; a readable error otherwise."""
    if value is None or value == "":
        if required:
            raise ValidationError("error.required", field=field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            day = date_from_text(value)
        except ValueError:
            day = None
        if day is not None:
            return day
        if required and not value.strip():
            raise ValidationError("error.required", field=field)
        if not value.strip():
            return None
    raise ValidationError("error.invalid_date", field=field)


def require(value: object, field: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError("error.required", field=field)


def check_order(start: dt.date | None, end: dt.date | None, end_field: str = "end_date") -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("error.end_before_start", field=end_field)


def check_range(value: int | None, low: int, high: int, field: str) -> None:
    if value is None:
        raise ValidationError("error.required", field=field)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError("error.out_of_range", field=field, low=low, high=high)


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Closed intervals; an open end (None) runs for ever."""
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


_PNR = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$")


def normalise_personal_number(text: str, field: str = "personal_number", today: dt.date | None = None) -> str:
    """A Swedish personal identity number as YYYYMMDD-NNNN, or a ValidationError.

    Checks the Luhn digit and that the date exists (coordination numbers add 60 to the day).
    """
    compact = text.strip().replace(" ", "")
    m = _PNR.match(compact)
    if not m:
        raise ValidationError("error.personal_number_format", field=field)
    century, yy, mm, dd, tail = m.groups()
    if not luhn_ok(yy + mm + dd + tail):
        raise ValidationError("error.personal_number_checksum", field=field)
    today = today or dt.date.today()
    if century is None:
        year = 2000 + int(yy)
        if year > today.year or "+" in compact:
            year -= 100
        if "+" in compact:
            year -= 100 if year > today.year - 100 else 0
    else:
        year = int(century + yy)
    day = int(dd)
    if day > 60:  # samordningsnummer
        day -= 60
    try:
        dt.date(year, int(mm), day)
    except ValueError:
        raise ValidationError("error.personal_number_date", field=field) from None
    return f"{year:04d}{mm}{dd}-{tail}"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: str | None, field: str = "email") -> None:
    if value and not _EMAIL.match(value.strip()):
        raise ValidationError("error.invalid_email", field=field)


def check_profession(role, profession) -> None:
    """A profession is recorded only for staff and case managers (models.PROFESSION_ROLES)."""
    from peerdesk.models.consent import PROFESSION_ROLES, InformantRole

    if profession is not None and str(InformantRole(role)) not in PROFESSION_ROLES:
        raise ValidationError("error.profession_role", field="profession")
