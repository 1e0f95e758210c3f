"""The national-scale benchmark cannot rot: its smoke run (1 % of the data, few runs) must run end to end,
print every figure with its floor and target, and find the app's alerts equal to the hand-written SQL's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("startup: window painted", "startup: Today shows alerts", "peak memory at Today ready", "alerts: all rules",
           "list: sessions first paint", "list: filter", "list: sort by date", "round report, all sections",
           "encryption: indexed range query")


def test_benchmark_smoke_run(tmp_path):
    env = {**os.environ, "PEERDESK_BENCH_CACHE": str(tmp_path / "cache"), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke", "--runs", "2"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for name in FIGURES:
        line = next((l for l in lines if l.startswith(name)), None)
        assert line is not None, (name, out.stdout)
        assert " floor " in line and " ratio " in line and " target " in line, line
    assert "same as floor" in next(l for l in lines if l.startswith("alerts: all rules"))
    assert "no supervision scan" in out.stdout
    assert "PROBLEM" not in out.stdout
