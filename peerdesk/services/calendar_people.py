"""How a calendar event names a peer supporter: never by full name.

The setting `calendar.person_label` chooses between a code (the default) and the first name. The code is
a stable pseudonym, "S-" and five characters, the same in every export (so a re-import updates the
event), derived with a key that is this office's own id: it cannot be worked back to a person without
PeerDesk, nor compared between two offices.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerdesk.models import PeerSupporter

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
LABELS = ("code", "first_name")


def person_code(office_key: str, peer_id: int) -> str:
    digest = hashlib.blake2s(str(peer_id).encode(), key=office_key.encode()[:32] or b"peerdesk", digest_size=8).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(5):
        number, i = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[i])
    return "S-" + "".join(chars)


def person_labels(s: Session, peer_ids) -> dict[int, str]:
    """Peer id -> the code or first name the calendar shows (by the office's setting)."""
    from peerdesk.services.settings import get_setting
    from peerdesk.storage.office import office_id

    ids = sorted(set(peer_ids))
    if not ids:
        return {}
    if get_setting(s, "calendar.person_label") == "first_name":
        return {r[0]: r[1] for r in s.execute(select(PeerSupporter.id, PeerSupporter.first_name).where(PeerSupporter.id.in_(ids)))}
    key = office_id(s.connection()) or ""
    return {pid: person_code(key, pid) for pid in ids}
