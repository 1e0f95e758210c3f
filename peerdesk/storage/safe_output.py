"""Every file PeerDesk writes for a person is all-or-nothing and audited first.

An output (an export, a report, printed forms, a register extract) is written to a private
temporary file in the target folder (`.peerdesk-tmp-*`, mode 0600, created with O_EXCL), synced
to disk, and only then is the audit entry (and any form numbers it reserves) committed; after the
commit the file is renamed into place and the folder synced. On any failure or interrupt the
temporary file is removed and nothing is recorded, so the audit trail lists exactly the files
that exist. Final files stay 0600: exports and extracts hold personal data and notes.

Two ways to use it:
- `session_output(s, target)` inside a unit of work (`with db.begin(actor) as s:`): the file is
  renamed into place when that transaction commits, and removed when it rolls back or closes.
- `output_file(target)`: a context manager for a file with no database entry (a recovery sheet).

A process killed with SIGKILL cannot clean up after itself, so each temporary file is noted in
the data folder (`pending-outputs/`) while it exists; `clean_stale()` at the next start removes
the temporary files of processes that no longer run, and private print files left behind.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Iterator

from peerdesk.errors import StorageError

PREFIX = ".peerdesk-tmp-"
PRIVATE_MODE = 0o600
STALE_SECONDS = 3600  # a temporary file in the data folder older than this is left over
_DISK_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def _pending_dir() -> Path:
    from peerdesk.storage.config import data_dir

    return data_dir() / "pending-outputs"


def private_dir() -> Path:
    """A folder only this user can open (0700) for PDFs made only to print or preview; emptied at start."""
    from peerdesk.storage.config import data_dir

    path = data_dir() / "print"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def error_for(exc: OSError, target: Path) -> StorageError:
    """What went wrong, in one sentence: the folder is missing, not writable, or the disk is full."""
    folder = str(target.parent)
    if exc.errno == errno.ENOENT:
        return StorageError("error.output.no_folder", folder=folder)
    if exc.errno in _DENIED:
        return StorageError("error.output.denied", folder=folder)
    if exc.errno in _DISK_FULL:
        return StorageError("error.output.disk_full", folder=folder)
    if exc.errno in (errno.EISDIR, errno.ENOTDIR):
        return StorageError("error.output.not_a_file", path=str(target))
    return StorageError("error.output.failed", folder=folder, reason=exc.strerror or type(exc).__name__)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX; Windows cannot open a folder and does not need it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class PendingOutput:
    """One output being written: `temp` is where to write; `publish()` or `discard()` ends it."""

    def __init__(self, target: Path | str) -> None:
        self.target = Path(target).absolute()
        if self.target.is_dir():
            raise StorageError("error.output.not_a_file", path=str(self.target))
        self.done = False
        self._note = None
        # A device or pipe (`-o /dev/stdout`, a fifo) is written as it is: a rename would put a plain
        # file in its place (as root, even over /dev/full), and there is nothing to make all-or-nothing.
        self.direct = self.target.exists() and not self.target.is_file()
        if self.direct:
            self.temp = self.target
            return
        token = secrets.token_hex(8)
        self.temp = self.target.with_name(f"{PREFIX}{token}-{self.target.name}"[:240])
        self._note_pending(token)
        created = False
        try:
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
            created = True
            os.close(fd)
        except OSError as exc:
            self._forget()
            raise error_for(exc, self.target) from None
        except BaseException:  # interrupted (SIGTERM, Ctrl+C) between creating and handing it over
            if created:
                self.temp.unlink(missing_ok=True)
            self._forget()
            raise

    # -- the note that lets the next start remove what a killed process left
    def _note_pending(self, token: str) -> None:
        try:
            folder = _pending_dir()
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            note = folder / f"{token}.json"
            note.write_text(json.dumps({"temp": str(self.temp), "pid": os.getpid()}), encoding="utf-8")
            self._note = note
        except OSError:
            self._note = None  # the data folder is not writable: the output itself may still be

    def _forget(self) -> None:
        if self._note is not None:
            self._note.unlink(missing_ok=True)
            self._note = None

    # -- the steps
    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """Write to `temp` inside this block: an OSError becomes a readable StorageError and the file goes."""
        try:
            yield self.temp
            self.sync()
        except OSError as exc:
            self.discard()
            raise error_for(exc, self.target) from None
        except BaseException:
            self.discard()
            raise

    def sync(self) -> None:
        """The whole file on disk, private, before anything is committed about it."""
        if self.direct:
            return
        os.chmod(self.temp, PRIVATE_MODE)  # a writer that re-created the file must not widen it
        with open(self.temp, "rb+") as fh:
            os.fsync(fh.fileno())

    def publish(self) -> Path:
        """Rename into place (after the commit) and sync the folder."""
        if self.done or self.direct:
            self.done = True
            return self.target
        try:
            os.replace(self.temp, self.target)
        except OSError as exc:
            self.discard()
            raise StorageError("error.output.not_moved", path=str(self.target), reason=exc.strerror or "") from None
        self.done = True
        self._forget()
        fsync_dir(self.target.parent)
        return self.target

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        if self.direct:
            return
        try:
            self.temp.unlink(missing_ok=True)
        except OSError:
            pass
        self._forget()


@contextlib.contextmanager
def output_file(target: Path | str) -> Iterator[Path]:
    """Yield the temporary path to write; on success it is renamed to `target`, on any error removed."""
    out = PendingOutput(target)
    with out.writing() as temp:
        yield temp
    out.publish()


def session_output(s, target: Path | str) -> PendingOutput:
    """An output tied to Session `s`'s transaction: renamed into place after it commits (so the
    audit entry is committed first), removed when it rolls back or ends without a commit."""
    out = PendingOutput(target)
    try:
        return attach(s, out)
    except BaseException:
        out.discard()
        raise


def attach(s, out: PendingOutput) -> PendingOutput:
    """Tie an output already written (e.g. by a worker thread with progress) to Session `s`'s
    transaction, as `session_output` does."""
    pending = s.info.setdefault("pending_outputs", [])
    pending.append(out)
    if not s.info.get("pending_outputs_hooked"):
        from sqlalchemy import event

        s.info["pending_outputs_hooked"] = True
        event.listen(s, "after_commit", _publish_all)
        event.listen(s, "after_transaction_end", _discard_all)
    return out


def _publish_all(session) -> None:
    if session.in_nested_transaction():  # a savepoint: only the outer commit makes it final
        return
    pending = session.info.get("pending_outputs") or []
    session.info["pending_outputs"] = []
    failed = None
    for out in pending:
        try:
            out.publish()
        except StorageError as exc:
            failed = failed or exc
    if failed is not None:
        raise failed


def _discard_all(session, transaction) -> None:
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    pending = session.info.get("pending_outputs") or []
    session.info["pending_outputs"] = []
    for out in pending:
        out.discard()


# ---------------------------------------------------------------- at the next start
def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale(now: float | None = None) -> int:
    """Remove what killed processes left: temporary outputs whose writer no longer runs, old
    `.peerdesk-tmp-*` files in the data folder, and private print/preview files. Returns how many."""
    from peerdesk.storage.config import data_dir

    now = time.time() if now is None else now
    removed = 0
    folder = _pending_dir()
    if folder.is_dir():
        for note in folder.glob("*.json"):
            try:
                info = json.loads(note.read_text(encoding="utf-8"))
                temp, pid = Path(info["temp"]), int(info["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                note.unlink(missing_ok=True)
                continue
            if _alive(pid) and now - note.stat().st_mtime < 24 * STALE_SECONDS:
                continue
            if temp.name.startswith(PREFIX):
                try:
                    temp.unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
                except OSError:
                    continue
            note.unlink(missing_ok=True)
    base = data_dir()
    if base.is_dir():
        for temp in base.glob(PREFIX + "*"):
            try:
                if now - temp.stat().st_mtime > STALE_SECONDS:
                    temp.unlink()
                    removed += 1
            except OSError:
                pass
    prints = base / "print"
    if prints.is_dir():
        for item in prints.iterdir():
            try:
                if not _in_use(item):
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
                    removed += 1
            except OSError:
                pass
    removed += _clean_system_temp()
    return removed


def _clean_system_temp() -> int:
    """Print and preview files that earlier versions left in the system's temporary folder (ours only)."""
    import tempfile

    removed = 0
    uid = getattr(os, "getuid", lambda: None)()
    for pattern in ("peerdesk-print-*", "peerdesk-preview-*.pdf"):
        for item in Path(tempfile.gettempdir()).glob(pattern):
            try:
                if uid is not None and item.lstat().st_uid != uid:
                    continue
                shutil.rmtree(item) if item.is_dir() and not item.is_symlink() else item.unlink()
                removed += 1
            except OSError:
                pass
    return removed


def _in_use(item: Path) -> bool:
    """A print folder is named `p-PID-…`; it is in use while that process runs."""
    try:
        return _alive(int(item.name.split("-")[1]))
    except (IndexError, ValueError):
        return False
