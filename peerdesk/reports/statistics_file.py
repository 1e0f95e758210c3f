"""A table of de-identified rows as a file for the evaluator's statistics program: CSV, SPSS (.sav) or
Stata (.dta). Plain data in, a file out; no Session.

SPSS and Stata files carry what a CSV cannot: a label for each variable (the question's text) and labels
for its values (the scale's anchors, "don't know", the informant roles). They are written through
pyreadstat (ReadStat) from a pandas frame; both are imported only here, when such a file is written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("csv", "sav", "dta")
# The formats' own limits on a label, in bytes of UTF-8: SPSS keeps 256, Stata 80 (longer ones are refused).
LABEL_BYTES = {"sav": 256, "dta": 80}
ELLIPSIS = "…"


@dataclass
class StatisticsTable:
    columns: list[str]
    rows: list[dict]
    variable_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[int, str]] = field(default_factory=dict)
    numeric: set[str] = field(default_factory=set)  # columns written as numbers; the rest as text
    file_label: str = ""


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` bytes of UTF-8 at a character boundary, ending in … when cut."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore").rstrip()
    return cut + ELLIPSIS


def write(table: StatisticsTable, path: str | Path, fmt: str = "csv") -> None:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=table.columns)
            writer.writeheader()
            writer.writerows(table.rows)
        return
    import pandas as pd
    import pyreadstat

    limit = LABEL_BYTES[fmt]
    data = {}
    for col in table.columns:
        values = [row.get(col) for row in table.rows]
        if col in table.numeric:
            data[col] = pd.array([float(v) if v is not None else float("nan") for v in values], dtype="float64")
        else:
            data[col] = pd.array(["" if v is None else str(v) for v in values], dtype=object)
    frame = pd.DataFrame(data, columns=table.columns)
    column_labels = {col: shorten(table.variable_labels.get(col, ""), limit) for col in table.columns}
    value_labels = {col: {float(v): shorten(label, limit) for v, label in labels.items()}
                    for col, labels in table.value_labels.items() if labels and col in table.numeric}
    if fmt == "sav":
        pyreadstat.write_sav(frame, str(path), file_label=shorten(table.file_label, 64), column_labels=column_labels,
                             variable_value_labels=value_labels)
    else:
        pyreadstat.write_dta(frame, str(path), file_label=shorten(table.file_label, 80), column_labels=column_labels,
                             variable_value_labels=value_labels)
