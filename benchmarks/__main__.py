"""The national-scale benchmark: each PeerDesk figure next to its bare floor, in one run.

    python -m benchmarks            # full scale (2,000 people, 120,000 sessions …), ≥15 startup runs
    python -m benchmarks --smoke    # 1 % of the data, 3 runs: checks that everything runs (CI)

Prints one line per figure: value, floor, ratio and target. The full run exits 1 if a target is missed;
the smoke run exits 1 only if something fails outright or the app's alerts differ from the SQL floor's
(at 1 % scale the ratios say little: fixed costs dominate). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import dataset, floors  # noqa: E402


@dataclass
class Figure:
    name: str
    value: float
    floor: float
    unit: str
    target: float  # the limit on the ratio
    higher_is_better: bool = False  # pages/s: ratio must be >= target
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.floor if self.floor else float("inf")

    @property
    def ok(self) -> bool:
        return self.ratio >= self.target if self.higher_is_better else self.ratio <= self.target

    def line(self) -> str:
        op = "≥" if self.higher_is_better else "≤"
        mark = "ok" if self.ok else "MISSED"
        return (f"{self.name:34s} {self.value:10.1f} {self.unit:5s} floor {self.floor:10.1f} {self.unit:5s} "
                f"ratio {self.ratio:5.2f}  target {op}{self.target:<4g} {mark}{'  ' + self.note if self.note else ''}")


TIMEOUT_S = 120


def _median(xs):
    return statistics.median(xs)


# ------------------------------------------------------------------ startup and memory
# Linux copies a process's resident size into a child it forks, and ru_maxrss keeps that after exec: a
# child of this (by then large: the data set, Qt) process would report at least our own size. So a small
# spawner process, started once, forks the measured runs and reports their time, exit code and max RSS.
_SPAWNER = r"""
import json, os, subprocess, sys, threading, time
for line in sys.stdin:
    req = json.loads(line)
    with open(req["err"], "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(req["cmd"], env=req["env"], cwd=req["cwd"], stdout=subprocess.DEVNULL, stderr=err)
        guard = threading.Timer(req["timeout"], p.kill)  # a dialog waiting for input must not hang the run
        guard.start()
        _, status, usage = os.wait4(p.pid, 0)
        guard.cancel()
        elapsed = time.perf_counter() - t0
    print(json.dumps([elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss]), flush=True)
"""
_spawner: subprocess.Popen | None = None


def _run_once(cmd: list[str], env: dict) -> tuple[float, int, int]:
    """Wall seconds, exit code and max RSS (KiB) of one process."""
    import json

    global _spawner
    if _spawner is None or _spawner.poll() is not None:
        _spawner = subprocess.Popen([sys.executable, "-c", _SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    with tempfile.NamedTemporaryFile() as err:
        _spawner.stdin.write(json.dumps({"cmd": cmd, "env": env, "cwd": str(ROOT), "err": err.name, "timeout": TIMEOUT_S}) + "\n")
        _spawner.stdin.flush()
        elapsed, code, maxrss = json.loads(_spawner.stdout.readline())
        if code != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd[-2:])} exited {code}: {err.read().decode(errors='replace')[-2000:]}")
    return elapsed, code, maxrss


def app_env(ds: dataset.Dataset, home: Path) -> dict:
    """The app opens the benchmark file with its raw key and logs in the way the CLI does (PEERDESK_USER/PASSWORD)."""
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", PEERDESK_DATABASE_URL=ds.url, PEERDESK_DB_PASSPHRASE=ds.key_hex,
               PEERDESK_USER=dataset.USER, PEERDESK_PASSWORD=dataset.PASSWORD, PEERDESK_DATA_DIR=str(home / "data"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", XDG_CONFIG_HOME=str(home / "config"),
               HOME=str(home), PEERDESK_LANG="sv")
    return env


def startup(ds, runs: int, home: Path) -> list[Figure]:
    env = app_env(ds, home)
    py = sys.executable
    floor_cmd = [py, "-c", floors.BARE_WINDOW]
    painted_cmd = [py, str(ROOT / "main.py"), "--exit-when-painted"]
    ready_cmd = [py, str(ROOT / "main.py"), "--exit-when-ready"]
    _run_once(ready_cmd, env)  # first start: settings, scheduled backup … then the OS cache is warm for everyone
    floor, painted, ready, floor_rss, ready_rss = [], [], [], [], []
    for _ in range(runs):  # interleaved, so machine noise hits all three alike
        t, _, rss = _run_once(floor_cmd, env)
        floor.append(t)
        floor_rss.append(rss)
        painted.append(_run_once(painted_cmd, env)[0])
        t, _, rss = _run_once(ready_cmd, env)
        ready.append(t)
        ready_rss.append(rss)
    f = _median(floor) * 1000
    return [
        Figure("startup: window painted", _median(painted) * 1000, f, "ms", 1.3),
        Figure("startup: Today shows alerts", _median(ready) * 1000, f, "ms", 5.0),
        Figure("peak memory at Today ready", _median(ready_rss) / 1024, _median(floor_rss) / 1024, "MiB", 2.5),
    ]


# ------------------------------------------------------------------ in-process: alerts, lists, report, encryption
def _open(ds):
    from peerdesk.services.auth import login
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey

    db = open_database(DatabaseTarget("sqlite", path=ds.path), DatabaseKey(raw_hex=ds.key_hex))
    return db, login(db, dataset.USER, dataset.PASSWORD)


def alerts_figure(ds, db, actor, runs: int) -> tuple[Figure, list[str]]:
    from sqlalchemy import event

    from peerdesk.services import alerts

    problems = []
    conn = dataset.raw_connect(ds.path)
    with db.session(actor) as s:
        th = alerts.Thresholds.load(s)
        app = {(a.key, a.concerns.isoformat()) for a in alerts.compute_alerts(s, today=ds.today, include_snoozed=True)}
        floor = floors.alerts_sql(conn, ds.today, th)
        if app != floor:
            problems.append(f"alerts differ from the SQL floor: app only {sorted(app - floor)[:3]}, floor only {sorted(floor - app)[:3]}")
        app_t, floor_t = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            alerts.compute_alerts(s, today=ds.today)
            app_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            floors.alerts_sql(conn, ds.today, th)
            floor_t.append(time.perf_counter() - t0)
    # No full scan of the supervision tables (SQLite's plan for every statement that touches them).
    statements = []
    capture = lambda c, cur, sql, params, ctx, many: statements.append((sql, params))  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.session(actor) as s:
            alerts.compute_alerts(s, today=ds.today)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    scans = []
    with db.engine.connect() as c:
        for sql, params in statements:
            if "supervision_" in sql:
                for row in c.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall():
                    if "supervision_" in row[-1] and not (row[-1].startswith("SEARCH") and "INDEX" in row[-1]):
                        scans.append(row[-1])
    if scans:
        problems.append(f"alerts scan a supervision table: {scans}")
    conn.close()
    note = f"{len(app)} alerts, same as floor" if app == floor else "RESULTS DIFFER"
    note += ", no supervision scan" if not scans else ", SUPERVISION SCAN"
    return Figure("alerts: all rules", _median(app_t) * 1000, _median(floor_t) * 1000, "ms", 2.5, note=note), problems


def _wait(signal, seconds: float = 120) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def lists_figures(ds, db, actor, runs: int, text: str = "lind") -> list[Figure]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from peerdesk.ui.common.register_list import RegisterList
    from peerdesk.ui.operations import Operations
    from peerdesk.ui.supervision.area import SESSION_LIST

    app = QApplication.instance()
    ops = Operations(db, actor)
    name, columns, statuses, filterable, newest_first = SESSION_LIST
    Lazy = floors.lazy_model_class()
    conn = dataset.raw_connect(ds.path)
    times = {k: [] for k in ("app_paint", "app_filter", "app_sort", "fl_paint", "fl_filter", "fl_sort")}

    def painted(view) -> None:
        view.viewport().repaint()
        app.processEvents()

    for _ in range(runs):
        t0 = time.perf_counter()
        lst = RegisterList(ops, name, columns, statuses, filterable=filterable, descending=newest_first)
        lst.resize(1000, 700)
        lst.show()
        lst.reload()
        _wait(lst.model.page_loaded)
        painted(lst.table)
        times["app_paint"].append(time.perf_counter() - t0)
        assert lst.model.shown(0) is not None
        t0 = time.perf_counter()
        lst.model.set_filter(text, None)
        _wait(lst.model.page_loaded)
        painted(lst.table)
        times["app_filter"].append(time.perf_counter() - t0)
        app_filtered = len(lst.model.ids)
        lst.model.set_filter("", None)
        _wait(lst.model.page_loaded)
        t0 = time.perf_counter()
        lst.model.sort(0, Qt.SortOrder.AscendingOrder)
        _wait(lst.model.page_loaded)
        painted(lst.table)
        times["app_sort"].append(time.perf_counter() - t0)
        lst.close()
        lst.deleteLater()
        app.processEvents()

        t0 = time.perf_counter()
        model = Lazy(conn)
        view = QTableView()
        view.setModel(model)
        view.resize(1000, 700)
        model.load(order="s.held_on DESC, s.id")
        view.show()
        painted(view)
        times["fl_paint"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        model.load(floors.FILTER_WHERE, (f"%{text}%",), order="s.held_on DESC, s.id")
        painted(view)
        times["fl_filter"].append(time.perf_counter() - t0)
        floor_filtered = len(model.ids)
        model.load(order="s.held_on DESC, s.id")
        t0 = time.perf_counter()
        model.load(order="s.held_on, s.id")
        painted(view)
        times["fl_sort"].append(time.perf_counter() - t0)
        view.close()
        view.deleteLater()
        app.processEvents()
    ops.wait()
    conn.close()
    med = {k: _median(v) * 1000 for k, v in times.items()}
    rows = f"{ds.counts['sessions']} sessions"
    return [
        Figure("list: sessions first paint", med["app_paint"], med["fl_paint"], "ms", 1.5, note=rows),
        Figure(f"list: filter '{text}'", med["app_filter"], med["fl_filter"], "ms", 2.0,
               note=f"{app_filtered} rows" + ("" if app_filtered == floor_filtered else f" (floor {floor_filtered})")),
        Figure("list: sort by date", med["app_sort"], med["fl_sort"], "ms", 2.0),
    ]


def report_figure(ds, db, actor, runs: int, out: Path) -> Figure:
    from peerdesk.reports.round_report import build
    from peerdesk.services import round_report

    number = ds.counts["rounds"]
    app_rate, floor_rate, pages = [], [], 0
    for i in range(runs):
        t0 = time.perf_counter()
        with db.session(actor) as s:
            data = round_report.gather(s, number, lang="sv", today=ds.today, seed=1)
        pages = build(data, str(out / f"report-{i}.pdf"))
        app_rate.append(pages / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        plain_pages = floors.plain_report(str(out / f"plain-{i}.pdf"), pages)
        floor_rate.append(plain_pages / (time.perf_counter() - t0))
    return Figure("round report, all sections", _median(app_rate), _median(floor_rate), "pg/s", 0.5, higher_is_better=True,
                  note=f"{pages} pages")


ENC_QUERY = ("SELECT s.id, s.held_on, s.duration_minutes, length(s.notes) FROM supervision_session s "
             "WHERE s.held_on >= ? ORDER BY s.held_on")  # a range over ix_supervision_session_held_on


def encryption_figure(ds, runs: int) -> Figure:
    since = (ds.today - dt.timedelta(days=90)).isoformat()
    enc, plain = [], []

    def once(path, key) -> float:
        t0 = time.perf_counter()
        conn = dataset.raw_connect(path, key)
        n = len(conn.execute(ENC_QUERY, (since,)).fetchall())
        conn.close()
        assert n > 0
        return time.perf_counter() - t0

    once(ds.path, ds.key_hex), once(ds.plain, None)
    for _ in range(runs):
        enc.append(once(ds.path, ds.key_hex))
        plain.append(once(ds.plain, None))
    return Figure("encryption: indexed range query", _median(enc) * 1000, _median(plain) * 1000, "ms", 1.2,
                  note="fresh connection each, sessions of 90 days")


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="1 %% of the data and few runs; only checks that it all runs")
    ap.add_argument("--scale", type=float, help="data set size relative to the national office (default 1, smoke 0.01)")
    ap.add_argument("--runs", type=int, help="startup runs (default 15, smoke 3); the in-process figures take 7 (smoke 2)")
    ap.add_argument("--skip", action="append", default=[], choices=("startup", "alerts", "lists", "report", "encryption"))
    args = ap.parse_args(argv)
    scale = args.scale or (0.01 if args.smoke else 1.0)
    runs = args.runs or (3 if args.smoke else 15)
    inner = 2 if args.smoke else 7
    ds = dataset.get(scale)
    print(f"PeerDesk benchmark {dt.datetime.now().isoformat(timespec='minutes')}, scale {scale:g} "
          f"({', '.join(f'{k} {v}' for k, v in ds.counts.items())}), {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    figures: list[Figure] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="peerdesk-bench-") as tmp:
        home = Path(tmp)
        if "startup" not in args.skip:
            figures += startup(ds, runs, home)
            for f in figures:
                print(f.line(), flush=True)
        os.environ.update({k: v for k, v in app_env(ds, home).items() if k in ("QT_QPA_PLATFORM", "XDG_CONFIG_HOME", "PEERDESK_LANG")})
        from PySide6.QtWidgets import QApplication

        qapp = QApplication.instance() or QApplication([])  # noqa: F841
        db, actor = _open(ds)
        try:
            steps = [
                ("alerts", lambda: alerts_figure(ds, db, actor, inner * 3)),
                ("lists", lambda: (lists_figures(ds, db, actor, inner), [])),
                ("report", lambda: ([report_figure(ds, db, actor, max(2, inner // 2), home)], [])),
                ("encryption", lambda: ([encryption_figure(ds, inner * 3)], [])),
            ]
            for name, step in steps:
                if name in args.skip:
                    continue
                got, found = step()
                got = got if isinstance(got, list) else [got]
                for f in got:
                    print(f.line(), flush=True)
                figures += got
                problems += found
        finally:
            db.dispose()
    missed = [f.name for f in figures if not f.ok]
    for p in problems:
        print("PROBLEM:", p)
    if args.smoke:
        print(f"smoke run: {len(figures)} figures measured; targets are judged on the full run only")
        return 1 if problems else 0
    print("all targets met" if not missed and not problems else f"missed: {', '.join(missed) or '-'}")
    return 1 if missed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
