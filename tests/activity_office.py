"""A varied office for the activity report's tests: people in every status, placements of each workplace kind
across the period's edges, sessions of every form, check-ins with attendance, briefings (one new manager briefed
on day 30, one on day 31, one after the period's end), contracts of both forms, consents and rounds, paid by two
grants or by none — and, in `expected`, every figure counted a second time by hand-written SQL (text(), no ORM,
no service code), as the benchmark's floor checks the alerts."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import text

from peerdesk import models as m
from peerdesk.models.funding import Grant, GrantCoverage
from peerdesk.services import supervision
from peerdesk.services.records import create
from tests import factories as f

D = dt.date
START, END = D(2026, 1, 1), D(2026, 6, 30)
VG, SK = "Västra Götaland", "Skåne"


@dataclass
class Office:
    grant_vg: int  # Arvsfonden: covers region VG and one Skåne ward
    grant_sk: int  # Region Skåne: covers region SK
    workplaces: list[int]
    people: list[int]


def build(s, seed: int = 19, people: int = 44) -> Office:
    rnd = random.Random(seed)
    kinds = [("inpatient", VG), ("outpatient", VG), ("municipal", VG), ("inpatient", SK), ("municipal", SK),
             ("outpatient", None), ("inpatient", VG), ("outpatient", SK)]
    wps = [f.workplace(s, name=f"Avdelning {i}", kind=kind, region=region).id for i, (kind, region) in enumerate(kinds)]
    g1 = create(s, Grant, funder="Allmänna arvsfonden", funder_kind="inheritance_fund", reference="2025/101",
                start_date=D(2025, 1, 1), end_date=D(2026, 3, 31))
    create(s, GrantCoverage, grant_id=g1.id, region=VG)
    create(s, GrantCoverage, grant_id=g1.id, workplace_id=wps[3])
    g2 = create(s, Grant, funder="Region Skåne", funder_kind="region", reference="RS-7", start_date=D(2025, 7, 1), end_date=D(2027, 6, 30))
    create(s, GrantCoverage, grant_id=g2.id, region=SK)
    grants = [None, g1.id, g2.id]
    old = f.cohort(s, "Kull 2024", D(2024, 2, 1), D(2024, 3, 20))
    new = f.cohort(s, "Kull 2026", D(2026, 2, 1), D(2026, 3, 20))
    later = f.cohort(s, "Kull hösten", D(2026, 9, 1), D(2026, 10, 20))  # starts after the period: not counted

    # Managers: each ward a tenure since 2024; new managers in the period on four wards.
    managers = {}
    for i, w in enumerate(wps):
        managers[w] = f.manager(s, f"Chef {i}").id
        create(s, m.ManagerTenure, workplace_id=w, manager_id=managers[w], start_date=D(2024, 1, 1))
    from peerdesk.services import workplaces as wsvc

    def new_manager(w, day, name):
        return wsvc.change_manager(s, w, day, new_manager={"name": name}).manager_id

    m_day30 = new_manager(wps[0], D(2026, 2, 1), "Ny chef A")  # briefed on 3 March: day 30 (February has 28 days)
    m_day31 = new_manager(wps[3], D(2026, 3, 1), "Ny chef B")  # briefed on 1 April: day 31
    m_after = new_manager(wps[4], D(2026, 6, 20), "Ny chef C")  # briefed on 10 July, after the period, within 30 days
    new_manager(wps[5], D(2026, 5, 5), "Ny chef D")  # never briefed
    m_before = new_manager(wps[1], D(2025, 12, 31), "Ny chef E")  # started the day before the period
    new_manager(wps[7], D(2026, 7, 1), "Ny chef F")  # starts the day after: not a new manager of the period

    def briefing(w, day, kind="briefing", manager=None):
        b = create(s, m.Briefing, workplace_id=w, held_on=day, kind=kind, staff_count=rnd.randint(0, 9))
        if manager:
            create(s, m.BriefingAttendee, briefing_id=b.id, manager_id=manager)
        create(s, m.BriefingAttendee, briefing_id=b.id, name="Personal", role="staff")
        return b

    briefing(wps[0], D(2026, 1, 20), manager=m_day30)  # before the tenure: does not count for it
    briefing(wps[0], D(2026, 3, 3), manager=m_day30)
    # invited to a briefing that was never held, within their first 30 days: still not briefed
    onboarding_planned = __import__("peerdesk.services.onboarding", fromlist=["x"])
    onboarding_planned.plan_briefing(s, wps[3], D(2026, 3, 5), manager_ids=[m_day31], today=D(2026, 3, 1))
    gone = onboarding_planned.plan_briefing(s, wps[0], D(2026, 2, 10), today=D(2026, 1, 1))
    onboarding_planned.cancel_briefing(s, gone.id)
    briefing(wps[3], D(2026, 4, 1), manager=m_day31)
    briefing(wps[4], D(2026, 7, 10), manager=m_after)
    briefing(wps[1], D(2026, 1, 15), manager=m_before)
    for _ in range(26):
        day = START + dt.timedelta(days=rnd.randint(-20, 200))
        briefing(rnd.choice(wps), day, rnd.choice(("briefing", "briefing", "follow_up")))
    briefing(wps[2], START)
    briefing(wps[6], END, "follow_up")
    briefing(wps[6], START - dt.timedelta(days=1))

    # People in every status, placed across the period's edges.
    edges = [D(2025, 6, 1), START - dt.timedelta(days=1), START, D(2026, 3, 15), END, END + dt.timedelta(days=1)]
    ends = [None, START - dt.timedelta(days=1), START, D(2026, 2, 10), END, END + dt.timedelta(days=1), D(2026, 12, 31)]
    ids = []
    for i in range(people):
        status = rnd.choice(("in_training", "certified", "placed", "placed", "placed", "left"))
        cohort = rnd.choice((old, old, new, later, None))
        kw = {}
        if status == "left":
            kw["left_on"] = rnd.choice((D(2025, 10, 1), START, D(2026, 4, 30), END, END + dt.timedelta(days=40)))
        if status != "in_training" and rnd.random() < 0.8 and cohort is not later:
            kw["certified_on"] = (cohort.end_date if cohort else D(2025, 1, 1)) if rnd.random() < 0.7 else D(2026, 3, 25)
        p = f.peer(s, f"Person{i}", f"Efternamn{i}", status=status, cohort_id=cohort.id if cohort else None, **kw).id
        ids.append(p)
        for w in rnd.sample(wps, rnd.choice((0, 1, 1, 2))):
            start = rnd.choice(edges)
            end = rnd.choice([e for e in ends if e is None or e >= start])
            create(s, m.Placement, peer_supporter_id=p, workplace_id=w, start_date=start, end_date=end,
                   extent_percent=rnd.choice((25, 50, 75, 100)), grant_id=rnd.choice(grants))
        day = rnd.choice((D(2025, 3, 1), START, D(2026, 2, 1), END))
        for _ in range(rnd.choice((0, 1, 2))):
            form = rnd.choice(("fixed_term", "permanent"))
            end = day + dt.timedelta(days=rnd.choice((30, 120, 400)))
            create(s, m.ContractPeriod, peer_supporter_id=p, employer="Föreningen", form=form, start_date=day,
                   end_date=end if form == "fixed_term" or rnd.random() < 0.5 else None, extent_percent=50,
                   grant_id=rnd.choice(grants))
            day = (end or day) + dt.timedelta(days=1)
            if form == "permanent":
                break

    # One of each status for certain, whatever the draw gave.
    ids.append(f.peer(s, "Ebba", "Elevsson", cohort_id=new.id).id)  # in training
    ids.append(f.peer(s, "Klara", "Ledigsson", status="certified", certified_on=D(2025, 3, 1), cohort_id=old.id).id)
    ids.append(f.peer(s, "Sixten", "Slutsson", status="left", left_on=D(2026, 4, 30), certified_on=D(2025, 3, 1)).id)
    people_rows = {p.id: p for p in s.query(m.PeerSupporter)}

    def still_in(pid, day):
        left = people_rows[pid].left_on
        return left is None or left >= day

    for _ in range(90):
        day = START + dt.timedelta(days=rnd.randint(-12, 192))
        form = rnd.choice(("individual", "individual", "phone", "video", "group"))
        eligible = [p for p in ids if still_in(p, day)]
        who = rnd.sample(eligible, rnd.randint(2, 4)) if form == "group" else [rnd.choice(eligible)]
        supervision.log_session(s, day, who, duration_minutes=rnd.choice((30, 45, 60, 90)), form=form)
    for day in (START, END, START - dt.timedelta(days=1), END + dt.timedelta(days=1)):
        supervision.log_session(s, day, [rnd.choice([p for p in ids if still_in(p, day)])], duration_minutes=50)
    for day in (START - dt.timedelta(days=3), START, D(2026, 2, 12), D(2026, 3, 12), D(2026, 4, 9), D(2026, 5, 14), END,
                END + dt.timedelta(days=2)):
        meeting = supervision.schedule_checkin(s, day, "Avstämning")
        marks = {p: rnd.choice(("present", "present", "present", "excused", "absent"))
                 for p in rnd.sample([p for p in ids if still_in(p, day)], 9)}
        supervision.record_attendance(s, meeting.id, marks)
    supervision.schedule_checkin(s, D(2026, 4, 23), "Ingen kom")  # held, with no marks
    # Planned and cancelled meetings inside the period count nowhere: only held ones do.
    from peerdesk.services import onboarding, supervision_planning as planning

    for day in (START, D(2026, 3, 10), END):
        who = [rnd.choice([p for p in ids if still_in(p, day)])]
        planning.plan_session(s, day, who, duration_minutes=45)
        gone = planning.plan_session(s, day, who, duration_minutes=45)
        planning.cancel_session(s, gone.id, gone.version)
        planning.plan_checkin(s, day, "Planerad")
        gone = planning.plan_checkin(s, day, "Inställd")
        planning.cancel_checkin(s, gone.id, gone.version)

    study = f.study(s)
    all_managers = [mid for (mid,) in s.query(m.Manager.id)]
    for i in range(36):
        role = rnd.choice(("peer_supporter", "manager", "staff", "patient"))
        signed = None if rnd.random() < 0.1 else START + dt.timedelta(days=rnd.randint(-25, 205))
        kw = {"peer_supporter": {"peer_supporter_id": rnd.choice(ids)}, "manager": {"manager_id": rnd.choice(all_managers)},
              "staff": {"informant_code": f"S{i}"}, "patient": {"informant_code": f"P{i}"}}[role]
        if role != "peer_supporter" and rnd.random() < 0.7:
            kw["workplace_id"] = rnd.choice(wps)
        create(s, m.Consent, study_id=study.id, informant_role=role, signed_on=signed, **kw)
    rounds = [(1, D(2025, 3, 1), D(2025, 4, 30), "reported", [wps[0]]),
              (2, D(2026, 2, 1), D(2026, 3, 31), "collecting", [wps[0], wps[3]]),
              (3, END, None, "planned", [wps[1]]),  # still planned: not held
              (4, END, None, "collecting", [wps[4]]),
              (5, D(2025, 9, 1), START, "reported", [wps[5]])]
    for number, a, b, status, where in rounds:
        r = create(s, m.EvaluationRound, number=number, start_date=a, end_date=b, status=status, study_id=study.id)
        for w in where:
            create(s, m.RoundWorkplace, round_id=r.id, workplace_id=w)
    return Office(g1.id, g2.id, wps, ids)


# ---------------------------------------------------------------- the same figures by hand-written SQL
class _Sql:
    """Dialect snippets: SQLite keeps dates as ISO text, PostgreSQL as dates."""

    def __init__(self, s) -> None:
        self.s = s
        self.pg = s.get_bind().dialect.name == "postgresql"

    def date(self, day: dt.date):
        return day if self.pg else day.isoformat()

    def days(self, a: str, b: str) -> str:
        """Days from a to b."""
        return f"({b} - {a})" if self.pg else f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"

    def plus(self, column: str, n: int) -> str:
        return f"({column} + {n})" if self.pg else f"date({column}, '+{n} days')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"min({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"max({a}, {b})"

    def month(self, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM')" if self.pg else f"strftime('%Y-%m', {column})"

    def rows(self, sql: str, **params):
        return self.s.execute(text(sql), params).all()

    def one(self, sql: str, **params):
        return self.s.execute(text(sql), params).scalar()


def expected(s, start: dt.date, end: dt.date, grant_id: int | None = None, region: str | None = None) -> dict:
    """Every figure of the report, unsuppressed, plus `month:<series>` lists, counted in SQL."""
    q = _Sql(s)
    P = dict(S=q.date(start), E=q.date(end), g=grant_id, r=region)
    if grant_id is not None:
        wp = ("{c} IN (SELECT w.id FROM workplace w WHERE w.id IN (SELECT workplace_id FROM grant_coverage WHERE grant_id = :g)"
              " OR w.region IN (SELECT region FROM grant_coverage WHERE grant_id = :g AND region IS NOT NULL))")
        pl = "{a}.grant_id = :g"
        on_day = ("(EXISTS (SELECT 1 FROM placement x WHERE x.peer_supporter_id = {p} AND x.grant_id = :g AND x.start_date <= {d}"
                  " AND (x.end_date IS NULL OR x.end_date >= {d})) OR EXISTS (SELECT 1 FROM contract_period y WHERE"
                  " y.peer_supporter_id = {p} AND y.grant_id = :g AND y.start_date <= {d} AND (y.end_date IS NULL OR y.end_date >= {d})))")
        people = ("(SELECT peer_supporter_id FROM placement WHERE grant_id = :g AND start_date <= :E AND (end_date IS NULL OR end_date >= :S)"
                  " UNION SELECT peer_supporter_id FROM contract_period WHERE grant_id = :g AND start_date <= :E"
                  " AND (end_date IS NULL OR end_date >= :S))")
        contract = "c.grant_id = :g"
    elif region is not None:
        wp = "{c} IN (SELECT id FROM workplace WHERE region = :r)"
        pl = "{a}.workplace_id IN (SELECT id FROM workplace WHERE region = :r)"
        on_day = ("EXISTS (SELECT 1 FROM placement x JOIN workplace xw ON xw.id = x.workplace_id WHERE x.peer_supporter_id = {p}"
                  " AND xw.region = :r AND x.start_date <= {d} AND (x.end_date IS NULL OR x.end_date >= {d}))")
        people = ("(SELECT p.peer_supporter_id FROM placement p JOIN workplace w ON w.id = p.workplace_id WHERE w.region = :r"
                  " AND p.start_date <= :E AND (p.end_date IS NULL OR p.end_date >= :S))")
        contract = f"c.peer_supporter_id IN {people}"
    else:
        wp = pl = on_day = contract = "1 = 1"
        people = None
    out: dict = {}

    # people by status at the end
    status = """CASE WHEN ps.left_on IS NOT NULL AND ps.left_on <= :E THEN 'left'
        WHEN EXISTS (SELECT 1 FROM placement e WHERE e.peer_supporter_id = ps.id AND e.start_date <= :E AND (e.end_date IS NULL OR e.end_date >= :E)) THEN 'placed'
        WHEN ps.certified_on <= :E OR (ps.certified_on IS NULL AND ps.status <> 'in_training') THEN 'certified'
        ELSE 'in_training' END"""
    sql = f"""SELECT st, count(*) FROM (SELECT {status} AS st FROM peer_supporter ps LEFT JOIN cohort co ON co.id = ps.cohort_id
        WHERE (ps.left_on IS NULL OR ps.left_on >= :S) AND (co.start_date IS NULL OR co.start_date <= :E)
        {'' if people is None else f'AND ps.id IN {people}'}) t GROUP BY st"""
    by_status = dict(q.rows(sql, **P))
    for st in ("in_training", "certified", "placed", "left"):
        out[f"people.{st}"] = by_status.get(st, 0)
    out["people.total"] = sum(by_status.values())
    running = "p.start_date <= :E AND (p.end_date IS NULL OR p.end_date >= :S)"
    out["people.active"] = q.one(f"SELECT count(DISTINCT p.peer_supporter_id) FROM placement p WHERE {running} AND {pl.format(a='p')}", **P)

    # placements, workplaces and FTE by kind
    days = q.days(":S", ":E") + " + 1"
    inside = q.days(q.greatest("p.start_date", ":S"), q.least("COALESCE(p.end_date, :E)", ":E")) + " + 1"
    for kind, n, wps, fte in q.rows(f"""SELECT w.kind, count(*), count(DISTINCT p.workplace_id),
            sum(p.extent_percent * 1.0 / 100 * ({inside}) / ({days}))
            FROM placement p JOIN workplace w ON w.id = p.workplace_id WHERE {running} AND {pl.format(a='p')} GROUP BY w.kind""", **P):
        out[f"placements.{kind}"], out[f"workplaces.{kind}"], out[f"fte.{kind}"] = n, wps, float(fte)
    for kind in ("inpatient", "outpatient", "municipal"):
        for what in ("placements", "workplaces", "fte"):
            out.setdefault(f"{what}.{kind}", 0)
    out["placements.total"] = q.one(f"SELECT count(*) FROM placement p WHERE {running} AND {pl.format(a='p')}", **P)
    # A ward with placements of one kind only: the distinct count over all kinds is the sum of the kinds' counts.
    out["workplaces.total"] = q.one(f"SELECT count(DISTINCT p.workplace_id) FROM placement p WHERE {running} AND {pl.format(a='p')}", **P)
    out["fte.total"] = float(q.one(f"SELECT COALESCE(sum(p.extent_percent * 1.0 / 100 * ({inside}) / ({days})), 0) FROM placement p"
                                   f" WHERE {running} AND {pl.format(a='p')}", **P))

    # supervision sessions (one-to-one forms are individual) and hours
    scoped = "" if people is None else (" AND EXISTS (SELECT 1 FROM supervision_participant sp WHERE sp.session_id = ss.id AND "
                                        + on_day.format(p="sp.peer_supporter_id", d="ss.held_on") + ")")
    form = "CASE WHEN ss.form = 'group' THEN 'group' ELSE 'individual' END"
    for fm, n, minutes in q.rows(f"""SELECT {form}, count(*), sum(ss.duration_minutes) FROM supervision_session ss
            WHERE ss.status = 'held' AND ss.held_on BETWEEN :S AND :E {scoped} GROUP BY {form}""", **P):
        out[f"sessions.{fm}"], out[f"hours.{fm}"] = n, minutes / 60
    for fm in ("individual", "group"):
        out.setdefault(f"sessions.{fm}", 0)
        out.setdefault(f"hours.{fm}", 0.0)
    out["sessions.total"] = q.one(f"SELECT count(*) FROM supervision_session ss WHERE ss.status = 'held' AND ss.held_on BETWEEN :S AND :E {scoped}", **P)
    out["hours.total"] = (q.one(f"SELECT COALESCE(sum(ss.duration_minutes), 0) FROM supervision_session ss"
                                f" WHERE ss.status = 'held' AND ss.held_on BETWEEN :S AND :E {scoped}", **P)) / 60
    out["month:sessions.individual"] = dict(q.rows(f"SELECT {q.month('ss.held_on')}, count(*) FROM supervision_session ss WHERE"
                                                   f" ss.status = 'held' AND ss.held_on BETWEEN :S AND :E AND ss.form <> 'group' {scoped} GROUP BY 1", **P))
    out["month:sessions.group"] = dict(q.rows(f"SELECT {q.month('ss.held_on')}, count(*) FROM supervision_session ss WHERE"
                                              f" ss.status = 'held' AND ss.held_on BETWEEN :S AND :E AND ss.form = 'group' {scoped} GROUP BY 1", **P))

    # check-in meetings and attendance
    mark_scope = on_day.format(p="a.peer_supporter_id", d="cm.held_on")
    meetings = ("FROM checkin_meeting cm WHERE cm.status = 'held' AND cm.held_on BETWEEN :S AND :E" + ("" if people is None else
                f" AND EXISTS (SELECT 1 FROM checkin_attendance a WHERE a.meeting_id = cm.id AND a.status = 'present' AND {mark_scope})"))
    out["checkins.meetings"] = q.one(f"SELECT count(*) {meetings}", **P)
    out["month:checkins.meetings"] = dict(q.rows(f"SELECT {q.month('cm.held_on')}, count(*) {meetings} GROUP BY 1", **P))
    marks = dict(q.rows(f"""SELECT a.status, count(*) FROM checkin_attendance a JOIN checkin_meeting cm ON cm.id = a.meeting_id
        WHERE cm.status = 'held' AND cm.held_on BETWEEN :S AND :E AND {mark_scope} GROUP BY a.status""", **P))
    for mark in ("present", "excused", "absent"):
        out[f"attendance.{mark}"] = marks.get(mark, 0)
    out["attendance.total"] = sum(marks.values())
    out["checkins.people"] = q.one(f"""SELECT count(DISTINCT a.peer_supporter_id) FROM checkin_attendance a JOIN checkin_meeting cm
        ON cm.id = a.meeting_id WHERE cm.status = 'held' AND cm.held_on BETWEEN :S AND :E AND a.status = 'present' AND {mark_scope}""", **P)

    # briefings and new managers
    kinds = dict(q.rows(f"SELECT b.kind, count(*) FROM briefing b WHERE b.status = 'held' AND b.held_on BETWEEN :S AND :E AND {wp.format(c='b.workplace_id')}"
                        " GROUP BY b.kind", **P))
    out["briefings.briefing"], out["briefings.follow_up"] = kinds.get("briefing", 0), kinds.get("follow_up", 0)
    out["briefings.total"] = sum(kinds.values())
    out["month:briefings.briefing"] = dict(q.rows(f"""SELECT {q.month('b.held_on')}, count(*) FROM briefing b WHERE b.kind = 'briefing'
        AND b.status = 'held' AND b.held_on BETWEEN :S AND :E AND {wp.format(c='b.workplace_id')} GROUP BY 1""", **P))
    tenures = f"FROM manager_tenure t WHERE t.start_date BETWEEN :S AND :E AND {wp.format(c='t.workplace_id')}"
    out["managers.new"] = q.one(f"SELECT count(*) {tenures}", **P)
    out["managers.briefed"] = q.one(f"""SELECT count(*) {tenures} AND EXISTS (SELECT 1 FROM briefing_attendee ba JOIN briefing b
        ON b.id = ba.briefing_id WHERE ba.manager_id = t.manager_id AND ba.attended AND b.status = 'held' AND b.held_on >= t.start_date
        AND b.held_on <= {q.plus('t.start_date', 30)})""", **P)
    out["managers.not_briefed"] = out["managers.new"] - out["managers.briefed"]

    # contracts by form
    forms = dict(q.rows(f"""SELECT c.form, count(*) FROM contract_period c WHERE c.start_date <= :E
        AND (c.end_date IS NULL OR c.end_date >= :S) AND {contract} GROUP BY c.form""", **P))
    out["contracts.fixed_term"], out["contracts.permanent"] = forms.get("fixed_term", 0), forms.get("permanent", 0)
    out["contracts.total"] = sum(forms.values())

    # consents and rounds
    consent_scope = "1 = 1" if people is None else (
        f"((k.workplace_id IS NOT NULL AND {wp.format(c='k.workplace_id')})"
        f" OR (k.peer_supporter_id IS NOT NULL AND {on_day.format(p='k.peer_supporter_id', d='k.signed_on')})"
        f" OR (k.manager_id IS NOT NULL AND EXISTS (SELECT 1 FROM manager_tenure mt WHERE mt.manager_id = k.manager_id"
        f" AND mt.start_date <= k.signed_on AND (mt.end_date IS NULL OR mt.end_date >= k.signed_on) AND {wp.format(c='mt.workplace_id')})))")
    out["consents.collected"] = q.one(f"SELECT count(*) FROM consent k WHERE k.signed_on BETWEEN :S AND :E AND {consent_scope}", **P)
    round_scope = "1 = 1" if people is None else \
        f"EXISTS (SELECT 1 FROM round_workplace rw WHERE rw.round_id = r.id AND {wp.format(c='rw.workplace_id')})"
    out["rounds.held"] = q.one(f"""SELECT count(*) FROM evaluation_round r WHERE r.status <> 'planned' AND r.start_date <= :E
        AND (r.end_date IS NULL OR r.end_date >= :S) AND {round_scope}""", **P)

    # people placed per month: a placement in scope running some day of the month inside the period
    placed = {}
    y, mo = start.year, start.month
    while (y, mo) <= (end.year, end.month):
        first = max(start, D(y, mo, 1))
        last = min(end, (D(y + mo // 12, mo % 12 + 1, 1) - dt.timedelta(days=1)))
        placed[f"{y}-{mo:02d}"] = q.one(f"""SELECT count(DISTINCT p.peer_supporter_id) FROM placement p WHERE p.start_date <= :b
            AND (p.end_date IS NULL OR p.end_date >= :a) AND {pl.format(a='p')}""", **P, a=q.date(first), b=q.date(last))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    out["month:people.placed_in_month"] = placed
    return out
