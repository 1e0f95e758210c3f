"""Which database to open, and where PeerDesk keeps its files.

Priority: PEERDESK_DATABASE_URL, then the config file's "database_url", then
the embedded default — an encrypted SQLite file in the user's data directory.
Secrets never go in the config file: they live in the OS keyring.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "PeerDesk"


def data_dir() -> Path:
    override = os.environ.get("PEERDESK_DATA_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    override = os.environ.get("PEERDESK_CONFIG")
    if override:
        return Path(override)
    if os.environ.get("PEERDESK_DATA_DIR"):
        return data_dir() / "config.json"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.json"


def read_config() -> dict:
    path = config_file()
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        from peerdesk.errors import StorageError

        raise StorageError("error.config_unreadable", path=str(path)) from None
    return data if isinstance(data, dict) else {}


def write_config(data: dict) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class DatabaseTarget:
    """The database to open: an encrypted SQLite file or a PostgreSQL server."""

    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None
    url: str | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.kind == "sqlite"

    def describe(self) -> str:
        """For status bars and `db info`: never shows a password."""
        if self.is_sqlite:
            return str(self.path)
        from urllib.parse import urlsplit

        parts = urlsplit(self.url or "")
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}@" if parts.username else ""
        return f"postgresql://{user}{host}{port}{parts.path}"


def default_sqlite_path() -> Path:
    return data_dir() / "peerdesk.db"


def target_from_url(url: str) -> DatabaseTarget:
    if url.startswith("sqlite:///"):
        return DatabaseTarget("sqlite", path=Path(url[len("sqlite:///"):]).expanduser())
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return DatabaseTarget("postgresql", url=url)
    from peerdesk.errors import StorageError

    raise StorageError("error.bad_database_url")


def current_target() -> DatabaseTarget:
    url = os.environ.get("PEERDESK_DATABASE_URL") or read_config().get("database_url")
    if url:
        return target_from_url(url)
    return DatabaseTarget("sqlite", path=default_sqlite_path())
