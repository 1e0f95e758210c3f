"""The register import preview at national scale, next to its floor: reading the file alone.

    PYTHONPATH=. .venv/bin/python benchmarks/import_preview.py                   # 200,000 rows per kind
    PYTHONPATH=. .venv/bin/python benchmarks/import_preview.py --rows 8000 --kinds people contracts
    PYTHONPATH=. .venv/bin/python benchmarks/import_preview.py --rows 32000 --profile people   # cProfile, top 25

For each register kind a CSV file of `--rows` rows is written as an office's Excel export would be
(Swedish headers, semicolons), with a realistic mix: most rows new, some already in the database
(unchanged), some duplicated within the file, some periods overlapping, a few bad cells. The
database is a fresh encrypted SQLite file (PeerDesk's own `open_database` and schema) holding the
office the rows refer to: people, workplaces, cohorts, and some of the file's records already.

Per kind it prints the floor (`read_sheet` of the file), the preview (`read_sheet`,
`rows_from_sheet`, `register_import.preview` as the wizard and `peerdesk import` run them) and their
ratio, plus the preview's verdict counts; the same in CPU time (this process), which a machine shared
with other work leaves comparable. `--commit` also times an import of the same file. Exits 1 if
a preview of 200,000 rows or more takes a minute or longer (the issue's aim).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 17
KEY_HEX = "17" * 32
TODAY = dt.date(2026, 6, 1)
FIRST = ("Anna", "Erik", "Sara", "Johan", "Maria", "Ali", "Lena", "Per", "Noor", "Karin", "Åsa", "Örjan", "Märta")
LAST = ("Berg", "Lind", "Holm", "Nyström", "Åberg", "Öhman", "Sjö", "Ek", "Ärlig", "Strand")
AIM_SECONDS = 60.0


def _luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def personal_number(i: int) -> str:
    """A distinct, valid personal identity number per i (YYYYMMDD-NNNN)."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=i % 18000)
    serial = f"{(i // 18000) % 1000:03d}"
    nine = born.strftime("%y%m%d") + serial
    return f"{born.year:04d}{born.strftime('%m%d')}-{serial}{_luhn_digit(nine)}"


def _name(i: int) -> tuple[str, str]:
    return FIRST[i % len(FIRST)], f"{LAST[(i // len(FIRST)) % len(LAST)]}{i}"


def sizes(rows: int) -> dict[str, int]:
    """The office already in the database: people and workplaces the files refer to."""
    return {"people": max(200, rows // 4), "workplaces": max(50, rows // 10), "cohorts": 20}


def build_database(path: Path, rows: int):
    """A fresh encrypted database with the office's people, workplaces and cohorts, and some records
    of every kind that the files will contain again (unchanged rows)."""
    from sqlalchemy import insert

    from peerdesk import models as m
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey
    from peerdesk.storage.migrate import ensure_schema

    n = sizes(rows)
    v = {"version": 1}
    db = open_database(DatabaseTarget("sqlite", path=path), DatabaseKey(raw_hex=KEY_HEX), create=True)
    ensure_schema(db)
    with db.engine.begin() as conn:
        conn.execute(insert(m.Cohort), [dict(id=c, name=f"Kull {c}", start_date=dt.date(2015 + c % 10, 1, 15), **v)
                                        for c in range(1, n["cohorts"] + 1)])
        conn.execute(insert(m.Workplace), [dict(id=w, name=f"Avdelning {w}", organisation=f"Region {1 + w % 21}", kind="inpatient",
                                                region=f"Region {1 + w % 21}", active=True, **v) for w in range(1, n["workplaces"] + 1)])
        people = []
        for p in range(1, n["people"] + 1):
            first, last = _name(p)
            people.append(dict(id=p, first_name=first, last_name=last, personal_number=personal_number(p), status="placed",
                               region=f"Region {1 + p % 21}", **v))
        conn.execute(insert(m.PeerSupporter), people)
        # A few records of each kind already there: the files repeat them (unchanged).
        conn.execute(insert(m.Manager), [dict(id=k, name=f"Chef {k}", **v) for k in range(1, 101)])
        conn.execute(insert(m.ManagerTenure), [dict(workplace_id=k, manager_id=k, start_date=dt.date(2000, 1, 1),
                                                    end_date=dt.date(2000, 12, 31), acting=False, **v) for k in range(1, 51)])
        conn.execute(insert(m.Placement), [dict(peer_supporter_id=k, workplace_id=1 + k % n["workplaces"], start_date=dt.date(2000, 1, 1),
                                                end_date=dt.date(2000, 12, 31), extent_percent=50, **v) for k in range(1, 101)])
        conn.execute(insert(m.ContractPeriod), [dict(peer_supporter_id=k, employer="NSPH Väst", form="permanent",
                                                     start_date=dt.date(2000, 1, 1), end_date=dt.date(2000, 12, 31), extent_percent=50,
                                                     continuation_informed=False, **v) for k in range(1, 101)])
    return db


def _periods(rnd: random.Random, count: int):
    """`count` back-to-back periods (start, end); the last one is open in half of the chains."""
    start = dt.date(2010, 1, 1) + dt.timedelta(days=rnd.randint(0, 400))
    for k in range(count):
        end = start + dt.timedelta(days=rnd.randint(60, 500))
        yield start, (None if k == count - 1 and rnd.random() < 0.5 else end)
        start = end + dt.timedelta(days=1)


def _person_cells(rnd: random.Random, p: int) -> tuple[str, str]:
    """(person, personal number) as a file names a peer supporter: mostly by personal number, some by name."""
    if rnd.random() < 0.7:
        return "", personal_number(p)
    first, last = _name(p)
    return (f"{last}, {first}" if rnd.random() < 0.5 else f"{first} {last}"), ""


def file_rows(kind: str, rows: int, rnd: random.Random) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one kind's file; ~1 % duplicates, ~1 % overlapping periods, ~1 % bad cells."""
    n = sizes(rows)
    W, P = n["workplaces"], n["people"]
    out: list[list[str]] = []
    d = lambda day: day.isoformat() if day else ""  # noqa: E731

    def chaos(row: list[str], date_cols: list[int]) -> None:
        roll = rnd.random()
        if roll < 0.01 and out:
            row[:] = list(out[rnd.randrange(len(out))])  # the same record twice
        elif roll < 0.015 and date_cols:
            row[date_cols[0]] = "2025-13-45"  # a date that does not exist

    if kind == "people":
        header = ["Förnamn", "Efternamn", "Personnummer", "E-post", "Telefon", "Region", "Utbildningskull", "Certifierad", "Status"]
        for i in range(rows):
            if i < rows // 20:  # already in the database, as it is
                p = 1 + i % P
                first, last = _name(p)
                out.append([first, last, personal_number(p), "", "", f"Region {1 + p % 21}", "", "", "placerad"])
                continue
            p = P + i
            first, last = _name(p)
            pnr = personal_number(p) if rnd.random() < 0.9 else ""
            cohort = rnd.randint(1, n["cohorts"])
            row = [first, last, pnr, f"{first.lower()}.{p}@example.se", f"070-{p:07d}", f"Region {1 + p % 21}", f"Kull {cohort}",
                   d(dt.date(2016 + cohort % 10, 3, 1)), "certifierad"]
            if rnd.random() < 0.003:
                row[3] = "not-an-address"
            chaos(row, [7])
            out.append(row)
        return header, out
    if kind == "workplaces":
        header = ["Arbetsplats", "Organisation", "Typ", "Inriktning", "Region", "Kontaktperson", "Aktiv"]
        kinds = ("Slutenvård", "Öppenvård", "kommunal", "Bostad Först")
        for i in range(rows):
            w = 1 + i if i < rows // 20 else W + i
            row = [f"Avdelning {w}", f"Region {1 + w % 21}", "Slutenvård" if w <= W else kinds[i % 4], "Psykos", f"Region {1 + w % 21}",
                   "", "ja"]
            if w <= W:
                row[3] = ""
            chaos(row, [])
            out.append(row)
        return header, out
    if kind == "managers":
        header = ["Namn", "Titel", "E-post", "Telefon"]
        for i in range(rows):
            k = 1 + i if i < 100 else 1000 + i
            row = [f"Chef {k}", "" if k <= 100 else "Avdelningschef", "" if k <= 100 else f"chef{k}@example.se", ""]
            chaos(row, [])
            out.append(row)
        return header, out
    if kind == "tenures":
        header = ["Avdelning", "Chef", "Från", "Till", "Tf"]
        w = 0
        while len(out) < rows:
            w = 1 + w % W
            if w <= 50 and len(out) < 50:
                out.append([f"Avdelning {w}", f"Chef {w}", "2000-01-01", "2000-12-31", ""])
                continue
            for start, end in _periods(rnd, 10):
                row = [f"Avdelning {w}", f"Chef {1000 + len(out)}", d(start), d(end), "tf" if rnd.random() < 0.03 else ""]
                if rnd.random() < 0.01:
                    row[2] = d(start + dt.timedelta(days=30))  # overlaps the tenure before
                    row[3] = d(end)
                chaos(row, [2])
                out.append(row)
        return header, out[:rows]
    if kind == "placements":
        header = ["Kamratstödjare", "Personnummer", "Arbetsplats", "Startdatum", "Slutdatum", "Omfattning %", "Introduktion till"]
        p = 0
        while len(out) < rows:
            p = 1 + p % P
            if p <= 100 and len(out) < 100:
                out.append(["", personal_number(p), f"Avdelning {1 + p % W}", "2000-01-01", "2000-12-31", "50", ""])
                continue
            workplace = f"Avdelning {rnd.randint(1, W)}"
            for start, end in _periods(rnd, 4):
                person, pnr = _person_cells(rnd, p)
                row = [person, pnr, workplace, d(start), d(end), str(rnd.choice((25, 50, 75, 100))), d(start + dt.timedelta(days=30))]
                if rnd.random() < 0.01:
                    row[3] = d(start - dt.timedelta(days=20))  # overlaps the placement before
                chaos(row, [3])
                out.append(row)
        return header, out[:rows]
    if kind == "contracts":
        header = ["Person", "Personnummer", "Arbetsgivare", "Anställningsform", "Från", "Till", "Omfattning", "Finansiering"]
        p = 0
        while len(out) < rows:
            p = 1 + p % P
            if p <= 100 and len(out) < 100:
                out.append(["", personal_number(p), "NSPH Väst", "tillsvidare", "2000-01-01", "2000-12-31", "50", ""])
                continue
            for start, end in _periods(rnd, 4):
                person, pnr = _person_cells(rnd, p)
                form = "Särskild visstid" if end else "tillsvidare"
                row = [person, pnr, "NSPH Väst", form, d(start), d(end), "50", rnd.choice(("Regionbidrag", "Arvsfonden", ""))]
                if rnd.random() < 0.01:
                    row[4] = d(start - dt.timedelta(days=20))  # overlaps the period before
                chaos(row, [4])
                out.append(row)
        return header, out[:rows]
    raise ValueError(kind)


def write_file(kind: str, rows: int, path: Path, seed: int = SEED) -> Path:
    from peerdesk.services.tabular import write_csv

    header, data = file_rows(kind, rows, random.Random(f"{seed}-{kind}"))
    write_csv(path, header, data)
    return path


def run_preview(db, kind: str, path: Path, *, commit: bool = False):
    """read_sheet + rows_from_sheet + preview (or commit), as the wizard and the command line do."""
    from peerdesk import models as m
    from peerdesk.services import register_import as ri
    from peerdesk.services.access import Actor
    from peerdesk.services.tabular import read_sheet

    actor = Actor(None, "bench", frozenset({m.Role.ADMINISTRATOR}))
    sheet = read_sheet(path)
    rows = ri.rows_from_sheet(sheet, ri.guess_mapping(kind, sheet.header))
    if commit:
        with db.begin(actor) as s:
            return ri.commit(s, kind, rows, skip_bad_rows=True)
    with db.begin(actor) as s:
        return ri.preview(s, kind, rows)


def main(argv: list[str] | None = None) -> int:
    from peerdesk.services.register_import import KINDS
    from peerdesk.services.tabular import read_sheet

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    ap.add_argument("--commit", action="store_true", help="also time importing the file (skipping its bad rows)")
    ap.add_argument("--profile", choices=KINDS, help="cProfile the preview of one kind and print the top 25")
    args = ap.parse_args(argv)
    failed = False
    with tempfile.TemporaryDirectory(prefix="peerdesk-import-bench-") as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        db = build_database(tmp / "office.db", args.rows)
        print(f"database: {sizes(args.rows)} and a few records of each kind, built in {time.perf_counter() - t0:.1f} s")
        try:
            for kind in ([args.profile] if args.profile else args.kinds):
                path = write_file(kind, args.rows, tmp / f"{kind}.csv")
                t0, c0 = time.perf_counter(), time.process_time()
                read_sheet(path)
                floor, floor_cpu = time.perf_counter() - t0, time.process_time() - c0
                if args.profile:
                    import cProfile
                    import pstats

                    prof = cProfile.Profile()
                    prof.runcall(run_preview, db, kind, path)
                    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
                    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
                    continue
                t0, c0 = time.perf_counter(), time.process_time()
                preview = run_preview(db, kind, path)
                took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
                counts = ", ".join(f"{preview.count(st)} {st}" for st in ("new", "unchanged", "problem"))
                slow = args.rows >= 200_000 and took >= AIM_SECONDS
                failed |= slow
                print(f"preview {kind:10s} {args.rows:>7d} rows  {took:7.2f} s   floor (read_sheet) {floor:6.2f} s   "
                      f"ratio {took / floor:5.1f}   (CPU {took_cpu:6.2f} s / {floor_cpu:5.2f} s, ratio {took_cpu / floor_cpu:5.1f})   "
                      f"{counts}{'   MISSED ≥60 s' if slow else ''}", flush=True)
                if args.commit:
                    t0 = time.perf_counter()
                    done = run_preview(db, kind, path, commit=True)
                    print(f"commit  {kind:10s} {args.rows:>7d} rows  {time.perf_counter() - t0:7.2f} s   "
                          f"{done.count('new')} new, {done.count('skipped')} skipped", flush=True)
        finally:
            db.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
