"""A register list exported as it is on screen — the same filter, status and sort, the same
columns — to XLSX or CSV. Reading follows the register's READ_RIGHTS, and a register list never
holds confidential columns (session notes or topics, personal identity numbers), so no export
by a coordinator can contain them. Every export is audited: which register, how many rows and
the format — never the filter text, which may be a name.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from peerdesk.i18n import t
from peerdesk.services import audit, registers
from peerdesk.services.access import A, C, E, S, operation
from peerdesk.services.tabular import write_table
from peerdesk.storage.safe_output import session_output

CHOICE_FIELDS = {"status", "kind", "form", "informant_role"}
BOOL_FIELDS = {"acting", "active", "continuation_informed"}


def _cell(column: str, value):
    """As the list shows it: choices and yes/no in words; dates and numbers stay values."""
    if value is None:
        return None
    if column in BOOL_FIELDS:
        return t("ui.yes") if value else t("ui.no")
    if column in CHOICE_FIELDS and isinstance(value, str):
        text = t(f"ui.value.{value}")
        return value if text == f"ui.value.{value}" else text
    return value


@operation(A, C, S, E)
def export_register(s: Session, name: str, path: Path | str, text: str = "", status: str | None = None,
                    sort: str | None = None, descending: bool = False) -> int:
    """Write the register's rows matching `text`/`status`, sorted by `sort`, to `path` (.xlsx or .csv)."""
    path = Path(path)
    reg = registers.REGISTERS[name]
    ids = registers.list_ids(s, name, text, status, sort, descending)
    rows: dict[int, tuple] = {}
    for start in range(0, len(ids), 500):
        rows.update(registers.list_rows(s, name, ids[start:start + 500]))
    header = [t(f"field.{c}") for c in reg.columns]
    out = session_output(s, path)  # all or nothing: renamed into place when the audit entry commits
    with out.writing() as temp:
        write_table(temp, header, ([_cell(c, v) for c, v in zip(reg.columns, rows[i])] for i in ids if i in rows),
                    title=t(f"kind.{name}"), kind=path.suffix)
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    audit.record(s, "export", reg.model.__tablename__, None, {"kind": name, "rows": len(ids), "format": fmt})
    return len(ids)
