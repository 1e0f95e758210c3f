"""Files being written (`NAME.partial`, `NAME.restoring`): locked while in use, removed at the next start.

A backup is written to `NAME.partial` and renamed into place only when complete and checked. If the
process is killed, the partial file stays behind; the writer held an advisory lock on it, and a
marker in the data directory names it (a backup with -o may be anywhere). `clean_stale()` — at every
start and before every backup — removes each such file whose writer is gone, and never one that a
running backup still holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be removed there anyway
    fcntl = None


def _markers_dir() -> Path:
    from peerdesk.storage.config import data_dir

    return data_dir() / "pending-files"


def _marker(path: Path) -> Path:
    return _markers_dir() / (hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24] + ".path")


def _lock(fd: int, wait: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except OSError:
        return False


@contextlib.contextmanager
def writing(path: Path) -> Iterator[Path]:
    """Hold `path` (a temporary file about to be written) for the duration: marked, locked, 0600.
    On an error it is removed; on success the caller has renamed it into place."""
    path = Path(path)
    for stale in (path, Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)
    marker = _marker(path)
    for attempt in range(3):  # another process may remove the empty folder between the two steps
        marker.parent.mkdir(parents=True, exist_ok=True)
        try:
            marker.write_text(str(path.resolve()), encoding="utf-8")
            break
        except FileNotFoundError:
            if attempt == 2:
                raise
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _lock(fd, wait=True)
        try:
            yield path
        except BaseException:
            path.unlink(missing_ok=True)
            Path(f"{path}-journal").unlink(missing_ok=True)
            raise
    finally:
        os.close(fd)
        marker.unlink(missing_ok=True)
        _drop_if_empty(marker.parent)


def _drop_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()  # only when no other write is pending
    except OSError:
        pass


def _remove_if_abandoned(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not _lock(fd, wait=False):
            return False  # its writer is still at work
        path.unlink(missing_ok=True)
        Path(f"{path}-journal").unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def clean_stale(folders: tuple[Path, ...] = (), also: tuple[Path, ...] = ()) -> list[Path]:
    """Remove temporary files left by killed backups and restores; returns what was removed."""
    removed = []
    candidates = [p for folder in folders if Path(folder).is_dir() for p in Path(folder).glob("*.partial")]
    candidates += [Path(p) for p in also]
    markers = list(_markers_dir().glob("*.path")) if _markers_dir().is_dir() else []
    for marker in markers:
        try:
            candidates.append(Path(marker.read_text(encoding="utf-8").strip()))
        except OSError:
            continue
    for path in dict.fromkeys(candidates):
        existed = path.exists()
        if _remove_if_abandoned(path):
            if existed:
                removed.append(path)
            marker = _marker(path)
            if marker.exists() and not path.exists():
                marker.unlink(missing_ok=True)
    _drop_if_empty(_markers_dir())
    return removed
