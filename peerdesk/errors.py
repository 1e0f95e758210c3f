"""Errors a person can read. Messages never contain personal data.

Every error carries a message id from the translation catalogue and the
parameters to fill in; `str(err)` is the text in the current language.
Parameters are field names, dates, counts and ids — never names or notes.
"""

from __future__ import annotations

from peerdesk.i18n import t


class PeerDeskError(Exception):
    """Base of every error meant for a person to read."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    @property
    def message(self) -> str:
        return t(self.key, **self.params)

    def __str__(self) -> str:
        return self.message


class ValidationError(PeerDeskError):
    """Input that breaks a domain rule. `field` names the offending form field."""

    def __init__(self, key: str, /, field: str | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.field = field

    @property
    def message(self) -> str:
        label = self.field
        if self.field:
            label = t(f"field.{self.field}")
            if label == f"field.{self.field}":
                label = self.field
        return t(self.key, field=label or "", **self.params)


class NotFoundError(PeerDeskError):
    pass


class ConflictError(PeerDeskError):
    """A colleague saved the same record first. `changes` lists what they changed."""

    def __init__(self, key: str = "error.conflict", /, changes: dict | None = None, **params: object) -> None:
        super().__init__(key, **params)
        self.changes = changes or {}


class StorageError(PeerDeskError):
    """The database cannot be opened or written: wrong key, newer schema, disk full …"""


class BusyError(StorageError):
    """Another process held the database (SQLite's lock, a PostgreSQL deadlock) for longer than we wait.
    Nothing was saved; unlike a ConflictError, no colleague changed this record — trying again works."""

    def __init__(self, key: str = "error.busy", /, **params: object) -> None:
        super().__init__(key, **params)


class AccessDenied(PeerDeskError):
    pass
