"""Is the audit trail still whole? The chain, the append-only triggers, and every anchor kept of it.

`check()` is what `peerdesk audit verify` runs (administrators): the hash chain first, then the
triggers that make the table append-only, then each anchor found — beside the database, in files
named with --anchor (an anchors file or a backup), and codes from the office's paper records.
Each kind of damage has its own exit code, so a scheduled job can tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from peerdesk.services import audit
from peerdesk.services.access import A, authorize_any
from peerdesk.storage import anchors

EXIT_BROKEN = 4  # an entry changed or removed in place: the hash chain does not hold
EXIT_TRUNCATED = 5  # the newest entries an anchor knows are gone
EXIT_REWRITTEN = 6  # entries an anchor knows have other hashes now: removed and the chain recomputed
EXIT_TRIGGERS = 7  # the database no longer refuses UPDATE/DELETE on the trail
EXIT_ANCHOR_INVALID = 8  # an anchor not signed with this database's key (forged or damaged)

# When several hold, the exit code is the first of these that applies.
_PRECEDENCE = (EXIT_REWRITTEN, EXIT_TRUNCATED, EXIT_BROKEN, EXIT_TRIGGERS, EXIT_ANCHOR_INVALID)
_CODE_OF = {anchors.TRUNCATED: EXIT_TRUNCATED, anchors.REWRITTEN: EXIT_REWRITTEN, anchors.INVALID: EXIT_ANCHOR_INVALID}


@dataclass(frozen=True)
class AnchorResult:
    source: str  # a file name, or "code"
    verdict: str
    anchor: anchors.Anchor | None = None


@dataclass
class Protection:
    chain: audit.VerifyResult
    missing_triggers: list[str]
    anchors: list[AnchorResult] = field(default_factory=list)

    def codes(self) -> set[int]:
        found = {_CODE_OF[a.verdict] for a in self.anchors if a.verdict in _CODE_OF}
        if not self.chain.ok:
            found.add(EXIT_BROKEN)
        if self.missing_triggers:
            found.add(EXIT_TRIGGERS)
        return found

    @property
    def exit_code(self) -> int:
        found = self.codes()
        return next((c for c in _PRECEDENCE if c in found), 0)

    def count(self, verdict: str) -> int:
        return sum(1 for a in self.anchors if a.verdict == verdict)

    def first(self, verdict: str) -> AnchorResult | None:
        return next((a for a in self.anchors if a.verdict == verdict), None)


def _anchors_from(path: Path, db) -> list[anchors.Anchor | None]:
    """An anchors file (JSON lines or one JSON object), or a backup carrying its own anchor."""
    from peerdesk.storage.backup import backup_anchor, is_backup_file

    if is_backup_file(path):
        found = backup_anchor(path, db)
        return [found] if found is not None else []
    return anchors.read_file(path)


def _compare_all(conn, key: bytes, sources, codes, limit: int | None) -> list[AnchorResult]:
    recorded = anchors.restores(conn)
    results = []
    for source, found in sources:
        for anchor in (found if limit is None else found[-limit:]):
            results.append(AnchorResult(source, anchors.compare(conn, key, anchor, recorded), anchor))
    for text in codes:
        results.append(AnchorResult("code", anchors.check_code(conn, key, text)))
    return results


def check(s: Session, db, anchor_files: list[Path] = (), codes: list[str] = ()) -> Protection:
    """The whole check (administrators)."""
    authorize_any(s, {A})
    chain = audit.verify(s)
    conn = s.connection()
    key = anchors.anchor_key(db)
    own = anchors.anchors_file(db.target)
    sources = [(own.name, anchors.read_file(own))] + [(Path(p).name, _anchors_from(Path(p), db)) for p in anchor_files]
    return Protection(chain, anchors.missing_triggers(conn), _compare_all(conn, key, sources, codes, None))


def quick_status(s: Session, db, newest: int = 50) -> Protection:
    """For `db info` and Settings: triggers and the newest anchors beside the database (cheap)."""
    conn = s.connection()
    key = anchors.anchor_key(db)
    own = anchors.anchors_file(db.target)
    return Protection(audit.VerifyResult(0, None), anchors.missing_triggers(conn),
                      _compare_all(conn, key, [(own.name, anchors.read_file(own))], (), newest))
