"""Audit anchors: signed snapshots of the audit trail's state, kept outside the database.

The hash chain (services/audit.py) finds an entry changed in place, but someone holding the database
key can delete the newest entries, or delete some and recompute every hash after them, and the chain
still holds. An anchor remembers what the trail looked like: the number of entries, the last id, the
head hash, hashes of a few earlier entries (checkpoints: the last, and 1, 3, 7, 15 … entries before it),
the time and the office id. It is signed with an HMAC under a key that is not stored in the database:

- SQLite: derived from the database key with its own label (HMAC-SHA256(key, "peerdesk audit anchor v1")),
  so it needs nothing new to keep, and anyone without the database key cannot forge an anchor.
- PostgreSQL: a random 256-bit secret in a file readable only by its owner (0600), in PeerDesk's config
  directory (`anchor-keys/`), one per server and database. The database's own users never see it.

Anchors are appended (JSON lines, 0600) to a file beside the database (`peerdesk.db.anchors.jsonl`; for
PostgreSQL `anchors/` in the data directory), written into each backup, and can be printed as a short
code for the office's paper records. Anyone holding the key can still rewrite the anchors file too:
anchors kept elsewhere — a copy of the file, a backup, the code on paper — are what they cannot reach.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

from peerdesk.storage import office

LABEL = b"peerdesk audit anchor v1"
VERSION = 1
_AUDIT = sa.table("audit_event", sa.column("id", sa.Integer), sa.column("hash", sa.String), sa.column("at", sa.DateTime),
                  sa.column("action", sa.String), sa.column("fields", sa.Text))

# Verdicts of comparing one anchor with the live chain
OK, TRUNCATED, REWRITTEN, INVALID, RESTORED = "ok", "truncated", "rewritten", "invalid", "restored"


# ------------------------------------------------------------------ where and with which key
def _tag(target) -> str:
    return hashlib.sha256(target.describe().encode()).hexdigest()[:16]


def anchors_file(target) -> Path:
    """Beside the database file; for PostgreSQL in the data directory, one file per server and database."""
    if target.is_sqlite:
        return Path(str(target.path) + ".anchors.jsonl")
    from peerdesk.storage.config import data_dir

    return data_dir() / "anchors" / f"{_tag(target)}.jsonl"


def _pg_key_file(target) -> Path:
    from peerdesk.storage.config import config_file

    return config_file().parent / "anchor-keys" / f"{_tag(target)}.key"


def anchor_key(db) -> bytes:
    """The HMAC key for this database's anchors (never stored in the database)."""
    if db.target.is_sqlite:
        k = db.key
        material = bytes.fromhex(k.raw_hex) if k.raw_hex is not None else k.passphrase.encode("utf-8")
        return hmac.new(material, LABEL, hashlib.sha256).digest()
    path = _pg_key_file(db.target)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    secret = os.urandom(32)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret.hex())
        fh.flush()
        os.fsync(fh.fileno())
    return secret


# ------------------------------------------------------------------ the chain as it is now
@dataclass(frozen=True)
class ChainState:
    count: int
    last_id: int | None
    head: str | None


def chain_state(conn) -> ChainState:
    count, last = conn.execute(sa.select(sa.func.count(), sa.func.max(_AUDIT.c.id))).one()
    head = conn.execute(sa.select(_AUDIT.c.hash).where(_AUDIT.c.id == last)).scalar() if last is not None else None
    return ChainState(count, last, head)


def _checkpoint_ids(last_id: int) -> list[int]:
    ids, step = [], 1
    while last_id - (step - 1) >= 1:
        ids.append(last_id - (step - 1))
        step *= 2
    return ids


def _utc(at) -> dt.datetime:
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return at


# ------------------------------------------------------------------ anchors
@dataclass(frozen=True)
class Anchor:
    office: str | None
    count: int
    last_id: int | None
    head: str | None
    at: str  # UTC, ISO 8601
    reason: str  # backup, close, cli, manual, restore, before-restore
    checkpoints: tuple = field(default_factory=tuple)  # ((id, first 16 hex of its hash), …)
    v: int = VERSION
    mac: str = ""

    def payload(self) -> dict:
        data = asdict(self)
        data.pop("mac")
        data["checkpoints"] = [list(c) for c in self.checkpoints]
        return data

    def to_json(self) -> str:
        return json.dumps({**self.payload(), "mac": self.mac}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Anchor | None:
        try:
            data = json.loads(text)
            data["checkpoints"] = tuple((int(i), str(h)) for i, h in data.get("checkpoints", ()))
            return cls(**data)
        except (ValueError, TypeError, KeyError):
            return None


def _mac(key: bytes, payload: dict) -> str:
    return hmac.new(key, json.dumps(payload, sort_keys=True).encode(), hashlib.sha256).hexdigest()


def signed(anchor: Anchor, key: bytes) -> bool:
    return hmac.compare_digest(anchor.mac, _mac(key, anchor.payload()))


def take(conn, key: bytes, reason: str) -> Anchor:
    """The chain's state now, signed (read in the caller's connection/transaction)."""
    state = chain_state(conn)
    checkpoints: tuple = ()
    if state.last_id is not None:
        ids = _checkpoint_ids(state.last_id)
        rows = conn.execute(sa.select(_AUDIT.c.id, _AUDIT.c.hash).where(_AUDIT.c.id.in_(ids))).all()
        checkpoints = tuple(sorted(((int(i), h[:16]) for i, h in rows), reverse=True))
    at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")
    unsigned = Anchor(office.office_id(conn), state.count, state.last_id, state.head, at, reason, checkpoints)
    return Anchor(**{**asdict(unsigned), "checkpoints": checkpoints, "mac": _mac(key, unsigned.payload())})


def append(path: Path, anchor: Anchor) -> None:
    """One line at the end of the anchors file (created 0600); whole lines only, then fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (anchor.to_json() + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(path: Path) -> list[Anchor | None]:
    """Anchors in a file (JSON lines, or one JSON object); None for a line that is not an anchor."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines = [line for line in text.splitlines() if line.strip()]
    return [Anchor.from_json(line) for line in lines]


def write_anchor(db, reason: str) -> Anchor:
    """Take an anchor of `db` and append it to its anchors file."""
    key = anchor_key(db)
    with db.engine.connect() as conn:
        anchor = take(conn, key, reason)
    append(anchors_file(db.target), anchor)
    return anchor


def write_quietly(db, reason: str) -> Anchor | None:
    """At the close of the app or a command: an anchor if it can be had cheaply; never an error."""
    try:
        return write_anchor(db, reason)
    except Exception:  # a read-only folder, a lost server, a database from before 0008 …: the next close tries again
        return None


# ------------------------------------------------------------------ the short code for paper
def code(anchor: Anchor, key: bytes) -> str:
    """`COUNT-XXXX-XXXX-XXXX-XXXX`: the number of entries and 64 bits of an HMAC over the office, that
    number, the last id and the head hash. Short enough to write down; checkable with `audit verify --code`."""
    digest = hmac.new(key, f"code|{anchor.office}|{anchor.count}|{anchor.last_id}|{anchor.head}".encode(), hashlib.sha256).hexdigest()
    tag = digest[:16].upper()
    return f"{anchor.count}-" + "-".join(tag[i : i + 4] for i in range(0, 16, 4))


_CODE = re.compile(r"^\s*(\d+)\s*-\s*([0-9A-Fa-f\s-]{16,})\s*$")


def parse_code(text: str) -> tuple[int, str] | None:
    m = _CODE.match(text or "")
    if not m:
        return None
    tag = re.sub(r"[\s-]", "", m.group(2)).upper()
    return (int(m.group(1)), tag) if len(tag) == 16 else None


def check_code(conn, key: bytes, text: str) -> str:
    """OK, TRUNCATED (fewer entries than the code counts) or REWRITTEN (the entry at that count differs)."""
    parsed = parse_code(text)
    if parsed is None:
        return INVALID
    count, _ = parsed
    if count == 0:
        return OK
    total = conn.execute(sa.select(sa.func.count()).select_from(_AUDIT)).scalar()
    if total < count:
        return TRUNCATED
    last_id, head = conn.execute(sa.select(_AUDIT.c.id, _AUDIT.c.hash).order_by(_AUDIT.c.id).offset(count - 1).limit(1)).one()
    probe = Anchor(office.office_id(conn), count, last_id, head, "", "")
    return OK if code(probe, key).replace("-", "") == f"{count}{parsed[1]}" else REWRITTEN


# ------------------------------------------------------------------ comparing anchors with the chain
@dataclass(frozen=True)
class Restore:
    at: dt.datetime
    backup_entries: int
    other_office: bool


def restores(conn) -> list[Restore]:
    """Restores recorded in the chain: each dropped the entries made after its backup, openly."""
    found = []
    for at, fields in conn.execute(sa.select(_AUDIT.c.at, _AUDIT.c.fields).where(_AUDIT.c.action == "restore")):
        try:
            detail = json.loads(fields or "{}")
            found.append(Restore(_utc(at), int(detail.get("backup_entries", 0)), bool(detail.get("other_office"))))
        except (ValueError, TypeError):
            continue
    return found


def compare(conn, key: bytes, anchor: Anchor | None, recorded_restores: list[Restore]) -> str:
    """One anchor against the live chain: OK, TRUNCATED (its newest entries are gone), REWRITTEN (an entry
    that existed when it was taken now has another hash), INVALID (not signed with this database's key)
    or RESTORED (a recorded restore after it dropped the entries it covers)."""
    if anchor is None or not signed(anchor, key):
        return INVALID
    if not anchor.count:
        return OK
    taken = _utc(anchor.at)
    for r in recorded_restores:
        if r.at > taken and (r.other_office or r.backup_entries < anchor.count):
            return RESTORED
    wanted = {anchor.last_id: anchor.head[:16], **{i: h for i, h in anchor.checkpoints}}
    live = {int(i): (h, _utc(at)) for i, h, at in conn.execute(
        sa.select(_AUDIT.c.id, _AUDIT.c.hash, _AUDIT.c.at).where(_AUDIT.c.id.in_(list(wanted))))}
    rewritten = missing = False
    for i, prefix in wanted.items():
        row = live.get(i)
        if row is None or row[1] > taken:  # gone, or its id reused by an entry made after the anchor
            missing = True
        elif not row[0].startswith(prefix):
            rewritten = True
    if rewritten:
        return REWRITTEN
    if missing:
        return TRUNCATED
    if live[anchor.last_id][0] != anchor.head:
        return REWRITTEN
    # Same head, same checkpoints: an entry removed or added before the head without recomputing the
    # hashes after it breaks the chain itself, which the chain check names (exit 4).
    return OK


# ------------------------------------------------------------------ the append-only triggers
def missing_triggers(conn) -> list[str]:
    """Names of the append-only triggers (migration 0002) that are gone, disabled or no longer refuse."""
    if conn.dialect.name == "sqlite":
        rows = dict(conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'").all())
        want = ("audit_event_no_update", "audit_event_no_delete")
        return [n for n in want if "RAISE(ABORT" not in (rows.get(n) or "").upper().replace(" ", "")]
    rows = dict(conn.execute(sa.text(
        "SELECT t.tgname, CASE WHEN t.tgenabled <> 'D' AND p.prosrc ILIKE '%RAISE EXCEPTION%' THEN 1 ELSE 0 END "
        "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = to_regclass('audit_event') AND NOT t.tgisinternal")).all())
    return [n for n in ("audit_event_append_only", "audit_event_no_truncate") if not rows.get(n)]
