"""The register import at scale: its check reads the database with a constant number of statements
(not several per row), its commit writes in chunks with every record audited, and the set-based
duplicate, overlap and matching checks find exactly what the old row-by-row check found, on
randomized files full of duplicates, overlaps, unknown and ambiguous names and bad cells."""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from peerdesk import models as m
from peerdesk.services import audit
from peerdesk.services import register_import as ri
from peerdesk.services.access import SYSTEM, Actor
from tests import factories as f
from tests import register_import_reference as reference

COORD = Actor(None, "coord", frozenset({m.Role.COORDINATOR}))
KINDS = ri.KINDS


@contextmanager
def counting(db):
    """The SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# ---------------------------------------------------------------- an office and random files
PNRS = ["19500112-0004", "19560201-0000", "19650318-0009", "19710418-0000", "19770518-0003", "19831020-0004",
        "1991-01-26 0009", "960718-0008"]  # valid, the last two as people write them
FIRST = ["Åsa", "ÅSA", "åsa", "Per", "per", "Örjan", "Märta", "Lars", ""]
LAST = ["Öberg", "ÖBERG", "Holm", "Ärlig", "Ågren", "Lind", ""]
WARDS = ["Avdelning Ö", "avdelning ö", "Bostad Först", "Mottagning Öst", "Avdelning 12", "Okänd avdelning", ""]
MANAGERS = ["Karin Öst", "karin öst", "Eva Ek", "Per Berg", "Sven Sund", "Nina Ny", ""]


def _office(s) -> None:
    """People (two with one name, some with a personal number), wards, managers (two with one name) and
    some periods already recorded."""
    t = f.cohort(s, name="Kull T", start=dt.date(2024, 1, 1))
    asa = f.peer(s, "Åsa", "Öberg", personal_number=PNRS[0], cohort_id=t.id)
    per1 = f.peer(s, "Per", "Holm")
    f.peer(s, "Per", "Holm")
    orjan = f.peer(s, "Örjan", "Ärlig", personal_number=PNRS[1])
    f.peer(s, "Märta", "Ågren", email="marta@example.se")
    w1 = f.workplace(s, name="Avdelning Ö")
    w2 = f.workplace(s, name="Bostad Först")
    f.workplace(s, name="Mottagning Öst")
    from peerdesk.services import records

    karin = records.create(s, m.Manager, name="Karin Öst")
    records.create(s, m.Manager, name="Eva Ek")
    records.create(s, m.Manager, name="Eva Ek")
    records.create(s, m.ManagerTenure, workplace_id=w1.id, manager_id=karin.id, start_date=dt.date(2022, 1, 1),
                   end_date=dt.date(2022, 12, 31))
    records.create(s, m.Placement, peer_supporter_id=asa.id, workplace_id=w1.id, start_date=dt.date(2022, 3, 1),
                   end_date=dt.date(2022, 9, 30), extent_percent=50)
    records.create(s, m.Placement, peer_supporter_id=orjan.id, workplace_id=w2.id, start_date=dt.date(2023, 1, 1),
                   extent_percent=100)
    records.create(s, m.ContractPeriod, peer_supporter_id=asa.id, employer="NSPH", form=m.EmploymentForm.PERMANENT,
                   start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31), extent_percent=50)
    records.create(s, m.ContractPeriod, peer_supporter_id=per1.id, employer="NSPH", form=m.EmploymentForm.FIXED_TERM,
                   start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 6, 30), extent_percent=50)


def _day(rnd: random.Random, empty: float = 0.1) -> str:
    roll = rnd.random()
    if roll < empty:
        return ""
    if roll < empty + 0.03:
        return rnd.choice(("2023-02-30", "igår", "31/12/2023"))
    day = dt.date(2022, 1, 1) + dt.timedelta(days=rnd.randrange(0, 900, 15))  # few distinct days: many collisions
    return day.isoformat() if rnd.random() < 0.8 else day.strftime("%Y%m%d")


def _pick(rnd: random.Random, pool, rows: list[list[str]], column: int):
    """A value from the pool, or (often) one an earlier row used, so duplicates and overlaps abound."""
    if rows and rnd.random() < 0.3:
        return rnd.choice(rows)[column]
    return rnd.choice(pool)


def _person(rnd):
    if rnd.random() < 0.5:
        return "", rnd.choice(PNRS + ["19500112-0005", "1980-01-01"])
    first, last = rnd.choice(FIRST[:-1]), rnd.choice(LAST[:-1])
    return rnd.choice((f"{first} {last}", f"{last}, {first}", first, "")), ""


def random_rows(kind: str, count: int, seed: int) -> list[ri.ImportRow]:
    rnd = random.Random(f"{seed}-{kind}")
    rows: list[list[str]] = []
    for _ in range(count):
        if rows and rnd.random() < 0.08:
            rows.append(list(rnd.choice(rows)))  # the same row twice
            continue
        if kind == "people":
            left = _day(rnd, empty=0.8)
            row = [_pick(rnd, FIRST, rows, 0), _pick(rnd, LAST, rows, 1), _pick(rnd, PNRS + ["", "", "", "19500112-0005"], rows, 2),
                   rnd.choice(("", "a@example.se", "not-an-address")), rnd.choice(("", "Kull T", "Kull X")), _day(rnd, 0.5),
                   rnd.choice(("", "certifierad", "placerad", "slutat", "astronaut")), left]
        elif kind == "workplaces":
            row = [_pick(rnd, WARDS + [f"Ny avdelning {i}" for i in range(100)], rows, 0), rnd.choice(("Region", "", "Kommun")), rnd.choice(("Slutenvård", "kommunal", "öppen", "", "hus")),
                   rnd.choice(("", "Psykos")), rnd.choice(("", "ja", "nej", "kanske")), rnd.choice(("", "x@example.se", "fel"))]
        elif kind == "managers":
            row = [_pick(rnd, MANAGERS + [f"Chef {i}" for i in range(100)], rows, 0), rnd.choice(("", "Chef")), rnd.choice(("", "e@example.se", "fel")), ""]
        elif kind == "tenures":
            row = [_pick(rnd, WARDS, rows, 0), _pick(rnd, MANAGERS + [f"Chef {i}" for i in range(30)], rows, 1), _day(rnd, 0.05), _day(rnd, 0.5),
                   rnd.choice(("", "", "", "tf", "nej", "kanske"))]
        elif kind == "placements":
            person, pnr = _person(rnd)
            row = [person, pnr, _pick(rnd, WARDS, rows, 2), _day(rnd, 0.05), _day(rnd, 0.5),
                   rnd.choice(("50", "100", "0", "150", "abc", "", "75%")), _day(rnd, 0.7)]
        else:
            person, pnr = _person(rnd)
            row = [person, pnr, rnd.choice(("NSPH", "NSPH", "")), rnd.choice(("visstid", "tillsvidare", "tillsvidare", "", "konsult")),
                   _day(rnd, 0.05), _day(rnd, 0.4), rnd.choice(("50", "100", "0", "")), rnd.choice(("", "Arvsfonden")),
                   rnd.choice(("", "ja", "nej", "kanske"))]
        rows.append(row)
    fields = {
        "people": ("first_name", "last_name", "personal_number", "email", "cohort", "certified_on", "status", "left_on"),
        "workplaces": ("name", "organisation", "kind", "specialty", "active", "contact_email"),
        "managers": ("name", "title", "email", "phone"),
        "tenures": ("workplace", "manager", "start_date", "end_date", "acting"),
        "placements": ("person", "personal_number", "workplace", "start_date", "end_date", "extent_percent", "intro_end"),
        "contracts": ("person", "personal_number", "employer", "form", "start_date", "end_date", "extent_percent",
                      "funding_source", "continuation_informed"),
    }[kind]
    return [ri.ImportRow(n, dict(zip(fields, row))) for n, row in enumerate(rows, start=2)]


def _verdicts(preview) -> list[tuple]:
    return [(r.number, r.status, tuple(r.problems)) for r in preview.results]


def _contents(s, model) -> list[tuple]:
    """Every record of a kind as plain values, ids and bookkeeping left out (they differ between runs)."""
    from peerdesk.services.records import snapshot

    def plain(o) -> tuple:
        values = snapshot(o)
        if "manager_id" in values:  # a new manager's id differs between runs (PostgreSQL's sequences do not roll back)
            values["manager_id"] = s.get(m.Manager, values["manager_id"]).name
        return tuple(sorted((k, str(v)) for k, v in values.items()))

    return sorted(plain(o) for o in s.scalars(select(model)))


# ---------------------------------------------------------------- same answers as row by row
@pytest.mark.parametrize("kind", KINDS)
def test_the_set_based_check_finds_exactly_what_the_row_by_row_check_found(db, kind):
    with db.begin(SYSTEM) as s:
        _office(s)
    statuses: set[str] = set()
    for seed in (1, 2):
        rows = random_rows(kind, 150, seed)
        skip = {r.number for r in rows[::17]}
        with db.begin(COORD) as s:
            fast = ri.preview(s, kind, rows, skip=skip)
            slow = reference.preview(s, kind, rows, skip=skip)
        assert _verdicts(fast) == _verdicts(slow), (kind, seed)
        statuses |= {r.status for r in fast.results}

        # Importing the good rows stores the same records, with the same audit entries, either way.
        model = ri.SPECS[kind].model
        s = db.session(COORD)
        try:
            with s.begin():
                before = s.scalar(select(func.count()).select_from(m.AuditEvent))
                done = ri.commit(s, kind, rows, skip=skip, skip_bad_rows=True)
                fast_rows = _contents(s, model), _contents(s, m.Manager)
                fast_audit = s.scalar(select(func.count()).select_from(m.AuditEvent)) - before
                s.rollback()
            with s.begin():
                reference.commit(s, kind, rows, skip=skip, skip_bad_rows=True)
                assert (_contents(s, model), _contents(s, m.Manager)) == fast_rows, (kind, seed)
                assert s.scalar(select(func.count()).select_from(m.AuditEvent)) - before == fast_audit
                s.rollback()
        finally:
            s.close()
        assert _verdicts(done) == [(r.number, ri.SKIPPED if r.status == ri.PROBLEM else r.status, tuple(r.problems))
                                   for r in fast.results]
    assert {ri.NEW, ri.PROBLEM, ri.SKIPPED} <= statuses, statuses  # the files exercise the rules


def test_overlaps_are_named_by_the_first_period_saved_whichever_order_the_file_has(db):
    """Sort-free, per person: a contract overlapping two periods names the one saved first, as the
    database's rule does, and a period accepted earlier in the file counts like a saved one."""
    with db.begin(SYSTEM) as s:
        asa = f.peer(s, "Åsa", "Öberg", personal_number=PNRS[0])
        from peerdesk.services import records

        records.create(s, m.ContractPeriod, peer_supporter_id=asa.id, employer="NSPH", form=m.EmploymentForm.PERMANENT,
                       start_date=dt.date(2024, 7, 1), end_date=dt.date(2024, 12, 31), extent_percent=50)
        records.create(s, m.ContractPeriod, peer_supporter_id=asa.id, employer="NSPH", form=m.EmploymentForm.PERMANENT,
                       start_date=dt.date(2024, 1, 1), end_date=dt.date(2024, 6, 30), extent_percent=50)
    values = {"personal_number": PNRS[0], "employer": "NSPH", "form": "tillsvidare", "extent_percent": "50"}
    rows = [ri.ImportRow(2, {**values, "start_date": "2025-01-01", "end_date": "2025-03-31"}),
            ri.ImportRow(3, {**values, "start_date": "2024-05-01", "end_date": "2025-02-01"}),
            ri.ImportRow(4, {**values, "start_date": "2025-03-01", "end_date": "2025-04-30"})]
    with db.begin(COORD) as s:
        p = ri.preview(s, "contracts", rows)
    assert [r.status for r in p.results] == [ri.NEW, ri.PROBLEM, ri.PROBLEM]
    assert "2024-07-01" in p.results[1].problems[0]  # saved first (by id), though it starts later
    assert "2025-01-01" in p.results[2].problems[0]  # the file's own row 2


# ---------------------------------------------------------------- linear: statements do not grow with the rows
@pytest.mark.parametrize("kind", KINDS)
def test_the_check_sends_as_many_statements_for_1000_rows_as_for_100(db, kind):
    with db.begin(SYSTEM) as s:
        _office(s)
    counts = []
    for n in (100, 1000):
        rows = random_rows(kind, n, seed=7)
        with db.begin(COORD) as s, counting(db) as statements:
            ri.preview(s, kind, rows)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] < 20, counts  # a handful of reads per table, not one per row


def test_a_commit_writes_in_chunks_with_every_record_audited(db):
    with db.begin(SYSTEM) as s:
        _office(s)
    counts = []
    for n, start in ((100, 1000), (1000, 2000)):
        rows = [ri.ImportRow(i + 2, {"workplace": "Avdelning Ö", "manager": f"Chef {start + i}",
                                     "start_date": (dt.date(1900, 1, 1) + dt.timedelta(days=10 * (start + i))).isoformat(),
                                     "end_date": (dt.date(1900, 1, 1) + dt.timedelta(days=10 * (start + i) + 9)).isoformat()})
                for i in range(n)]
        with db.begin(COORD) as s:
            before = s.scalar(select(func.count()).select_from(m.AuditEvent))
            with counting(db) as statements:
                done = ri.commit(s, "tenures", rows)
            assert done.count(ri.NEW) == n
            creates = s.execute(select(m.AuditEvent.table_name, func.count()).where(m.AuditEvent.id > 0, m.AuditEvent.action == "create")
                                .group_by(m.AuditEvent.table_name)).all()
            assert s.scalar(select(func.count()).select_from(m.AuditEvent)) - before == 2 * n + 1  # manager, tenure, import
        # Apart from the records' own INSERTs (row by row on SQLite: SQLAlchemy returns the new ids in order
        # only so there), the statements do not grow with the file: one audit head read and one multi-row
        # audit insert per chunk, one read per table.
        others = [st for st in statements if not st.lstrip().upper().startswith(("INSERT INTO MANAGER", "INSERT INTO MANAGER_TENURE"))]
        counts.append(len(others))
        assert sum("audit_event.hash" in st for st in statements) == 2 + 1  # managers, tenures, the import entry
        assert dict(creates)["manager_tenure"] >= n
    assert counts[0] == counts[1], counts
    with db.session(SYSTEM) as s:
        assert audit.verify(s).ok
        assert s.scalar(select(func.count()).select_from(m.ManagerTenure)) == 1 + 1100


def test_a_commit_larger_than_a_chunk_saves_every_record(sqlite_db, monkeypatch):
    monkeypatch.setattr(ri, "WRITE_CHUNK", 7)
    with sqlite_db.begin(SYSTEM) as s:
        f.workplace(s, name="Avdelning Ö")
    rows = [ri.ImportRow(i + 2, {"workplace": "Avdelning Ö", "manager": f"Chef {i % 5}",
                                 "start_date": (dt.date(2000, 1, 1) + dt.timedelta(days=10 * i)).isoformat(),
                                 "end_date": (dt.date(2000, 1, 1) + dt.timedelta(days=10 * i + 9)).isoformat()})
            for i in range(40)]
    seen = []
    with sqlite_db.begin(COORD) as s:
        ri.commit(s, "tenures", rows, progress=lambda done, total: seen.append((done, total)) or True)
    assert seen[-1] == (80, 80) and [d for d, _t in seen] == sorted(d for d, _t in seen)
    with sqlite_db.session(SYSTEM) as s:
        tenures = s.execute(select(m.Manager.name, m.ManagerTenure.start_date).join(m.Manager)
                            .order_by(m.ManagerTenure.start_date)).all()
        assert [name for name, _d in tenures] == [f"Chef {i % 5}" for i in range(40)]
        assert sorted(s.scalars(select(m.Manager.name))) == [f"Chef {i}" for i in range(5)]
        assert audit.verify(s).ok
