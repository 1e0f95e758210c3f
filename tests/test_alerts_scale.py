"""All alert rules at national scale: ≈600 wards, ≈2,000 peer supporters, ≈120,000 supervision
sessions — fast, and answered from indexes (no scan of the supervision tables)."""

from __future__ import annotations

import datetime as dt
import random
import time

from sqlalchemy import event, insert, update

from peerdesk import models as m
from peerdesk.services import alerts
from peerdesk.services.access import SYSTEM

TODAY = dt.date(2026, 6, 1)
WARDS, PEOPLE, SESSIONS = 600, 2000, 120_000


def build_national_office(db) -> None:
    """Bulk rows straight into the tables (the services would take minutes for 120k sessions)."""
    rnd = random.Random(4)
    d = lambda n: TODAY - dt.timedelta(days=n)  # noqa: E731
    common = {"version": 1}
    with db.engine.begin() as conn:
        conn.execute(insert(m.Workplace), [dict(id=i, name=f"Avdelning {i}", organisation="Klinik", kind="inpatient", active=True, **common)
                                           for i in range(1, WARDS + 1)])
        conn.execute(insert(m.Manager), [dict(id=i, name=f"Chef {i}", **common) for i in range(1, 2 * WARDS + 1)])
        tenures, briefings, attendees = [], [], []
        for w in range(1, WARDS + 1):
            change = rnd.randint(10, 700)
            tenures.append(dict(workplace_id=w, manager_id=w, start_date=d(1500), end_date=d(change + 1), acting=False, **common))
            tenures.append(dict(workplace_id=w, manager_id=WARDS + w, start_date=d(change), end_date=None, acting=False, **common))
            for k in range(3):
                bid = len(briefings) + 1
                briefings.append(dict(id=bid, workplace_id=w, held_on=d(rnd.randint(0, 900)), kind="briefing", staff_count=5, **common))
                attendees.append(dict(briefing_id=bid, manager_id=w if k == 0 else WARDS + w, role="manager"))
        conn.execute(insert(m.ManagerTenure), tenures)
        conn.execute(insert(m.Briefing), briefings)
        conn.execute(insert(m.BriefingAttendee), attendees)
        conn.execute(insert(m.PeerSupporter), [dict(id=i, first_name="Peer", last_name=str(i), status="placed", **common)
                                               for i in range(1, PEOPLE + 1)])
        placements, contracts = [], []
        for p in range(1, PEOPLE + 1):
            # Most people are placed and employed as they should be; alerts are the exceptions.
            start = rnd.randint(0, 1000)
            ended = p % 5 == 0
            end = d(rnd.randint(0, start)) if ended else None
            placements.append(dict(peer_supporter_id=p, workplace_id=rnd.randint(1, WARDS), start_date=d(start), end_date=end,
                                   extent_percent=50, intro_end=d(start - 90), **common))
            if ended or p % 3:
                contracts.append(dict(peer_supporter_id=p, employer="Föreningen", form="permanent", start_date=d(start), end_date=end,
                                      extent_percent=50, continuation_informed=False, **common))
            else:  # fixed-term, a year at a time
                contracts.append(dict(peer_supporter_id=p, employer="Föreningen", form="fixed_term", start_date=d(start),
                                      end_date=TODAY + dt.timedelta(days=rnd.randint(20, 365)), extent_percent=50,
                                      continuation_informed=False, **common))
        conn.execute(insert(m.Placement), placements)
        conn.execute(insert(m.ContractPeriod), contracts)
        sessions, parts = [], []
        for sid in range(1, SESSIONS + 1):
            held = d(rnd.randint(0, 1000))
            sessions.append(dict(id=sid, held_on=held, duration_minutes=60, form="individual", **common))
            parts.append(dict(session_id=sid, peer_supporter_id=rnd.randint(1, PEOPLE), held_on=held))
        conn.execute(insert(m.SupervisionSession), sessions)
        conn.execute(insert(m.SessionParticipant), parts)
        conn.execute(insert(m.Study), [dict(id=1, name="Studie", organisation="Föreningen", start_date=d(900), scope_interviews=True,
                                            scope_focus_groups=True, scope_questionnaires=True, **common)])
        conn.execute(insert(m.Consent), [dict(study_id=1, informant_role="staff", informant_code=f"P{i}", signed_on=d(800),
                                              valid_until=TODAY + dt.timedelta(days=rnd.randint(-100, 400)),
                                              withdrawn_on=d(10) if i % 50 == 0 else None, scope_interviews=True, scope_focus_groups=True,
                                              scope_questionnaires=True, **common) for i in range(1, 3001)])
        # Grants: each of 21 regions in two periods (the first ending between a month ago and a year ahead) and a
        # project grant ending in two months; every contract and placement paid by a running one; reports due.
        grants, reports = [], []
        for region in range(1, 22):
            end = TODAY + dt.timedelta(days=rnd.randint(-30, 365))
            for k, (start, stop) in enumerate(((end - dt.timedelta(days=1460), end), (end + dt.timedelta(days=1), end + dt.timedelta(days=1095)))):
                gid = len(grants) + 1
                grants.append(dict(id=gid, funder=f"Region {region}", funder_kind="region", reference=f"R{region}-{k}", start_date=start,
                                   end_date=stop, **common))
                reports.append(dict(grant_id=gid, due_on=TODAY + dt.timedelta(days=rnd.randint(-20, 90)),
                                    sent_on=d(1) if rnd.random() < 0.5 else None, **common))
        grants.append(dict(id=len(grants) + 1, funder="Allmänna arvsfonden", funder_kind="inheritance_fund", reference="AF-1", start_date=d(1000),
                           end_date=TODAY + dt.timedelta(days=60), **common))
        conn.execute(insert(m.Grant), grants)
        conn.execute(insert(m.GrantReport), reports)
        running = [g["id"] for g in grants if not g.get("reference", "").endswith("-1")]
        for table in (m.ContractPeriod, m.Placement):
            for i, gid in enumerate(running):
                conn.execute(update(table).where(table.peer_supporter_id % len(running) == i).values(grant_id=gid))
        if db.target.kind == "postgresql":
            for table in ("workplace", "manager", "briefing", "peer_supporter", "supervision_session", "study", "funding_grant"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")


def test_all_rules_at_national_scale_are_fast_and_indexed(db):
    build_national_office(db)
    statements: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with db.session(SYSTEM) as s:
        found = alerts.compute_alerts(s, today=TODAY)  # warm caches once
        assert {a.area for a in found} == {"workplaces", "supervision", "employment", "consent", "funding"}
        assert sum(a.kind == "supervision_overdue" for a in found) > 100
        timings, cpu = [], []
        for _ in range(5):
            start, start_cpu = time.perf_counter(), time.process_time()
            alerts.compute_alerts(s, today=TODAY)
            timings.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    print(f"\nall alert rules, {db.target.kind}: wall best {min(timings) * 1000:.1f} ms {[round(t * 1000, 1) for t in timings]},"
          f" cpu best {min(cpu) * 1000:.1f} ms")
    # CPU time of this process (SQLCipher runs in it; PostgreSQL's own work is in the server): other
    # jobs on a shared machine stretch the wall clock, not this. Measured here: ≈0.1–0.15 s wall on an
    # idle 2-core VM. The bound is generous so CI does not flake; the plan check below is the sharp one.
    assert min(cpu) < 0.3, cpu

    if db.target.kind != "sqlite":
        return
    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.session(SYSTEM) as s:
            alerts.compute_alerts(s, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    touching = [(sql, params) for sql, params in statements if "supervision_" in sql]
    assert touching, "the supervision rule ran no query?"
    with db.engine.connect() as conn:
        for sql, params in touching:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
            for line in plan:
                if "supervision_session" in line or "supervision_participant" in line:
                    assert line.startswith("SEARCH") and "INDEX" in line, (line, plan)


# Digests of every alert (as_json, in compute_alerts' order) on the national data set, taken from the
# row-by-row Python implementation before the rules were narrowed in SQL: the SQL version must give
# exactly the same alerts, on both backends.
PINNED = {0: ("b3b8b3adaad0c90a", 2077), 100: ("5346d84f5326d22f", 4180)}


def test_national_results_match_the_row_by_row_rules(db):
    import hashlib
    import json

    from dataclasses import replace

    from peerdesk.services.settings import set_setting

    build_national_office(db)
    with db.begin(SYSTEM) as s:  # the pinned rules predate contract decisions: decisions off
        set_setting(s, "alerts.contract_decision_days", 0)
    pinned = {}
    with db.session(SYSTEM) as s:
        for offset, (digest, count) in PINNED.items():
            found = alerts.compute_alerts(s, today=TODAY + dt.timedelta(days=offset), include_snoozed=True)
            found = [a for a in found if a.area != "funding"]  # pinned before grants existed; checked below, independently
            assert len(found) == count
            assert hashlib.sha256(json.dumps([a.as_json() for a in found]).encode()).hexdigest()[:16] == digest
            pinned[offset] = found
    # With decisions on (the default, all undecided here): every contract_ending inside the decision window
    # becomes one contract_decision_due for the same period, and nothing else changes.
    with db.begin(SYSTEM) as s:
        set_setting(s, "alerts.contract_decision_days", 60)
    with db.session(SYSTEM) as s:
        for offset, before in pinned.items():
            found = [a for a in alerts.compute_alerts(s, today=TODAY + dt.timedelta(days=offset), include_snoozed=True)
                     if a.area != "funding"]
            as_before = {replace(a, kind="contract_ending", key=f"contract_ending:{a.record_id}", fingerprint=a.fingerprint.split("|")[0],
                                 severity="high" if -a.overdue_days <= 30 else "medium")
                         if a.kind == "contract_decision_due" else a for a in found}
            assert as_before == set(before)
            assert any(a.kind == "contract_decision_due" for a in found)


def test_national_funding_alerts_match_an_independent_count(db):
    """grant_ending and funder_report_due against hand-written SQL over the same national data (and a
    follow-on period moves people out of the count), on both backends."""
    from sqlalchemy import text

    build_national_office(db)
    with db.session(SYSTEM) as s:
        th = alerts.Thresholds.load(s)
        for offset in (0, 45, 120):
            today = TODAY + dt.timedelta(days=offset)
            found = alerts.compute_alerts(s, today=today)
            app = {a.key: (a.concerns, a.count) for a in found if a.area == "funding"}
            next_day = "date(g.end_date, '+1 day')" if db.target.kind == "sqlite" else "(g.end_date + 1)"
            past = """(SELECT count(*) FROM {t} x WHERE x.grant_id = g.id AND (x.end_date IS NULL OR (x.end_date > g.end_date
                AND x.end_date >= :today)) AND NOT EXISTS (SELECT 1 FROM contract_period o WHERE o.peer_supporter_id = x.peer_supporter_id
                AND o.start_date = {next_day} AND o.grant_id IS NOT NULL AND o.grant_id <> g.id))"""
            sql = (f"SELECT g.id, g.end_date, {past.format(t='contract_period', next_day=next_day)} + "
                   f"{past.format(t='placement', next_day=next_day)} AS n FROM funding_grant g WHERE g.end_date <= :until")
            rows = s.execute(text(sql), {"today": today, "until": today + dt.timedelta(days=th.grant_ending_days)}).all()
            expected = {f"grant_ending:{gid}": (alerts._d(end), n) for gid, end, n in rows if n}
            due = s.execute(text("SELECT id, due_on FROM grant_report WHERE sent_on IS NULL AND due_on <= :until"),
                            {"until": today + dt.timedelta(days=th.funder_report_days)}).all()
            expected |= {f"funder_report_due:{rid}": (alerts._d(day), None) for rid, day in due}
            assert app == expected, offset
            assert sum(k.startswith("grant_ending") for k in app) >= 1 and sum(k.startswith("funder_report") for k in app) >= 5
