"""SQLCipher file formats and keyed connections.

A file opens only with the cipher settings it was written with, so the settings are part of the
file format. PeerDesk writes `CIPHER_FORMAT` and still opens files in `LEGACY_CIPHER_FORMAT`
(open_current upgrades those once, see backup.upgrade_cipher_format). Every sqlcipher3
connection to a PeerDesk file goes through `connect`/`unlock` here: app, backups, restore, CLI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from peerdesk.errors import StorageError
from peerdesk.storage.driver_errors import storage_error_from
from peerdesk.storage.keys import DatabaseKey


@dataclass(frozen=True)
class CipherFormat:
    name: str
    settings: tuple[tuple[str, str], ...]

    def pragmas(self, schema: str = "") -> list[str]:
        prefix = f"{schema}." if schema else ""
        return [f"PRAGMA {prefix}{name} = {value}" for name, value in self.settings]


# SQLCipher 4's settings, pinned (a later SQLCipher may change its defaults): AES-256-CBC with a random
# IV per page, each 4 KiB page authenticated by an HMAC, passphrases stretched by PBKDF2-HMAC-SHA512
# with 256,000 iterations (a raw key from the keyring skips that).
LEGACY_CIPHER_FORMAT = CipherFormat("sqlcipher4", (("cipher_compatibility", "4"),))
# The same, but pages are authenticated with HMAC-SHA256 instead of HMAC-SHA512. CPUs hash SHA-256
# in hardware (x86 SHA-NI, ARMv8 SHA2), so a cold read of many pages costs about a third less; a
# 256-bit HMAC is still far out of reach of forgery, and AES-256 and the KDF are unchanged.
CIPHER_FORMAT = CipherFormat("sqlcipher4-hmac-sha256", (*LEGACY_CIPHER_FORMAT.settings, ("cipher_hmac_algorithm", "HMAC_SHA256")))
CIPHER_FORMATS = (CIPHER_FORMAT, LEGACY_CIPHER_FORMAT)  # tried in this order; a new file gets the first


# How long a connection waits for another process's lock (a colleague's save, a checkpoint, an upgrade)
# before it gives up with "database is locked". sqlcipher3 installs SQLite's busy handler at open from
# `timeout`, so it is active for the very first read: the key check below, not only after the pragmas.
BUSY_TIMEOUT_S = 10.0


def connect(path: Path, key: DatabaseKey, fmt: CipherFormat = CIPHER_FORMAT, **kwargs):
    """A sqlcipher3 connection keyed for `fmt`. Not checked yet: the first read fails on a wrong key or format.

    It waits up to BUSY_TIMEOUT_S for a lock unless the caller says otherwise (`timeout=0`: fail at once)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    kwargs.setdefault("timeout", BUSY_TIMEOUT_S)
    conn = sqlcipher.connect(str(path), **kwargs)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()  # no SQLCipher chatter on stderr
        conn.execute(key.pragma())
        for pragma in fmt.pragmas():
            conn.execute(pragma).fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def _file_id(path: Path):
    try:
        st = os.stat(path)
        return st.st_ino, st.st_dev
    except OSError:
        return None


def unlock(path: Path, key: DatabaseKey, formats: tuple[CipherFormat, ...] = CIPHER_FORMATS, **kwargs):
    """A checked connection and the format that opened the file (a new, empty file: the first).

    StorageError("error.wrong_key") if no format opens it with this key."""
    from sqlcipher3 import dbapi2 as sqlcipher

    for _ in range(2):
        before = _file_id(path)
        for fmt in formats:
            conn = None
            try:
                conn = connect(path, key, fmt, **kwargs)
                # Reading the schema is the first thing that needs the key: a wrong key or format fails here.
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return conn, fmt
            except sqlcipher.DatabaseError as exc:
                if conn is not None:
                    conn.close()
                if "not a database" not in str(exc):  # what SQLCipher says when page 1 does not decrypt
                    raise storage_error_from(exc, str(path)) from None
        if _file_id(path) == before:  # else another process upgraded the file meanwhile: try again
            break
    raise StorageError("error.wrong_key")
