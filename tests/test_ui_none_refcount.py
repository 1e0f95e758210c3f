"""PySide6 6.12 on Python 3.11 drops a reference to None on every void call (setText, setItem …); a window
that made a few thousand of them — a preview table of a large import — aborted with "Fatal Python error:
none_dealloc". Importing PeerDesk's window code makes None's count unreachable where that leak exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
import peerdesk.ui  # what every window module imports first
app = QApplication([])
table = QTableWidget(100, 1)
item = QTableWidgetItem()
for i in range(300_000):  # a 30,000-row import preview makes about as many
    item.setText("x")
    table.setItem(i % 100, 0, QTableWidgetItem("y"))
print("alive", sys.getrefcount(None) > 0)
"""


def test_a_window_survives_hundreds_of_thousands_of_void_qt_calls():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0 and "alive True" in out.stdout, out.stderr[-2000:]
