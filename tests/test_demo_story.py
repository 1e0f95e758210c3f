"""The demo tells one consistent story: the alerts a newcomer sees on Today are exactly the ones it means.

The list is written out here (not counted), per role, so a demo change that makes a false alert fire —
or quietly loses one the story needs — fails. It holds on any day the demo is loaded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import alerts, demo
from peerdesk.services.access import SYSTEM, Actor

WARDS = {
    ("new_manager", "Avdelning 33, rättspsykiatri"),
    ("new_manager", "Bostad Först Älvstaden"),
    ("new_manager", "Avdelning 12, affektiva sjukdomar"),  # the acting manager covering a leave
    ("no_manager", "Boendestöd Norrby"),
    ("contact_gap", "Öppenvårdsmottagning Väster"),
    ("planned_briefing_overdue", "Avdelning 15, psykosvård"),  # services/demo_onboarding.py
}
SUPERVISION = {
    ("supervision_overdue", "Linnea Björk"),
    ("supervision_overdue", "Robin Falk"),
}
EMPLOYMENT = {("contract_decision_due", "Mats Engström")}  # undecided, ends in 40 days (services/demo_contract_decisions.py)
CONSENT = {
    ("consent_expiring", "Samir Haddad"),
    ("consent_withdrawn_in_use", "Noor Aziz"),
}
# Arvsfonden's project grant ends within three months while Noor's, Ida's and Mats's work runs on
# past it; the region wants a progress report within two weeks (services/demo_funding.py).
FUNDING = {
    ("grant_ending", "Allmänna arvsfonden (2023-01456)"),
    ("funder_report_due", "Västra Götalandsregionen (RS 2025-00312) – Lägesrapport 2"),
}
STORY = {
    "admin": WARDS | SUPERVISION | EMPLOYMENT | CONSENT | FUNDING,
    "coordinator": WARDS | SUPERVISION | EMPLOYMENT | FUNDING,
    "supervisor": SUPERVISION,
    "evaluator": CONSENT,
}
ROLES = {"admin": Role.ADMINISTRATOR, "coordinator": Role.COORDINATOR, "supervisor": Role.SUPERVISOR, "evaluator": Role.EVALUATOR}


def shown(a: alerts.Alert) -> tuple[str, str]:
    """What identifies an alert to a reader: its kind and the person, or else the ward (or grant), it names."""
    return a.kind, a.person_name or a.workplace_name or a.subject


# Today, a leap day and a new year's day: the story is relative to the day it is loaded.
@pytest.mark.parametrize("today", [dt.date.today(), dt.date(2028, 2, 29), dt.date(2027, 1, 1)], ids=["today", "leap-day", "new-year"])
def test_today_shows_exactly_the_alerts_the_story_means(sqlite_db, today):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=today)
        users = {u.username: u.id for u in s.scalars(select(m.User))}
    for username, expected in STORY.items():
        actor = Actor(users[username], username, frozenset({ROLES[username]}))
        with sqlite_db.session(actor) as s:
            found = [shown(a) for a in alerts.compute_alerts(s, today=today)]
        assert sorted(found) == sorted(expected), username  # each exactly once, nothing else


def test_the_project_grant_names_the_five_contracts_and_placements_that_run_past_it(sqlite_db):
    """Noor's and Ida's contracts and placements, and Mats's placement (his contract ends before the grant)."""
    today = dt.date.today()
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=today)
        [a] = [a for a in alerts.compute_alerts(s, today=today) if a.kind == "grant_ending"]
        assert (a.count, a.concerns) == (5, today + dt.timedelta(days=75))
        unpaid = s.scalars(select(m.ContractPeriod.id).where(m.ContractPeriod.grant_id.is_(None))).all()
        assert unpaid == [] and s.scalars(select(m.Placement.id).where(m.Placement.grant_id.is_(None))).all() == []


def test_every_placed_person_has_a_running_placement_and_contract(sqlite_db):
    today = dt.date.today()
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=today)
        people = s.scalars(select(m.PeerSupporter)).all()
        placed = [p for p in people if p.status == m.PeerStatus.PLACED]
        assert len(placed) == 9

        def runs(r) -> bool:
            return r.start_date <= today and (r.end_date is None or r.end_date >= today)

        for p in people:
            placements = s.scalars(select(m.Placement).where(m.Placement.peer_supporter_id == p.id)).all()
            contracts = s.scalars(select(m.ContractPeriod).where(m.ContractPeriod.peer_supporter_id == p.id)).all()
            name = f"{p.first_name} {p.last_name}"
            if p.status == m.PeerStatus.PLACED:
                assert any(runs(x) for x in placements), name
                assert any(runs(c) for c in contracts), name
            else:  # the one who left, the certified one waiting, and those in training: nothing running
                assert not any(runs(x) for x in placements), name
                assert not any(runs(c) for c in contracts), name


def test_the_demo_has_a_ward_at_each_onboarding_stage_and_briefings_planned_ahead(sqlite_db):
    from peerdesk.services import onboarding

    today = dt.date.today()
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=today)
    with sqlite_db.session(SYSTEM) as s:
        board = onboarding.board(s)
        assert all(board[stage] for stage in ("contacted", "interested", "agreement_signed", "staff_briefed", "placement_running",
                                              "paused")), {k: len(v) for k, v in board.items()}
        assert s.scalar(select(m.Workplace.id).where(m.Workplace.stage == m.OnboardingStage.ENDED)) is not None  # ended: off the board's active wards
        ahead = s.scalars(select(m.Briefing.held_on).where(m.Briefing.status == m.Occurrence.PLANNED, m.Briefing.held_on > today)).all()
        assert len(ahead) >= 3 and max(ahead) <= today + dt.timedelta(days=35)
        glantan = next(c for c in board["staff_briefed"] if c.name == "Träfflokalen Gläntan")
        assert onboarding.stage_history(s, glantan.workplace_id)[0].briefing_id is not None  # moved by its held briefing
