"""Keep `None` alive under PySide6 builds that drop a reference to it on every void call.

PySide6 6.12 on Python 3.11 returns `None` from every method that returns nothing (setText, setItem,
setFlags …) without taking a reference, as if `None` were immortal (it is from Python 3.12 on,
PEP 683). Each such call lowers None's reference count by one; at ~5,700 (a started window) the
count reaches zero and Python aborts with "Fatal Python error: none_dealloc". A preview table of a
large import makes millions of such calls and crashed the window at a few thousand rows; the rest of
the window got there too, only later ("segfaults now and then").

`install()` measures the leak once and, only if there is one, gives `None` the near-immortal count
that Python 3.12 gives it. Nothing else changes; on a correct PySide or Python ≥ 3.12 it does nothing.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL = 1 << 40  # never reached by any number of lost references in a lifetime


def leaks_none() -> bool:
    """Whether a void PySide call loses a reference to None (measured, not guessed from versions)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 32


def install() -> bool:
    """Make None's reference count unreachable if this PySide needs it; True if it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or not leaks_none():
        return False
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < _IMMORTAL:
        count.value += _IMMORTAL
    return True
