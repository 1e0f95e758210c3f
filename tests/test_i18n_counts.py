"""Counts agree with their words ("1 träff", "2 träffar"), and numbers and dates are written the reader's way.

The rule for the catalogue:
- A count is passed to a message as `n`, and only a count is (an index, a page number or a form number
  takes another name: {number}, {page}, {total}).
- A message that has `{n}` is a plural entry: {"one": …, "other": …} in both languages, chosen by CLDR's rules.
- A number must not reach a message under one of the old count names ({rows}, {pages}, {days}, …, COUNT_NAMES):
  a message with several counts takes each as a phrase made by a `count.*` plural entry, in a placeholder
  named `*_text` ({rows_text} = t("count.rows", n=…)).
- `pdf.page_of` ("Sida 3 av 10") is the one exception: {pages} there is a page number, no word agrees with it.
"""

from __future__ import annotations

import ast
import datetime as dt
import string
from pathlib import Path

import pytest

from peerdesk.i18n import catalogue, format_date, format_datetime, format_decimal, format_timestamp, t

ROOT = Path(__file__).resolve().parent.parent
COUNT_NAMES = {"count", "rows", "tables", "pages", "people", "items", "new", "unchanged", "skipped", "problem",
               "problems", "overdue", "days", "seconds", "k", "entries", "records", "forms", "sessions"}
EXCEPTIONS = {"pdf.page_of": "page numbers: 'Sida {page} av {pages}' has no word that agrees with the count"}


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(entry) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_message_with_a_count_is_a_plural_entry(lang):
    offenders = []
    for key, entry in catalogue(lang).items():
        names = set().union(*(_placeholders(text) for text in _forms(entry)))
        if key in EXCEPTIONS:
            continue
        if "n" in names and not (isinstance(entry, dict) and {"one", "other"} <= entry.keys()):
            offenders.append(f"{key}: has {{n}} but is not a plural entry")
        if names & COUNT_NAMES:
            offenders.append(f"{key}: a count named {sorted(names & COUNT_NAMES)} (pass it as n, or as a count.* phrase)")
        if isinstance(entry, dict) and not all("{n}" in text for text in entry.values()):
            offenders.append(f"{key}: a plural form without {{n}}")
    assert not offenders, "\n".join(offenders)


def _calls():
    """(file:line, message id, keyword names or None when **params hides them) of every call with a literal id."""
    keys = catalogue("en").keys()
    for path in (ROOT / "peerdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in keys:
                names = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node.args[0].value, names


def test_every_call_passes_a_plural_message_its_count_as_n_and_every_placeholder_it_needs():
    en = catalogue("en")
    offenders = []
    for where, key, names in _calls():
        entry = en[key]
        if names is None:  # **params: only a message without a count may take them (count phrases, for example)
            if isinstance(entry, dict):
                offenders.append(f"{where}: {key} is a plural entry but gets **params; pass n by name")
            continue
        needed = set().union(*(_placeholders(text) for text in _forms(entry))) - {"field"}  # ValidationError adds field
        if isinstance(entry, dict) and "n" not in names:
            offenders.append(f"{where}: {key} is a plural entry but gets no n")
        if not isinstance(entry, dict) and names & {"n"} and "n" not in needed:
            offenders.append(f"{where}: {key} gets n but has no {{n}}")
        if needed - names and names:
            offenders.append(f"{where}: {key} lacks {sorted(needed - names)}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(("key", "lang", "expected"), [
    ("ui.today.summary", "sv", ["0 öppna påminnelser, d", "1 öppen påminnelse, d", "2 öppna påminnelser, d"]),
    ("ui.today.summary", "en", ["0 open alerts, d", "1 open alert, d", "2 open alerts, d"]),
    ("ui.search.count", "sv", ["0 träffar", "1 träff", "2 träffar"]),
    ("ui.search.count", "en", ["0 matches", "1 match", "2 matches"]),
    ("count.rows", "sv", ["0 rader", "1 rad", "2 rader"]),
    ("count.new", "sv", ["0 nya", "1 ny", "2 nya"]),
])
def test_counts_agree_with_their_words_for_0_1_and_2(key, lang, expected):
    assert [t(key, lang, n=n, date="d") for n in (0, 1, 2)] == expected


def test_numbers_are_written_the_reader_s_way():
    assert format_decimal(2.5, None, "sv") == "2,5"
    assert format_decimal(2.5, None, "en") == "2.5"
    assert format_decimal(1234, 0, "sv") == "1\u00a0234"  # a no-break space, so a number never breaks over two lines
    assert format_decimal(1234, 0, "en") == "1,234"
    assert format_decimal(3, 2, "sv") == "3,00"
    assert format_decimal(2.456, 1, "en") == "2.5"


def test_dates_and_times_are_written_the_reader_s_way_in_local_time(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        assert format_date(dt.date(2026, 3, 1), "sv") == "2026-03-01"
        assert format_date(dt.date(2026, 3, 1), "en") == "1 Mar 2026"
        utc = dt.datetime(2026, 7, 1, 10, 5, 7, 123456)  # as the database stores it: naive UTC
        assert format_datetime(utc, "sv") == "2026-07-01 12:05"  # summer time: UTC+2
        assert format_timestamp(utc, "sv") == "2026-07-01 12:05:07"
        assert format_timestamp(dt.datetime(2026, 1, 1, 10, 5, 7, tzinfo=dt.timezone.utc), "en") == "1 Jan 2026, 11:05:07"
        assert format_date(None) == format_datetime(None) == ""
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
