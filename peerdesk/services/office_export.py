"""The whole office in one open format, so it is never locked in: a zip of one CSV file per table,
`schema.json` (tables, columns, types, keys, foreign keys, the format version) and a README.

`export_all` writes it (administrators; audited). `import_all` reads it into a new, empty
database in one transaction: rows keep their ids, so every foreign key still points where it
did, and the audit trail is copied entry by entry with its hashes, so its chain still verifies
(`peerdesk audit verify`); the import itself is then appended to the chain as one more entry.

The tables and columns come from the schema (the ORM metadata), not from a hand-kept list:
a table added later is exported and imported without anyone remembering to add it here.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Boolean, Date, DateTime, Integer, Table, Time, func, insert, select
from sqlalchemy.orm import Session

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import Base
from peerdesk.services import audit
from peerdesk.services.access import A, Actor, operation

FORMAT = "peerdesk-office-export"
FORMAT_VERSION = 1
_CHUNK = 500

README = """PeerDesk office export
======================

This archive holds everything in one PeerDesk database, so the office can take its data
anywhere. It is NOT encrypted and holds personal and health-related data: keep it like the
paper files (an encrypted disk, a locked cabinet) and delete it when it has served its purpose.
(`peerdesk export-all --encrypt` makes an AES-256 password-protected archive instead.)

- schema.json  describes the format: every table, in an order in which it can be loaded
               (a table comes after the tables its foreign keys point at), with its columns,
               their types, which may be empty, the primary key and the foreign keys.
- TABLE.csv    one file per table: UTF-8, comma-separated, a header row with the column
               names, one row per record. An empty field is a missing value (NULL) — in a
               text column that may never be missing, it is an empty text.
               Dates are YYYY-MM-DD, times ISO 8601 in UTC, true/false for yes/no.

Ids are kept as they were, so foreign keys can be followed between the files.
audit_event.csv is the audit trail: each entry carries the SHA-256 hash of the one before
(prev_hash) and its own (hash), so a changed or missing entry can still be found.
app_user.csv holds salted scrypt password hashes, never passwords.

`peerdesk import-all FILE.zip` loads the archive into a new, empty PeerDesk database.
"""


def _table_order() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _type_name(column) -> str:
    t = column.type
    if getattr(t, "enum_class", None) is not None or hasattr(t, "enums"):
        return "text (one of: " + ", ".join(getattr(t, "enums", [])) + ")"
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, DateTime):
        return "timestamp (UTC)"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Time):
        return "time of day (HH:MM:SS)"
    if isinstance(t, Integer):
        return "integer"
    length = getattr(t, "length", None)
    return f"text (up to {length} characters)" if length else "text"


def describe_schema(counts: dict[str, int] | None = None) -> dict:
    from peerdesk.storage.schema import HEAD_REVISION

    tables = []
    for table in _table_order():
        tables.append({
            "name": table.name,
            "file": f"{table.name}.csv",
            "rows": (counts or {}).get(table.name),
            "columns": [{"name": c.name, "type": _type_name(c), "nullable": bool(c.nullable), "primary_key": c.primary_key}
                        for c in table.columns],
            "primary_key": [c.name for c in table.primary_key.columns],
            "foreign_keys": [{"columns": [fk.parent.name], "references": {"table": fk.column.table.name,
                                                                          "columns": [fk.column.name]}}
                             for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name)],
        })
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": HEAD_REVISION,
        "csv": {"encoding": "utf-8", "delimiter": ",", "header": True, "null": "an empty field (in a text column that may not be NULL: the empty text)",
                "date": "YYYY-MM-DD", "time": "HH:MM:SS", "timestamp": "ISO 8601, UTC", "boolean": "true/false"},
        "tables": tables,
    }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    tables: int
    rows: int


@operation(A)
def export_all(s: Session, path: Path | str, password: str | None = None) -> ExportResult:
    """Every table of the database into one zip (see the module text); audited, with counts only.

    All or nothing (storage/safe_output.py): the zip is written to a private temporary file beside
    `path`, and renamed into place only after the audit entry is committed with the caller's unit
    of work; a failure or an interrupt leaves neither the zip nor the entry. With a `password` the
    archive is encrypted with AES-256 (WinZip AES, as 7-Zip reads it)."""
    from peerdesk.storage.safe_output import session_output

    path = Path(path)
    if password is not None and not password:
        raise ValidationError("error.required", field="password")
    # Recorded first, so the archive's copy of the audit trail ends with its own export.
    audit.record(s, "export_all", None, None, {"format_version": FORMAT_VERSION, "encrypted": password is not None})
    counts: dict[str, int] = {}
    out = session_output(s, path)
    with out.writing() as temp, _open_zip_for_writing(temp, password) as zf:
        for table in _table_order():
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            names = [c.name for c in table.columns]
            writer.writerow(names)
            pk = list(table.primary_key.columns)
            n = 0
            for row in s.execute(select(table).order_by(*pk)):
                writer.writerow([_text(v) for v in row])
                n += 1
            counts[table.name] = n
            zf.writestr(f"{table.name}.csv", buf.getvalue())
        zf.writestr("schema.json", json.dumps(describe_schema(counts), ensure_ascii=False, indent=1))
        zf.writestr("README.txt", README)
    return ExportResult(path, len(counts), sum(counts.values()))


def _open_zip_for_writing(path: Path, password: str | None):
    if password is None:
        return zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
    import pyzipper

    zf = pyzipper.AESZipFile(path, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES)
    zf.setpassword(password.encode("utf-8"))
    zf.setencryption(pyzipper.WZ_AES, nbits=256)
    return zf


def is_encrypted(path: Path | str) -> bool:
    """Whether an archive's entries are encrypted (so `import-all` must ask for its password)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return any(info.flag_bits & 0x1 for info in zf.infolist())
    except (OSError, zipfile.BadZipFile):
        return False


def _open_zip_for_reading(path: Path | str, password: str | None):
    """The archive, plain or encrypted; a wrong or missing password is a readable refusal."""
    import pyzipper

    try:
        zf = pyzipper.AESZipFile(path)
    except (OSError, zipfile.BadZipFile, pyzipper.BadZipFile):
        raise ValidationError("error.import_all.not_an_export") from None
    if any(info.flag_bits & 0x1 for info in zf.infolist()):
        if not password:
            zf.close()
            raise ValidationError("error.import_all.password_needed")
        zf.setpassword(password.encode("utf-8"))
    return zf


# ---------------------------------------------------------------- import
def _value(column, text: str):
    t = column.type
    if text == "":
        # PeerDesk keeps no empty texts where a value may be missing (they are saved as NULL), so an
        # empty field is NULL — except in a text column that may not be NULL, where it is the empty text.
        is_text = not isinstance(t, (Boolean, DateTime, Date, Time, Integer)) and getattr(t, "enum_class", None) is None
        return "" if is_text and not column.nullable and not column.primary_key else None
    if getattr(t, "enum_class", None) is not None:
        return text  # the stored value; the column type maps it to its enum
    if isinstance(t, Boolean):
        if text not in ("true", "false"):
            raise ValidationError("error.import_all.bad_value", table=column.table.name, column=column.name)
        return text == "true"
    try:
        if isinstance(t, DateTime):
            value = dt.datetime.fromisoformat(text)
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        if isinstance(t, Date):
            return dt.date.fromisoformat(text)
        if isinstance(t, Time):  # a planned meeting's start (supervision sessions, check-ins)
            return dt.time.fromisoformat(text)
        if isinstance(t, Integer):
            return int(text)
    except ValueError:
        raise ValidationError("error.import_all.bad_value", table=column.table.name, column=column.name) from None
    from peerdesk.services.limits import check_column

    try:  # the limits every save meets, so an archive from an older SQLite loads alike on both backends
        check_column(column, text)
    except ValidationError as exc:
        raise ValidationError("error.import_all.bad_text", table=column.table.name, column=column.name, reason=exc.message) from None
    return text


_FIELD_LIMIT = 4 * 1024 * 1024  # characters: above every column's length, so the limits check speaks, not csv


def is_empty(s: Session) -> bool:
    return all(s.scalar(select(func.count()).select_from(table)) == 0 for table in _table_order())


def _check_administrator(s: Session, username: str, password: str) -> Actor:
    """The archive's own administrator must be the one loading it (checked on the loaded rows)."""
    from peerdesk.models import Role, User
    from peerdesk.services.accounts import check_password

    user = s.scalar(select(User).where(User.username == (username or "").strip().lower()))
    ok = user is not None and user.active and check_password(password or "", user.password_hash)
    if not ok:
        raise AccessDenied("error.import_all.not_admin")
    roles = frozenset(r.role for r in user.roles)
    if Role.ADMINISTRATOR not in roles:
        raise AccessDenied("error.import_all.not_admin")
    return Actor(user.id, user.username, roles)


@dataclass(frozen=True)
class ImportResult:
    tables: int
    rows: int


def import_all(s: Session, path: Path | str, username: str, password: str, archive_password: str | None = None) -> ImportResult:
    """Load an office export into this new, empty database, all in the caller's transaction.

    Not an @operation: an empty database has no users to log in with. Instead the person must be
    an active administrator *in the archive* (user name and password checked against the loaded
    rows before anything is committed), so only the office's own administrator can load it."""
    from peerdesk.storage.schema import HEAD_REVISION

    if not is_empty(s):
        raise ValidationError("error.import_all.not_empty")
    zf = _open_zip_for_reading(path, archive_password)
    with zf:
        try:
            schema = json.loads(zf.read("schema.json"))
        except RuntimeError:  # pyzipper: "Bad password for file"
            raise ValidationError("error.import_all.wrong_password") from None
        except (KeyError, ValueError, zipfile.BadZipFile, OSError):
            raise ValidationError("error.import_all.not_an_export") from None
        if schema.get("format") != FORMAT:
            raise ValidationError("error.import_all.not_an_export")
        if schema.get("format_version") != FORMAT_VERSION or schema.get("schema_revision") != HEAD_REVISION:
            raise ValidationError("error.import_all.other_version", revision=schema.get("schema_revision"), ours=HEAD_REVISION)
        total = 0
        tables = _table_order()
        for table in tables:
            try:
                text = zf.read(f"{table.name}.csv").decode("utf-8-sig")
            except KeyError:
                raise ValidationError("error.import_all.missing_table", table=table.name) from None
            except (RuntimeError, zipfile.BadZipFile, OSError, UnicodeDecodeError):
                raise ValidationError("error.import_all.not_an_export") from None
            # A supervision note may be 500,000 characters (models.base.NOTES_LENGTH); csv's default stops at 131,072.
            csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
            reader = csv.reader(io.StringIO(text))
            header = next(reader, [])
            if set(header) != {c.name for c in table.columns}:
                raise ValidationError("error.import_all.columns_differ", table=table.name)
            columns = [table.c[name] for name in header]
            # A row may point at a later row of its own table (a contract period's follow-on period): such
            # columns are loaded empty first and filled in once every row of the table is there.
            own = [c.name for c in table.columns if any(fk.column.table is table for fk in c.foreign_keys)]
            later = []
            batch = []
            for row in reader:
                values = {c.name: _value(c, v) for c, v in zip(columns, row)}
                if any(values.get(name) is not None for name in own):
                    kept = [c.name for c in table.columns if c.onupdate is not None]  # updated_at stays as exported
                    later.append(({pk.name: values[pk.name] for pk in table.primary_key.columns},
                                  {name: values.get(name) for name in own + kept}))
                    values.update({name: None for name in own})
                batch.append(values)
                if len(batch) >= _CHUNK:
                    s.execute(insert(table), batch)
                    total += len(batch)
                    batch = []
            if batch:
                s.execute(insert(table), batch)
                total += len(batch)
            for key, values in later:
                s.execute(table.update().where(*(table.c[k] == v for k, v in key.items())).values(**values))
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        for table in tables:
            pk = list(table.primary_key.columns)
            if len(pk) == 1 and isinstance(pk[0].type, Integer):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f"COALESCE(MAX({pk[0].name}), 1), MAX({pk[0].name}) IS NOT NULL) FROM {table.name}"
                )
    actor = _check_administrator(s, username, password)
    s.info["actor"] = actor
    audit.record(s, "import_all", None, None, {"format_version": FORMAT_VERSION, "tables": len(tables), "rows": total})
    return ImportResult(len(tables), total)
