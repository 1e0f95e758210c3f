"""The activity report at national scale: `gather_activity` (every figure, the small-count rule) for a year, for
the whole office and for one region, next to its floor — the same figures as hand-written SQL, one plain query
per figure with nothing else (tests/activity_office.expected), measured in the same run on the same file. The
results must be equal (checked).

    PYTHONPATH=. .venv/bin/python benchmarks/activity_report.py [--scale 1.0] [--runs 7]

The data set is benchmarks/dataset.py's national office (cached), opened through PeerDesk's own storage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import dataset  # noqa: E402


def _timed(fn, runs: int):
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv=None) -> int:
    from peerdesk.services import activity_report as ar
    from peerdesk.services.access import SYSTEM
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey
    from tests.activity_office import expected

    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args(argv)
    data = dataset.get(args.scale)
    db = open_database(DatabaseTarget("sqlite", path=data.path), DatabaseKey(raw_hex=data.key_hex))
    end = data.today
    start = dt.date(end.year - 1, end.month, 1)
    worst = 0.0
    try:
        with db.session(SYSTEM) as s:
            for label, kw in (("whole office", {}), ("one region", {"region": "Region 3"})):
                app, report = _timed(lambda: ar.gather_activity(s, start=start, end=end, **kw), args.runs)
                floor, want = _timed(lambda: expected(s, start, end, **kw), args.runs)
                same = all(
                    ([f.value for f in report.series[k[6:]]] == [v.get(f"{y}-{m:02d}", 0) for y, m in report.months])
                    if k.startswith("month:") else abs(report.value(k) - v) < 1e-9
                    for k, v in want.items())
                ratio = app / floor
                worst = max(worst, ratio)
                print(f"activity report, {label:13s} {app * 1000:8.1f} ms   floor {floor * 1000:8.1f} ms   ratio {ratio:5.2f}   "
                      f"{'same figures' if same else 'FIGURES DIFFER'}   {report.value('sessions.total')} sessions, "
                      f"{report.value('placements.total')} placements, {len(report.months)} months")
                if not same:
                    return 1
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
