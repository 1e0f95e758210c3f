"""The activity report's figures (services/activity_report.py), checked against a second count by hand-written
SQL over the same varied office (tests/activity_office.py), for the whole office, a grant and a region, on both
backends; the period's edges; and the small-count rule, including the attack of subtracting shown parts from a
total to get a hidden count back."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models.funding import Grant, GrantCoverage
from peerdesk.services import activity_report as ar
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.services.suppression import Count, protect_counts
from tests import activity_office as office
from tests import factories as f

D = dt.date
S, E = office.START, office.END


def _compare(report: ar.ActivityReport, want: dict) -> None:
    months = [f"{y}-{mo:02d}" for y, mo in report.months]
    for key, value in want.items():
        if key.startswith("month:"):
            name = key[len("month:"):]
            got = [fig.value for fig in report.series[name]]
            assert got == [value.get(month, 0) for month in months], name
        elif isinstance(value, float):
            assert report.value(key) == pytest.approx(value, abs=1e-9), key
        else:
            assert report.value(key) == value, key
    published = set(report.figures) | {f"month:{name}" for name in report.series}
    assert published == set(want), published ^ set(want)  # every figure is checked, and nothing else is printed


def test_every_figure_agrees_with_hand_written_sql(db):
    """The whole office, both grants and both regions; and a second period of one month (the edges move)."""
    with db.begin(SYSTEM) as s:
        built = office.build(s)
    scopes = [{}, {"grant_id": built.grant_vg}, {"grant_id": built.grant_sk}, {"region": office.VG}, {"region": office.SK}]
    with db.session(SYSTEM) as s:
        for kw in scopes:
            for start, end in ((S, E), (D(2026, 3, 1), D(2026, 3, 31))):
                report = ar.gather_activity(s, start=start, end=end, **kw)
                _compare(report, office.expected(s, start, end, **kw))
                # The office is varied enough that the check means something: no scope is all zeros.
                assert start != S or report.value("placements.total") and report.value("sessions.total") and report.value("briefings.total"), kw


def test_the_whole_office_has_every_kind_and_edge_in_it(db):
    """The built office holds what the SQL check must tell apart: each kind, both session families, both forms,
    people in each status, and new managers briefed on day 30 (counted), day 31 (not) and after the period (counted)."""
    with db.begin(SYSTEM) as s:
        office.build(s)
    with db.session(SYSTEM) as s:
        r = ar.gather_activity(s, start=S, end=E)
    assert all(r.value(f"placements.{k}") for k in ar.KINDS)
    assert all(r.value(f"people.{st}") for st in ar.STATUSES)
    assert r.value("sessions.individual") and r.value("sessions.group")
    assert r.value("contracts.fixed_term") and r.value("contracts.permanent")
    assert r.value("attendance.present") and r.value("attendance.excused") and r.value("attendance.absent")
    assert (r.value("managers.new"), r.value("managers.briefed")) == (4, 2)
    assert r.value("rounds.held") == 3  # rounds 2, 4 (starts on the end day) and 5 (ends on the first day); not the planned one


def test_placements_at_the_period_edges(db):
    """A placement that ends the day before the start is out; one that starts on the end day is in, for one day."""
    with db.begin(SYSTEM) as s:
        w = f.workplace(s, kind=m.WorkplaceKind.MUNICIPAL, region="Skåne").id
        before, on_end, whole = (f.peer(s, "A", str(i), status="placed").id for i in range(3))
        create(s, m.Placement, peer_supporter_id=before, workplace_id=w, start_date=D(2025, 5, 1), end_date=S - dt.timedelta(days=1),
               extent_percent=100)
        create(s, m.Placement, peer_supporter_id=on_end, workplace_id=w, start_date=E, extent_percent=100)
        create(s, m.Placement, peer_supporter_id=whole, workplace_id=w, start_date=D(2025, 5, 1), extent_percent=50)
        create(s, m.Placement, peer_supporter_id=before, workplace_id=w, start_date=E + dt.timedelta(days=1), extent_percent=100)
    with db.session(SYSTEM) as s:
        r = ar.gather_activity(s, start=S, end=E)
    days = (E - S).days + 1
    assert r.value("placements.municipal") == 2 and r.value("workplaces.municipal") == 1
    assert r.value("fte.municipal") == pytest.approx(0.5 + 1 / days)  # a half-time all period, a full-time one day
    assert r.value("people.active") == 2
    assert r.value("people.placed") == 2 and r.value("people.certified") == 1  # status at the end day, from the dates
    assert [fig.value for fig in r.series["people.placed_in_month"]] == [1, 1, 1, 1, 1, 2]


def test_people_who_left_before_or_start_later_are_not_counted(db):
    with db.begin(SYSTEM) as s:
        later = f.cohort(s, "Hösten", D(2026, 9, 1), D(2026, 10, 1)).id
        f.peer(s, "Gick", "Tidigt", status="left", left_on=S - dt.timedelta(days=1))
        f.peer(s, "Gick", "Första", status="left", left_on=S)
        f.peer(s, "Gick", "Senare", status="left", left_on=E + dt.timedelta(days=1), certified_on=D(2025, 1, 1))
        f.peer(s, "Börjar", "Senare", cohort_id=later)
        f.peer(s, "Utbildas", "Nu")
    with db.session(SYSTEM) as s:
        r = ar.gather_activity(s, start=S, end=E)
    assert (r.value("people.left"), r.value("people.certified"), r.value("people.in_training"), r.value("people.total")) == (1, 1, 1, 3)


def test_a_grant_counts_what_it_pays_for_and_the_workplaces_it_covers(db):
    with db.begin(SYSTEM) as s:
        covered = f.workplace(s, name="Täckt", region="Halland").id
        elsewhere = f.workplace(s, name="Annan", kind=m.WorkplaceKind.OUTPATIENT, region="Skåne").id
        g = create(s, Grant, funder="Stiftelsen", start_date=D(2025, 1, 1), end_date=D(2027, 1, 1))
        create(s, GrantCoverage, grant_id=g.id, workplace_id=covered)
        paid, unpaid = f.peer(s, "B", "1", status="placed").id, f.peer(s, "B", "2", status="placed").id
        create(s, m.Placement, peer_supporter_id=paid, workplace_id=elsewhere, start_date=D(2025, 6, 1), grant_id=g.id)
        create(s, m.Placement, peer_supporter_id=unpaid, workplace_id=covered, start_date=D(2025, 6, 1))
        create(s, m.Briefing, workplace_id=covered, held_on=D(2026, 2, 2))
        create(s, m.Briefing, workplace_id=elsewhere, held_on=D(2026, 2, 3))
        from peerdesk.services import supervision

        supervision.log_session(s, D(2026, 3, 1), [paid])
        supervision.log_session(s, D(2026, 3, 2), [unpaid])
        gid = g.id
    with db.session(SYSTEM) as s:
        r = ar.gather_activity(s, start=S, end=E, grant_id=gid)
    assert r.value("placements.outpatient") == 1 and r.value("placements.inpatient") == 0  # the money decides
    assert r.value("briefings.briefing") == 1  # briefings: at the covered workplace
    assert r.value("sessions.individual") == 1  # the session of the person the grant pays for
    assert r.scope.label.startswith("Stiftelsen")


@pytest.mark.parametrize("kw, message", [
    ({"start": E, "end": S}, "cannot be before the start date"),
    ({"start": S, "end": E, "grant_id": 999}, "There is no such grant"),
    ({"start": S, "end": E, "grant_id": 10**12}, "There is no such grant"),
    ({"start": S, "end": E, "region": "Atlantis"}, "No workplace is in that region"),
    ({"start": S, "end": E, "grant_id": 1, "region": "Skåne"}, "not both"),
    ({"start": D(2000, 1, 1), "end": D(2020, 1, 1)}, "at most 10 years"),
    ({"start": "not a date", "end": E}, "date"),
])
def test_bad_input_is_a_readable_message(sqlite_db, kw, message):
    with sqlite_db.session(SYSTEM) as s:
        with pytest.raises(ValidationError) as err:
            ar.gather_activity(s, **kw)
    assert message in err.value.message


@pytest.mark.parametrize("role, allowed", [(m.Role.ADMINISTRATOR, True), (m.Role.COORDINATOR, True),
                                           (m.Role.SUPERVISOR, False), (m.Role.EVALUATOR, False)])
def test_administrators_and_coordinators_make_the_report(sqlite_db, role, allowed):
    with sqlite_db.session(Actor(1, "x", frozenset({role}))) as s:
        if allowed:
            assert ar.gather_activity(s, start=S, end=E).value("people.total") == 0
        else:
            with pytest.raises(AccessDenied):
                ar.gather_activity(s, start=S, end=E)


# ---------------------------------------------------------------- the small-count rule
def _small_office(s, individual: int, group: int) -> None:
    """One ward in Skåne, `individual` one-to-one sessions and `group` group sessions in March."""
    from peerdesk.services import supervision

    w = f.workplace(s, region="Skåne").id
    people = [f.peer(s, "P", str(i), status="placed").id for i in range(6)]
    for p in people:
        create(s, m.Placement, peer_supporter_id=p, workplace_id=w, start_date=D(2025, 1, 1))
    for i in range(individual):
        supervision.log_session(s, D(2026, 3, 1 + i % 28), [people[i % 6]])
    for i in range(group):
        supervision.log_session(s, D(2026, 3, 2), people[:3], form="group")


def test_a_count_of_three_is_shown_as_below_five_and_zero_as_zero(db):
    with db.begin(SYSTEM) as s:
        _small_office(s, individual=12, group=3)
    with db.session(SYSTEM) as s:
        r = ar.gather_activity(s, start=S, end=E)
    assert r.k == 5
    assert r.figures["sessions.group"].hidden == "small" and r.text("sessions.group", "en") == "< 5"
    assert r.text("briefings.total") == "0" and not r.figures["briefings.total"].hidden
    assert r.figures["hours.group"].hidden  # the hours of the hidden sessions go with them
    # the attack: total − the other shown parts must not give the 3 back
    total, individual = r.figures["sessions.total"], r.figures["sessions.individual"]
    assert total.hidden or individual.hidden
    assert r.figures["hours.total"].hidden or r.figures["hours.individual"].hidden
    # … nor the months: March's individual sessions must not be the shown individual total
    march = r.series["sessions.individual"][2]
    assert individual.hidden or march.hidden or any(fig.hidden for fig in r.series["sessions.individual"])


def test_no_hidden_count_can_be_worked_out_from_the_shown_figures(db):
    """For every published sum, total minus the shown parts never equals a single hidden part."""
    with db.begin(SYSTEM) as s:
        office.build(s, seed=3, people=12)  # a small office: many counts below five
    with db.session(SYSTEM) as s:
        reports = [ar.gather_activity(s, start=S, end=E), ar.gather_activity(s, start=S, end=E, region=office.SK)]
    for r in reports:
        assert any(fig.hidden == "small" for fig in r.figures.values())
        for total, parts in _margins(r):
            if total.hidden:
                assert sum(1 for p in parts if p.hidden) != 0 or not any(p.value for p in parts), "a hidden total is the sum of shown parts"
                continue
            hidden = [p for p in parts if p.hidden]
            assert len(hidden) != 1, "total − shown parts gives a hidden part back"
            if hidden:  # nor do the bounds the printout gives ("< 5" is 1–4, "–" at least 5) pin one down
                rest = total.value - sum(p.value for p in parts if not p.hidden)
                lows = [{"small": 1, "complement": r.k, "withheld": 0}[p.hidden] for p in hidden]
                highs = [r.k - 1 if p.hidden == "small" else rest for p in hidden]
                for i in range(len(hidden)):
                    low = max(lows[i], rest - sum(h for j, h in enumerate(highs) if j != i))
                    high = min(highs[i], rest - sum(lo for j, lo in enumerate(lows) if j != i))
                    assert low < high, "the bounds pin a hidden count"


def _margins(r: ar.ActivityReport):
    for total, parts in ar.MARGINS_FIXED:
        yield r.figures[total], [r.figures[p] for p in parts]
    for name in ar.ADDITIVE_SERIES:
        yield r.figures[name], r.series[name]


def test_protect_counts_hides_a_complement_and_keeps_the_grand_total():
    cells = {"t": Count(203), "i": Count(200), "g": Count(3), "i1": Count(100), "i2": Count(100), "g1": Count(3), "g2": Count(0)}
    protect_counts(cells, [("t", ["i", "g"]), ("i", ["i1", "i2"]), ("g", ["g1", "g2"])], 5)
    assert cells["g"].hidden == cells["g1"].hidden == "small"
    assert cells["i"].hidden == "complement"  # else 203 − 200 = 3
    assert cells["i1"].hidden or cells["i2"].hidden  # else i = 100 + 100, and then g
    assert not cells["t"].hidden and not cells["g2"].hidden  # the grand total and the zero stay


def test_protect_counts_sees_through_bounds():
    """6 = a + b with a hidden as "< 5" (1–4) and b hidden as "–" (at least 5): only a = 1, b = 5 fits."""
    cells = {"t": Count(6), "a": Count(1), "b": Count(5)}
    protect_counts(cells, [("t", ["a", "b"])], 5)
    assert not cells["t"].hidden and cells["a"].hidden == cells["b"].hidden == "withheld"  # the total stays, the parts go
    cells = {"t": Count(9), "a": Count(3), "b": Count(6)}  # a is 3 or 4, b 5 or 6: nothing pinned, the total stays
    protect_counts(cells, [("t", ["a", "b"])], 5)
    assert not cells["t"].hidden and cells["a"].hidden == "small" and cells["b"].hidden == "complement"


def test_a_month_series_gives_way_before_the_period_figure():
    """One meeting a month for a year: every month is "< 5", and 12 over 12 months pins each at 1. The months are
    withheld, and the year's 12 stays."""
    months = [f"m{i}" for i in range(12)]
    cells = {"meetings": Count(12), **{key: Count(1) for key in months}}
    protect_counts(cells, [], 5, details=[("meetings", months)])
    assert not cells["meetings"].hidden and all(cells[key].hidden == "withheld" for key in months)
