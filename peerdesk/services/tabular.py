"""Reading and writing the spreadsheets offices keep: CSV (UTF-8 or Excel's Windows-1252,
comma, semicolon or tab) and XLSX. Shared by every import and export; Qt-free.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence


@dataclass
class Sheet:
    """A table as text: the header as written and the data rows with their row numbers in the file
    (the header is row 1; blank rows are left out but keep the numbering)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel writes it in Sweden."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_sheet(path: Path) -> Sheet:
    """The file as text rows; a missing, unreadable or damaged file is a readable error."""
    from zipfile import BadZipFile

    from peerdesk.errors import ValidationError

    try:
        return _read_sheet(Path(path))
    except (OSError, BadZipFile, KeyError, ValueError, csv.Error):
        raise ValidationError("error.file_unreadable") from None


def _read_sheet(path: Path) -> Sheet:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            raw = [[_cell_text(v) for v in row] for row in book.active.iter_rows(values_only=True)]
        finally:
            book.close()
    else:
        text = decode(path.read_bytes())
        first = text.splitlines()[0] if text else ","
        try:
            dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        raw = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not raw:
        return Sheet([], [])
    header = [h.strip() for h in raw[0]]
    while header and not header[-1]:
        header.pop()
    rows = []
    for number, row in enumerate(raw[1:], start=2):
        if any(c for c in row):
            rows.append((number, (list(row) + [""] * len(header))[: len(header)]))
    return Sheet(header, rows)


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows as dicts keyed by the lower-cased header."""
    sheet = read_sheet(path)
    header = [h.lower() for h in sheet.header]
    return [dict(zip(header, row)) for _n, row in sheet.rows]


def _no_formula(value: object) -> object:
    """A text that Excel would run as a formula (=, +, -, @ first) is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and len(value) > 1:
        return "'" + value
    return value


def write_csv(target, header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str = ";") -> None:
    """CSV as Excel in Sweden opens it: UTF-8 with a byte-order mark, semicolons by default."""
    own = isinstance(target, (str, Path))
    fh = open(target, "w", newline="", encoding="utf-8-sig") if own else target
    try:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else _no_formula(v) for v in row])
    finally:
        if own:
            fh.close()


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], title: str = "PeerDesk") -> None:
    write_xlsx_book(path, [(title, header, rows)])


def write_xlsx_book(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> None:
    """One workbook with a sheet per (title, header, rows); titles made fit for Excel (31 characters, no
    []:*?/\\, each once)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for title, header, rows in sheets:
        name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "PeerDesk"
        base, n = name, 2
        while name.lower() in used:
            suffix = f" ({n})"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        sheet = book.create_sheet(name)
        sheet.append([_xlsx_text(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
    book.save(path)


# What an XLSX cell cannot hold: control characters (openpyxl refuses them, Excel calls the file damaged) and
# lone surrogates. Older data may have them (SQLite stored anything before PeerDesk checked texts), so the
# export shows U+FFFD in their place rather than fail. Excel also opens no cell over 32,767 characters.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
XLSX_CELL_MAX = 32_767


def _xlsx_text(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = _XLSX_ILLEGAL.sub("\ufffd", value)
    if len(value) > XLSX_CELL_MAX:
        value = value[: XLSX_CELL_MAX - 1] + "…"
    return value


def _xlsx_value(value: object) -> object:
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-" and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return _xlsx_text(_no_formula(value))


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], title: str = "PeerDesk",
                kind: str | None = None) -> None:
    """XLSX or CSV by the file's suffix (or by `kind`, the suffix of the file it will become)."""
    path = Path(path)
    if (kind or path.suffix).lower() == ".xlsx":
        write_xlsx(path, header, rows, title)
    else:
        write_csv(path, header, rows)
