"""A cheaper answer to PySide6's question "does this module use PySide6?".

After `import PySide6`, every later import runs PySide's `__feature__` hook, which
calls `inspect.getsource()` on the new module and searches it for "PySide6". For the
~300 modules PeerDesk imports after the window (SQLAlchemy, the models …) that costs
about 0.1 s of startup in `inspect`/`linecache` (measured with cProfile). Reading
the file's bytes answers the same question; anything unusual keeps PySide's own check.
"""

from __future__ import annotations


def install() -> bool:
    """Swap in the byte search; False (and nothing changed) if this PySide has no such hook."""
    import sys

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "peerdesk", False):
        return False

    def mod_uses_pyside(module) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as fh:
                return b"PySide6" in fh.read()
        except OSError:
            return original(module)

    mod_uses_pyside.peerdesk = True
    feature._mod_uses_pyside = mod_uses_pyside
    return True
