"""The register queries behind the lists: SQL filter/sort at national scale, rights, no confidential columns."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import insert

from peerdesk import models as m
from peerdesk.errors import AccessDenied
from peerdesk.services import registers
from peerdesk.services.access import SYSTEM, Actor


def _actor(*roles):
    return Actor(None, "t", frozenset(roles))


@pytest.fixture
def national(db):
    """20 000 peer supporters, 600 workplaces, 20 000 placements and contract periods."""
    with db.begin(SYSTEM) as s:
        s.execute(insert(m.Cohort), [{"name": f"Kull {i}", "start_date": dt.date(2015, 1, 1) + dt.timedelta(days=60 * i)}
                                     for i in range(1, 60)])
        s.execute(insert(m.PeerSupporter), [
            {"first_name": f"Förnamn{i}", "last_name": f"Efternamn{i:05d}", "cohort_id": 1 + i % 59, "region": f"Region {i % 21}",
             "status": ("placed", "certified", "left", "in_training")[i % 4], "left_on": dt.date(2020, 1, 1) if i % 4 == 2 else None}
            for i in range(20000)])
        s.execute(insert(m.Workplace), [{"name": f"Avdelning {i}", "organisation": f"Klinik {i % 40}",
                                         "kind": ("inpatient", "outpatient", "municipal")[i % 3]} for i in range(600)])
        s.execute(insert(m.Placement), [{"peer_supporter_id": 1 + i, "workplace_id": 1 + i % 600,
                                         "start_date": dt.date(2020, 1, 1), "extent_percent": 50} for i in range(20000)])
        s.execute(insert(m.ContractPeriod), [{"peer_supporter_id": 1 + i, "employer": "Föreningen", "form": "fixed_term",
                                              "start_date": dt.date(2024, 1, 1), "end_date": dt.date(2026, 12, 31),
                                              "extent_percent": 50} for i in range(20000)])
    return db


def test_lists_stay_fast_at_national_scale(national):
    with national.session(SYSTEM) as s:
        for name, text, status, sort in (("people", "", None, "last_name"), ("people", "efternamn1", "placed", "cohort_id"),
                                         ("workplaces", "avd", "municipal", "manager_id"), ("placements", "", None, "workplace_id"),
                                         ("contracts", "förnamn", "running", "peer_supporter_id")):
            started = time.perf_counter()
            ids = registers.list_ids(s, name, text, status, sort, descending=True)
            rows = registers.list_rows(s, name, ids[:200])
            elapsed = time.perf_counter() - started
            assert ids and len(rows) == min(200, len(ids))
            assert elapsed < 2.0, (name, elapsed)
        ids = registers.list_ids(s, "people", "", "left", "last_name")
        assert len(ids) == 5000
        first = registers.list_rows(s, "people", ids[:2])
        assert [first[i][0] for i in ids[:2]] == ["Efternamn00002", "Efternamn00006"]


def test_rights_are_enforced_in_the_service(db):
    with db.session(_actor(m.Role.EVALUATOR)) as s:
        with pytest.raises(AccessDenied):
            registers.list_ids(s, "people")
        assert registers.search(s, "a") == []  # people and workplaces are not the evaluator's
    with db.session(_actor(m.Role.SUPERVISOR)) as s:
        with pytest.raises(AccessDenied):
            registers.list_ids(s, "contracts")
    with db.begin(_actor(m.Role.SUPERVISOR)) as s:
        with pytest.raises(AccessDenied):
            registers.save_record(s, "people", None, {"first_name": "A", "last_name": "B"})


def test_person_overview_has_no_notes_and_readers_do_not_get_the_personal_number(db):
    from peerdesk.services import supervision

    with db.begin(SYSTEM) as s:
        p = registers.save_record(s, "people", None, {"first_name": "Kim", "last_name": "Test",
                                                       "personal_number": "19811218-9876"})
        supervision.log_session(s, "2026-01-10", [p.id], notes="hemligt innehåll")
    with db.session(_actor(m.Role.SUPERVISOR)) as s:
        assert "personal_number" not in registers.load_record(s, "people", p.id).values
        overview = registers.person_overview(s, p.id)
        assert overview.supervision_count == 1 and overview.supervision_last == "2026-01-10"
        assert overview.contracts is None and overview.consents is None
        assert "hemligt" not in repr(overview)
    with db.session(_actor(m.Role.COORDINATOR)) as s:
        assert registers.load_record(s, "people", p.id).values["personal_number"] == "19811218-9876"


def test_sessions_filter_by_any_participants_name_and_keep_date_order(db):
    """Each word must match some participant's first or last name (any case, Å/Ä/Ö as typed); never the notes."""
    from peerdesk.services import supervision

    with db.begin(SYSTEM) as s:
        people = {}
        for first, last in (("Kim", "Lindqvist"), ("Åsa", "Berg"), ("Lind", "Öberg"), ("Sam", "Nilsson")):
            people[first] = registers.save_record(s, "people", None, {"first_name": first, "last_name": last}).id
        log = lambda day, *who, **kw: supervision.log_session(s, day, [people[w] for w in who], **kw).id
        alone_kim = log("2026-01-05", "Kim")
        group = log("2026-01-05", "Åsa", "Sam", form="group")
        lind_first = log("2026-02-01", "Lind")
        notes_only = log("2026-03-01", "Sam", notes="pratade om Lindqvist")  # the notes never match
        kim_and_asa = log("2026-01-20", "Kim", "Åsa", form="group")
    with db.session(SYSTEM) as s:
        ids = lambda text, desc=True: registers.list_ids(s, "sessions", text, None, "held_on", desc)
        assert ids("lind") == [lind_first, kim_and_asa, alone_kim]  # newest first
        assert ids("LIND", desc=False) == [alone_kim, kim_and_asa, lind_first]
        assert ids("åsa") == ids("Åsa") == [kim_and_asa, group]
        assert ids("lind åsa") == [kim_and_asa]  # every word, by different participants
        assert ids("nilsson") == [notes_only, group]
        assert ids("ingen") == []
        assert sorted(ids("")) == sorted([alone_kim, group, lind_first, notes_only, kim_and_asa])
