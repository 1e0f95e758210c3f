"""How long all alert rules take at national scale (≈600 wards, ≈2,000 peer supporters,
≈120,000 supervision sessions) on an encrypted SQLite file, and which query plans they use.

    PYTHONPATH=. python benchmarks/alerts_national.py

The same data set is built by tests/test_alerts_scale.py, which also checks the plans.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peerdesk.services import alerts  # noqa: E402
from peerdesk.services.access import SYSTEM  # noqa: E402
from peerdesk.storage.config import DatabaseTarget  # noqa: E402
from peerdesk.storage.database import open_database  # noqa: E402
from peerdesk.storage.keys import DatabaseKey  # noqa: E402
from peerdesk.storage.migrate import ensure_schema  # noqa: E402
from tests.test_alerts_scale import TODAY, build_national_office  # noqa: E402


def main() -> None:
    path = Path(tempfile.mkdtemp(prefix="peerdesk-bench-")) / "national.db"
    db = open_database(DatabaseTarget("sqlite", path=path), DatabaseKey.new_raw(), create=True)
    ensure_schema(db)
    start = time.perf_counter()
    build_national_office(db)
    print(f"built the national office in {time.perf_counter() - start:.1f} s")
    with db.session(SYSTEM) as s:
        th = alerts.Thresholds.load(s)
        for area, rule in alerts.RULES.items():
            times = []
            for _ in range(7):
                t0 = time.perf_counter()
                n = len(list(rule(s, TODAY, th)))
                times.append(time.perf_counter() - t0)
            print(f"{area:12s} {n:5d} alerts  median {statistics.median(times) * 1000:6.1f} ms  best {min(times) * 1000:6.1f} ms")
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            alerts.compute_alerts(s, today=TODAY)
            times.append(time.perf_counter() - t0)
        print(f"{'all rules':12s}        median {statistics.median(times) * 1000:6.1f} ms  best {min(times) * 1000:6.1f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
