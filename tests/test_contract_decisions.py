"""Decisions at a contract period's end, on SQLCipher and PostgreSQL: continues (the next period in the same
step, under the overlap and LAS rules), ends (the LAS facts), undo before told, told, audit, roles, and the
migration of the old `continuation_informed` flag."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import Role
from peerdesk.services import contract_decisions as cd
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.storage import migrate
from tests import factories as f

D = dt.date
T0 = D(2026, 3, 2)
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def period(s, peer_id, start, end, form="fixed_term", **kw):
    return create(s, m.ContractPeriod, peer_supporter_id=peer_id, employer="Föreningen", form=form, start_date=start,
                  end_date=end, **kw)


def office(db):
    """An administrator, a supervisor, and one person with a fixed-term period ending at day(40)."""
    with db.begin(SYSTEM) as s:
        admin = f.user(s, "admin1", (Role.ADMINISTRATOR,))
        sup = f.user(s, "sup1", (Role.SUPERVISOR,))
        peer = f.peer(s, "Mats", "Engström")
        c = period(s, peer.id, day(-200), day(40), extent_percent=60)
        return (Actor(admin.id, "admin1", frozenset({Role.ADMINISTRATOR})), Actor(sup.id, "sup1", frozenset({Role.SUPERVISOR})),
                peer.id, c.id)


def test_continues_creates_the_next_period_from_the_day_after(db):
    admin, _sup, pid, cid = office(db)
    with db.begin(admin) as s:
        c = cd.record_decision(s, cid, "continues", end_date=day(100), extent_percent=80, today=T0)
        follow = s.get(m.ContractPeriod, c.follow_on_id)
        assert (follow.start_date, follow.end_date, follow.extent_percent, follow.form, follow.employer) == (
            day(41), day(100), 80, m.EmploymentForm.FIXED_TERM, "Föreningen")
        assert (c.continuation_decision, c.decided_on, c.decided_by_id, c.told_on) == (m.ContinuationDecision.CONTINUES, T0, admin.user_id, None)
    with db.begin(admin) as s:  # the extent stays as it was unless given; a fixed-term period needs its end
        with pytest.raises(ValidationError) as err:
            cd.record_decision(s, cid, "continues", today=T0)
        assert err.value.field == "end_date"


def test_a_continuation_is_checked_by_the_overlap_and_las_rules(db):
    admin, _sup, pid, cid = office(db)
    with db.begin(SYSTEM) as s:
        period(s, pid, day(60), day(90))  # something already recorded after the end
    with db.begin(admin) as s, pytest.raises(ValidationError) as err:
        cd.record_decision(s, cid, "continues", end_date=day(100), today=T0)
    assert err.value.key == "error.contract_overlap"
    with db.session(admin) as s:  # nothing half-done: the refused decision left no period and no decision
        assert s.get(m.ContractPeriod, cid).continuation_decision == m.ContinuationDecision.UNDECIDED


def test_fixed_term_continuation_past_the_las_limit_is_refused_and_permanent_is_offered(db):
    admin, _sup, pid, cid = office(db)  # 241 days of fixed-term employment by day(40)
    with db.begin(admin) as s:
        with pytest.raises(ValidationError) as err:
            cd.record_decision(s, cid, "continues", end_date=day(165), today=T0)  # 241 + 125 = 366 > 365
        assert err.value.key == "error.decision_over_las_limit" and err.value.params["n"] == 366
    with db.begin(admin) as s:
        cd.record_decision(s, cid, "continues", end_date=day(164), today=T0)  # exactly 365: allowed
        cd.undo_decision(s, cid)
        c = cd.record_decision(s, cid, "continues", form="permanent", today=T0)
        assert s.get(m.ContractPeriod, c.follow_on_id).end_date is None


def test_las_facts_count_fixed_term_days_and_the_preferential_right(db):
    admin, _sup, pid, cid = office(db)
    with db.begin(SYSTEM) as s:
        long_ = f.peer(s, "Lång", "Tid")
        old = period(s, long_.id, day(-2000), day(-1900))  # more than five years before the end: not counted
        l1 = period(s, long_.id, day(-400), day(-130))  # 271 days
        l2 = period(s, long_.id, day(-129), day(40))  # + 170 = 441 days of fixed term, the first cut by the window
        assert old.id and l1.id
        long_id = l2.id
    with db.session(admin) as s:
        facts = cd.las_facts(s, cid)  # 241 days: not more than nine months, not more than twelve
        assert (facts.fixed_term_days, facts.preferential_right, facts.notice_required) == (241, False, False)
        assert facts.notice_by == D(2026, 3, 11)  # one month before 11 April
        long_facts = cd.las_facts(s, long_id)
        assert (long_facts.fixed_term_days, long_facts.employed_days_3y) == (441, 441)
        assert long_facts.preferential_right and long_facts.notice_required and long_facts.over_limit
    with db.begin(SYSTEM) as s:  # 274 days (more than nine months) gives the preferential right
        period(s, pid, day(-233), day(-201))
    with db.session(admin) as s:
        facts = cd.las_facts(s, cid)
        assert (facts.fixed_term_days, facts.preferential_right) == (274, True)


def test_undo_before_told_removes_the_new_period_and_told_locks_the_decision(db):
    admin, _sup, pid, cid = office(db)
    with db.begin(admin) as s:
        follow_id = cd.record_decision(s, cid, "continues", end_date=day(100), today=T0).follow_on_id
        cd.undo_decision(s, cid)
        assert s.get(m.ContractPeriod, follow_id) is None
        assert s.get(m.ContractPeriod, cid).continuation_decision == m.ContinuationDecision.UNDECIDED
    with db.begin(admin) as s:
        with pytest.raises(ValidationError):  # nothing decided: nothing to tell
            cd.record_told(s, cid, T0, today=T0)
        cd.record_decision(s, cid, "ends", today=T0)
        with pytest.raises(ValidationError):
            cd.record_told(s, cid, day(-1), today=T0)  # before the decision
        with pytest.raises(ValidationError):
            cd.record_told(s, cid, day(1), today=T0)  # in the future
        cd.record_told(s, cid, T0, today=T0)
    with db.begin(admin) as s:
        with pytest.raises(ValidationError) as err:
            cd.undo_decision(s, cid)
        assert err.value.key == "error.decision_already_told"
        with pytest.raises(ValidationError):
            cd.record_decision(s, cid, "continues", end_date=day(100), today=T0)
        c = s.get(m.ContractPeriod, cid)
        assert (c.continuation_decision, c.told_on, c.told_how) == (m.ContinuationDecision.ENDS, T0, m.ToldHow.HANDED_OVER)


def test_a_permanent_period_without_end_has_nothing_to_decide(db):
    admin, _sup, pid, _cid = office(db)
    with db.begin(SYSTEM) as s:
        perm = period(s, pid, day(41), None, form="permanent").id
    with db.begin(admin) as s, pytest.raises(ValidationError) as err:
        cd.record_decision(s, perm, "ends", today=T0)
    assert err.value.key == "error.decision_no_end"


def test_every_step_is_audited_and_only_administrator_and_coordinator_may(db):
    admin, sup, pid, cid = office(db)
    with db.begin(admin) as s:
        cd.record_decision(s, cid, "ends", today=T0)
        cd.letter_data(s, cid, today=T0)
        cd.record_told(s, cid, T0, how="postal", today=T0)
    with db.session(SYSTEM) as s:
        rows = s.execute(select(m.AuditEvent.action, m.AuditEvent.username, m.AuditEvent.fields)
                         .where(m.AuditEvent.table_name == "contract_period", m.AuditEvent.record_id == cid)
                         .order_by(m.AuditEvent.id)).all()
    changes = [(a, u) for a, u, _ in rows]
    assert changes[-3:] == [("update", "admin1"), ("contract_letter", "admin1"), ("update", "admin1")]
    assert "continuation_decision" in rows[-3].fields and "told_on" in rows[-1].fields
    for fn in (lambda s: cd.record_decision(s, cid, "ends", today=T0), lambda s: cd.undo_decision(s, cid),
               lambda s: cd.record_told(s, cid, T0, today=T0), lambda s: cd.letter_data(s, cid), lambda s: cd.las_facts(s, cid)):
        with db.session(sup) as s, pytest.raises(AccessDenied):
            fn(s)
    with db.begin(SYSTEM) as s:
        coord = f.user(s, "coord1", (Role.COORDINATOR,))
        other = f.peer(s, "Ny", "Period")
        c2 = period(s, other.id, day(-10), day(30)).id
    with db.begin(Actor(coord.id, "coord1", frozenset({Role.COORDINATOR}))) as s:
        assert cd.record_decision(s, c2, "ends", today=T0).decided_by_id == coord.id


# ------------------------------------------------------------------ the migration of the old flag


def test_0020_turns_continuation_informed_into_told_on_and_keeps_every_period(empty_db):
    migrate.upgrade_to(empty_db, "0018")
    with empty_db.engine.begin() as conn:
        conn.execute(text("INSERT INTO peer_supporter (id, first_name, last_name, status, version) VALUES (1, 'A', 'B', 'placed', 1)"))
        for id_, informed, updated in ((1, True, "2025-11-20 10:00:00"), (2, False, "2025-11-21 10:00:00")):
            conn.execute(text("INSERT INTO contract_period (id, peer_supporter_id, employer, form, start_date, end_date, extent_percent, "
                              "continuation_informed, version, updated_at) VALUES (:i, 1, 'F', 'fixed_term', :s, :e, 50, :inf, 1, :u)"),
                         {"i": id_, "s": f"202{3 + id_}-01-01", "e": f"202{3 + id_}-12-31", "inf": informed, "u": updated})
    migrate.upgrade_to(empty_db)
    assert migrate.schema_state(empty_db).is_current and migrate.schema_matches_models(empty_db) == []
    with empty_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, continuation_decision, told_on, told_how FROM contract_period ORDER BY id")).all()
    told = [(r[0], r[1], str(r[2])[:10] if r[2] else None, r[3]) for r in rows]
    assert told == [(1, "undecided", "2025-11-20", None), (2, "undecided", None, None)]


def test_a_decision_whose_next_period_has_its_own_decision_cannot_be_taken_back(db):
    admin, _sup, pid, cid = office(db)
    with db.begin(admin) as s:
        follow = cd.record_decision(s, cid, "continues", end_date=day(100), today=T0).follow_on_id
        cd.record_decision(s, follow, "ends", today=T0)
    with db.begin(admin) as s, pytest.raises(ValidationError) as err:
        cd.undo_decision(s, cid)
    assert err.value.key == "error.decision_follow_on_decided"
    with db.session(admin) as s:
        assert s.get(m.ContractPeriod, follow) is not None
