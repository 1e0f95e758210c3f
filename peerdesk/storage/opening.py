"""Finding the key and opening the configured database, for the GUI and the CLI alike.

The key comes from the OS keyring; if no keyring backend works, or it holds no
key for this file, from PEERDESK_DB_PASSPHRASE or by asking the person
(`ask(new)` returns the typed passphrase, or None if they cancel). A new file is
made with a random key kept in the keyring — unless PEERDESK_DB_PASSPHRASE is
set, which a script does to choose the passphrase itself.

A key in the keyring that does not open the file (the file was restored from another machine, or the
keyring entry was overwritten) is not the end: the person is asked for the recovery key or passphrase
instead (`ask(False, STORED_KEY_WRONG)`, or PEERDESK_DB_PASSPHRASE), and when that opens the file,
`Opened.stored_key_wrong` tells the caller to offer `replace_stored_key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from peerdesk.errors import StorageError
from peerdesk.storage.cipher import CIPHER_FORMAT
from peerdesk.storage.config import DatabaseTarget, current_target
from peerdesk.storage.database import Database, open_database
from peerdesk.storage.keys import (
    DatabaseKey,
    KeyringUnavailable,
    load_key_from_keyring,
    passphrase_from_env,
    store_key_in_keyring,
)

AskPassphrase = Callable[..., "str | None"]  # ask(new) or, after a wrong stored key, ask(False, STORED_KEY_WRONG)
STORED_KEY_WRONG = "stored_key_wrong"
TRIES_AFTER_WRONG_STORED_KEY = 3


@dataclass
class Opened:
    db: Database
    schema: str  # "created", "current" or "upgraded"
    key_source: str | None  # "keyring", "passphrase" or None (PostgreSQL)
    recovery_key: str = ""  # shown once when a new keyring-backed database is created
    actor: object = None  # set by the first-run flow, which logs its new administrator in
    stored_key_wrong: bool = False  # the keyring's key did not open the file; the key the person gave did
    given_key: DatabaseKey | None = None  # that key (repr hides it), for replace_stored_key


def _ask(ask: AskPassphrase | None, new: bool, reason: str | None = None) -> DatabaseKey:
    env = passphrase_from_env()
    if env is not None:
        return env
    if ask is None:
        raise StorageError("error.passphrase_needed")
    text = ask(new, reason) if reason else ask(new)
    if text is None:
        raise StorageError("error.cancelled")
    return DatabaseKey.from_user_input(text)


def resolve_key(path: Path, *, new: bool, ask: AskPassphrase | None) -> tuple[DatabaseKey, str]:
    """The key for an existing file, or a fresh one for a new file, and where it came from."""
    if new and passphrase_from_env() is not None:
        # A script that names the passphrase gets a database that this passphrase opens on any
        # machine, not a random key tied to whichever keyring happens to be present.
        return _ask(ask, new), "passphrase"
    try:
        if new:
            key = DatabaseKey.new_raw()
            store_key_in_keyring(path, key)
            return key, "keyring"
        stored = load_key_from_keyring(path)
        if stored is not None:
            return stored, "keyring"
    except KeyringUnavailable:
        pass
    return _ask(ask, new), "passphrase"


def open_current(
    *,
    create: bool = False,
    ask: AskPassphrase | None = None,
    allow_upgrade: bool = True,
    target: DatabaseTarget | None = None,
    check_schema: bool = True,
) -> Opened:
    from peerdesk.storage.migrate import ensure_schema

    target = target or current_target()
    if not target.is_sqlite:
        db = open_database(target)
        if not check_schema:
            return Opened(db, "unchecked", None)
        try:
            opened = Opened(db, ensure_schema(db, allow_upgrade=allow_upgrade), None)
        except Exception:
            db.dispose()
            raise
        _tidy(db)
        return opened
    path = Path(target.path)
    new = not path.exists()
    if new and not create:
        raise StorageError("error.database_missing", path=str(path))
    key, source = resolve_key(path, new=new, ask=ask)
    stored_key_wrong = False
    try:
        db = open_database(target, key, create=create)
    except StorageError as exc:
        if new:
            _discard_new(path)
        if new or source != "keyring" or exc.key != "error.wrong_key":
            raise
        db, key = _open_with_given_key(target, ask)
        source, stored_key_wrong = "passphrase", True
    if allow_upgrade and db.cipher_format != CIPHER_FORMAT:
        db = _upgrade_cipher_format(db, key)
    fallback = {"stored_key_wrong": stored_key_wrong, "given_key": key if stored_key_wrong else None}
    if not check_schema:
        return Opened(db, "unchecked", source, **fallback)
    try:
        schema = ensure_schema(db, allow_upgrade=allow_upgrade)
    except Exception:
        db.dispose()
        if new:
            _discard_new(path)
        raise
    recovery = key.recovery_text() if new and source == "keyring" else ""
    if not new:
        _tidy(db)
    return Opened(db, schema, source, recovery, **fallback)


def _open_with_given_key(target: DatabaseTarget, ask: AskPassphrase | None) -> tuple[Database, DatabaseKey]:
    """The keyring's key is wrong for this file: ask for the recovery key or passphrase (a few tries at a
    prompt; PEERDESK_DB_PASSPHRASE once) and open with that."""
    for attempt in range(1, TRIES_AFTER_WRONG_STORED_KEY + 1):
        key = _ask(ask, False, STORED_KEY_WRONG)
        try:
            return open_database(target, key), key
        except StorageError as exc:
            if exc.key != "error.wrong_key" or passphrase_from_env() is not None or attempt == TRIES_AFTER_WRONG_STORED_KEY:
                raise
    raise AssertionError("unreachable")


def replace_stored_key(opened: Opened) -> None:
    """Put the key the person gave in the keyring in place of the wrong one. A recovery key (the raw key)
    is stored; a passphrase is never stored, so the wrong entry is removed and the next start asks at once."""
    from peerdesk.storage.keys import delete_key_from_keyring

    if not opened.stored_key_wrong or opened.given_key is None:
        return
    path = Path(opened.db.target.path)
    if opened.given_key.raw_hex is not None:
        store_key_in_keyring(path, opened.given_key)
        opened.key_source = "keyring"
    else:
        delete_key_from_keyring(path)
    opened.stored_key_wrong = False


def _tidy(db: Database) -> None:
    """At each start: remove what a killed backup or restore left behind, and record a restore that was
    cut short before its audit entry. Never in the way of opening: it is tried again next time."""
    from peerdesk.storage.backup import clean_leftovers
    from peerdesk.storage.restoring import finish_pending

    try:
        clean_leftovers(db)
    except OSError:
        pass
    try:
        finish_pending(db)
    except Exception:  # e.g. a read-only database: the note stays for the next start
        pass


def _upgrade_cipher_format(db: Database, key: DatabaseKey) -> Database:
    """A file in an older SQLCipher format is rewritten once in the current one (after a backup), unless
    another process has it open; either way it opens. See backup.upgrade_cipher_format."""
    from peerdesk.storage.backup import upgrade_cipher_format

    target = db.target
    db.dispose()
    upgrade_cipher_format(Path(target.path), key)
    return open_database(target, key)


def _discard_new(path: Path) -> None:
    """Remove a database file this call created but could not finish (never an existing one), and its key."""
    from peerdesk.storage.keys import delete_key_from_keyring

    delete_key_from_keyring(path)
    for suffix in ("", "-wal", "-shm", "-journal", "-turns"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
