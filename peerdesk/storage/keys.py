"""The database encryption key: a random 256-bit raw key in the OS keyring.

A raw key skips SQLCipher's key derivation (~110 ms per connection). When no
keyring backend works, the person gives a passphrase instead (GUI dialog, CLI
prompt, or PEERDESK_DB_PASSPHRASE for scripts) — never a plaintext fallback.
The raw key is also shown once as a recovery key: typed where a passphrase is
asked, it opens the database on a machine whose keyring lost it.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from peerdesk.errors import StorageError

KEYRING_SERVICE = "PeerDesk"
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class DatabaseKey:
    """Either a raw 256-bit key (hex) or a passphrase that SQLCipher derives a key from."""

    raw_hex: str | None = None
    passphrase: str | None = None

    def __post_init__(self) -> None:
        if (self.raw_hex is None) == (self.passphrase is None):
            raise ValueError("exactly one of raw_hex and passphrase")

    @classmethod
    def new_raw(cls) -> DatabaseKey:
        return cls(raw_hex=secrets.token_hex(32))

    @classmethod
    def from_user_input(cls, text: str) -> DatabaseKey:
        """A typed recovery key (64 hex digits, spaces/dashes allowed) or a passphrase."""
        compact = re.sub(r"[\s-]", "", text)
        if _HEX64.match(compact):
            return cls(raw_hex=compact.lower())
        if not text:
            raise StorageError("error.passphrase_empty")
        return cls(passphrase=text)

    def pragma(self) -> str:
        if self.raw_hex is not None:
            return f"PRAGMA key = \"x'{self.raw_hex}'\""
        escaped = self.passphrase.replace("'", "''")
        return f"PRAGMA key = '{escaped}'"

    def attach_value(self) -> str:
        """The key as SQLCipher reads it from `ATTACH … KEY ?` (bound as a parameter, never spliced into SQL)."""
        return f"x'{self.raw_hex}'" if self.raw_hex is not None else self.passphrase

    def recovery_text(self) -> str:
        """The raw key in groups of 8 for writing down; empty for passphrases."""
        if self.raw_hex is None:
            return ""
        return "-".join(self.raw_hex[i : i + 8] for i in range(0, 64, 8))

    def __repr__(self) -> str:  # never leak key material into logs or tracebacks
        return "DatabaseKey(raw)" if self.raw_hex else "DatabaseKey(passphrase)"


def recovery_last_group(recovery: str) -> str:
    """The last group of a recovery key, which the person types back to show they wrote it down."""
    return recovery.rsplit("-", 1)[-1]


def confirms_recovery(typed: str, recovery: str) -> bool:
    """True when `typed` is the key's last group (case, spaces and dashes around it do not matter)."""
    return bool(recovery) and re.sub(r"[\s-]", "", typed).lower() == recovery_last_group(recovery).lower()


class KeyringUnavailable(StorageError):
    def __init__(self) -> None:
        super().__init__("error.keyring_unavailable")


def _account(path: Path) -> str:
    return f"sqlite:{Path(path).resolve()}"


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable()
    return keyring


def load_key_from_keyring(path: Path) -> DatabaseKey | None:
    """The stored key for this file, None if none is stored; KeyringUnavailable if no backend works."""
    kr = _keyring()
    try:
        value = kr.get_password(KEYRING_SERVICE, _account(path))
    except Exception:  # a locked collection, a dbus error …: treat as no keyring
        raise KeyringUnavailable() from None
    if value and _HEX64.match(value):
        return DatabaseKey(raw_hex=value)
    return None


def store_key_in_keyring(path: Path, key: DatabaseKey) -> None:
    if key.raw_hex is None:
        return
    kr = _keyring()
    try:
        kr.set_password(KEYRING_SERVICE, _account(path), key.raw_hex)
    except Exception:
        raise KeyringUnavailable() from None


def delete_key_from_keyring(path: Path) -> None:
    try:
        _keyring().delete_password(KEYRING_SERVICE, _account(path))
    except Exception:
        pass


def passphrase_from_env() -> DatabaseKey | None:
    value = os.environ.get("PEERDESK_DB_PASSPHRASE")
    return DatabaseKey.from_user_input(value) if value else None


def keyring_works() -> bool:
    try:
        _keyring()
        return True
    except KeyringUnavailable:
        return False
