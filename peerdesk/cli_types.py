"""argparse types for the command line: a date or a number that cannot be right is refused with one
readable line (Swedish or English) before any database is opened, never an unexpected error later.

Dates are held to DATE_RANGE: the alerts, cadences and summaries add and subtract months and years, and
`9999-12-31` or `0001-01-01` would overflow Python's dates there. Ids and numbers are held to what both
databases store in an INTEGER column (PostgreSQL's is 32-bit), so a 20-digit round number is "no such
round" in words, not an overflow in the driver.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from peerdesk.i18n import t

DATE_RANGE = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))
LARGEST_ID = 2**31 - 1  # PostgreSQL's INTEGER; SQLite's is wider, and both must give the same answer


def _field(name: str) -> str:
    label = t(f"field.{name}")
    return name if label == f"field.{name}" else label


def date_arg(field: str):
    """A type for a date option: YYYY-MM-DD (or another form `date_from_text` reads) within DATE_RANGE."""

    def parse(text: str) -> dt.date:
        from peerdesk.services.validation import date_from_text

        try:
            day = date_from_text(text)
        except ValueError:
            day = None
        if day is None:
            raise argparse.ArgumentTypeError(t("error.invalid_date", field=_field(field)))
        low, high = DATE_RANGE
        if not low <= day <= high:
            raise argparse.ArgumentTypeError(t("error.date_out_of_range", field=_field(field), low=low.isoformat(), high=high.isoformat()))
        return day

    parse.__name__ = "date"  # what argparse would name in its own messages
    return parse


def number_arg(field: str, low: int = 1, high: int = LARGEST_ID):
    """A type for a whole number (an id, a round number, a count) between `low` and `high`."""

    def parse(text: str) -> int:
        value = text.strip()
        if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 20:
            raise argparse.ArgumentTypeError(t("error.not_a_number", field=_field(field)))
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(t("error.out_of_range", field=_field(field), low=low, high=high))
        return number

    parse.__name__ = "number"
    return parse


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (`peerdesk alerts: …`) and exit code 2, as before, without the
    usage block that buries it; `--help` still shows the usage."""

    def error(self, message: str):  # noqa: D401 - argparse's signature
        import re

        message = re.sub(r"^argument ([^:]+): ", r"\1: ", message)  # argparse's English prefix, in both languages
        print(f"{self.prog}: {message} ({t('cli.see_help', prog=self.prog)})", file=sys.stderr)
        raise SystemExit(2)
