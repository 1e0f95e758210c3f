"""Swedish and English texts for everything a person reads, outside Qt too.

Catalogues live in resources/translations/{sv,en}.json, keyed by message id.
The UI, the CLI, error messages and the PDFs all go through `t()`, so one
test can check that every id exists in both languages.
"""

from __future__ import annotations

import json
import locale
import os
from functools import lru_cache

from peerdesk.paths import resources_dir

LANGUAGES = ("sv", "en")
_current: str | None = None


def system_language() -> str:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "sv" if loc.lower().startswith("sv") else "en"


def language() -> str:
    global _current
    if _current is None:
        env = os.environ.get("PEERDESK_LANG", "").lower()
        _current = env if env in LANGUAGES else system_language()
    return _current


def set_language(lang: str) -> None:
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang}")
    _current = lang


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    with open(resources_dir() / "translations" / f"{lang}.json", encoding="utf-8") as fh:
        return json.load(fh)


def plural_category(n: object, lang: str) -> str:
    """CLDR's plural category ("one", "other", …) of a count in a language, from Babel's rules."""
    return _locale(lang).plural_form(abs(n) if isinstance(n, (int, float)) else 0)


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel.core import Locale  # imported only when a plural message is formatted

    return Locale.parse(lang)


# Locale formatting. Babel is imported on first use, not at start-up (tests/test_architecture.py).

@lru_cache(maxsize=None)
def _number_symbols(lang: str) -> tuple[str, str]:
    """The decimal and group separators of a language, from Babel's CLDR data (sv: "," and a no-break space)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = _locale(lang)
    return get_decimal_symbol(locale), get_group_symbol(locale)


def format_decimal(value: float | int, digits: int | None = None, lang: str | None = None) -> str:
    """A number as a reader of the language writes it: sv "2,5" and "1 234", en "2.5" and "1,234".
    `digits` fixes the number of decimals; without it, up to three are shown and trailing zeros dropped.

    Rounded as Python rounds (as the reports always have); only the symbols come from Babel, so a report
    with thousands of cells pays microseconds per number instead of Babel's pattern formatting (~75 µs)."""
    decimal, group = _number_symbols(lang or language())
    text = f"{value:,.{3 if digits is None else digits}f}"
    if digits is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def format_date(value, lang: str | None = None) -> str:
    """A date as the language writes it in a list or a form: sv "2026-03-01", en "1 Mar 2026".
    None gives an empty text."""
    if value is None:
        return ""
    from babel.dates import format_date as babel_date

    lang = lang or language()
    return babel_date(value, "yyyy-MM-dd" if lang == "sv" else "d MMM y", locale=_locale(lang))


def local_time(value):
    """An instant in the computer's time zone. A naive datetime is taken as UTC (as the database stores it)."""
    import datetime as dt

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone()


def format_datetime(value, lang: str | None = None) -> str:
    """A moment in local time, to the minute: sv "2026-03-01 14:05", en "1 Mar 2026, 14:05".
    A naive datetime is taken as UTC, as the database stores times. None gives an empty text."""
    if value is None:
        return ""
    local = local_time(value)
    return f"{format_date(local.date(), lang)}{' ' if (lang or language()) == 'sv' else ', '}{local:%H:%M}"


def format_timestamp(value, lang: str | None = None) -> str:
    """As format_datetime, with seconds (for the audit trail, where the order within a minute matters)."""
    if value is None:
        return ""
    local = local_time(value)
    return f"{format_date(local.date(), lang)}{' ' if (lang or language()) == 'sv' else ', '}{local:%H:%M:%S}"


def t(msgid: str, lang: str | None = None, /, **params: object) -> str:
    """The text for `msgid` in the current (or given) language, formatted with params.

    `msgid` and `lang` are positional-only, so a placeholder may have any name ({key}, {lang}, …)
    without colliding with them. A message whose catalogue entry is an object of CLDR plural
    categories ({"one": "1 träff", "other": "{n} träffar"}) is chosen by the parameter `n`.
    """
    lang = lang or language()
    text = catalogue(lang).get(msgid)
    if text is None:
        lang = "en"
        text = catalogue("en").get(msgid, msgid)
    if isinstance(text, dict):
        text = text.get(plural_category(params.get("n", 0), lang)) or text["other"]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
