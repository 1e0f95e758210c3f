"""Unexpected errors: a short reference for the person, details in a local log.

The log keeps the exception type and the code locations (file, line,
function) but not the exception's message or local values, which could hold
personal data.
"""

from __future__ import annotations

import datetime as dt
import secrets
import traceback


def log_path():
    from peerdesk.storage.config import data_dir

    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "errors.log"


def record(exc: BaseException) -> str:
    ref = secrets.token_hex(4)
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"{dt.datetime.now().isoformat(timespec='seconds')} ref={ref} {type(exc).__module__}.{type(exc).__qualname__}"]
    lines += [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
    try:
        with open(log_path(), "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
    except OSError:
        pass
    return ref
