"""Where PeerDesk's bundled resources live (Qt-free, import-light)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    # A frozen app (PyInstaller) unpacks next to sys._MEIPASS; a checkout has it beside the package.
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
