"""Quotes tied to the consenting people (issue 16, attacks 4 and 5).

Attack 4: a quote from an interview whose participant withdrew still printed, a group interview held
only one consent, and quotes with no link to any consent printed. Attack 5: "at least 3 informants"
counted interviews (and their `participants` number), so three interviews with one manager let that
manager's quote print as "Manager, round 4". Each test below printed the quote on main (7b74326).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import consent as consent_svc
from peerdesk.services import round_report
from peerdesk.services.access import SYSTEM
from peerdesk.services.records import create
from tests import factories as f

D = dt.date
TODAY = D(2026, 6, 1)


def _consent(s, study_id, role="staff", code=None, manager=None, peer=None, **kw):
    fields = dict(study_id=study_id, informant_role=role, signed_on=D(2025, 1, 10), valid_until=D(2027, 12, 31))
    if role == "manager":
        fields["manager_id"] = manager
    elif role == "peer_supporter":
        fields["peer_supporter_id"] = peer
    else:
        fields["informant_code"] = code
    fields.update(kw)
    return create(s, m.Consent, **fields)


def _interview(s, rnd, kind, role, consents, participants=None, day="2026-04-02"):
    """An interview and its participants' consents, the way the database holds them."""
    iv = create(s, m.Interview, round_id=rnd.id, kind=kind, informant_role=role, held_on=day,
                participants=participants or max(1, len(consents)))
    s.add_all([m.InterviewParticipant(interview_id=iv.id, consent_id=c.id) for c in consents])
    s.flush()
    return iv


def _quote(s, rnd, role, text, interview=None):
    return create(s, m.Quote, round_id=rnd.id, informant_role=role, text=text, status="approved",
                  interview_id=interview.id if interview is not None else None)


def _printed(s, number=4, today=TODAY) -> list[tuple[str, str]]:
    data = round_report.gather(s, number, lang="en", today=today)
    return [q for qs in data.quotes.values() for q in qs]


def _round(s, number=4):
    study = f.study(s)
    return study, f.round_(s, number=number, study_id=study.id)


# ------------------------------------------------------------------ attack 4: withdrawal and unlinked quotes
def test_a_group_interview_with_one_withdrawn_participant_prints_none_of_its_quotes(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        three = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        group = _interview(s, rnd, "group", "staff", three)
        _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", group)
        _quote(s, rnd, "staff", "Rollen blev tydligare efter några veckor.", group)
        assert [t for t, _ in _printed(s)] == ["Vi lärde oss mycket av varandra.", "Rollen blev tydligare efter några veckor."]
        data = round_report.gather(s, 4, lang="en", today=TODAY)
        assert set(data.included_consents) == {c.id for c in three}  # recorded with the report run
        withdrawn_id, version = three[1].id, three[1].version
    with db.begin(SYSTEM) as s:
        consent_svc.withdraw(s, withdrawn_id, version, D(2026, 5, 1), "Vill inte vara med")
    with db.session(SYSTEM) as s:
        assert _printed(s) == []
        assert round_report.gather(s, 4, lang="en", today=TODAY).included_consents == []


def test_a_group_interview_holds_every_participants_consent(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        three = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        group = _interview(s, rnd, "group", "staff", three)
        held = set(s.scalars(
            m.InterviewParticipant.__table__.select().with_only_columns(m.InterviewParticipant.consent_id)
            .where(m.InterviewParticipant.interview_id == group.id)))
        assert held == {c.id for c in three}


def test_an_unlinked_quote_never_prints(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        three = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        group = _interview(s, rnd, "group", "staff", three)
        _quote(s, rnd, "staff", "Ett citat utan intervju.")
        # Even with a consent on the quote itself (the old link), it needs an interview.
        create(s, m.Quote, round_id=rnd.id, informant_role="staff", text="Ett citat med bara ett samtycke.", status="approved",
               consent_id=three[0].id)
        _quote(s, rnd, "staff", "Ett citat från gruppintervjun.", group)
        assert [t for t, _ in _printed(s)] == ["Ett citat från gruppintervjun."]


def test_a_participant_without_a_linked_consent_keeps_the_interviews_quotes_out(db):
    """Four took part, three consents are linked: the fourth person's consent is unknown."""
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        three = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        group = _interview(s, rnd, "group", "staff", three, participants=4)
        _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", group)
        assert _printed(s) == []


def test_a_group_interview_needs_the_focus_group_scope(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        three = [_consent(s, study.id, code=f"P{i}") for i in range(2)]
        three.append(_consent(s, study.id, code="P9", scope_focus_groups=False))  # interviews only
        group = _interview(s, rnd, "group", "staff", three)
        _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", group)
        assert _printed(s) == []


def test_a_consent_that_expires_between_two_runs_stops_the_quote(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        managers = [f.manager(s, f"Chef {i}") for i in range(3)]
        consents = [_consent(s, study.id, "manager", manager=mgr.id, valid_until=D(2026, 6, 30) if i == 0 else D(2027, 12, 31))
                    for i, mgr in enumerate(managers)]
        first = _interview(s, rnd, "individual", "manager", consents[:1])
        for c in consents[1:]:
            _interview(s, rnd, "individual", "manager", [c])
        _quote(s, rnd, "manager", "Det tog tid innan personalen förstod rollen.", first)
        assert _printed(s, today=D(2026, 6, 30)) == [("Det tog tid innan personalen förstod rollen.", "Manager, data collection round 4")]
        assert _printed(s, today=D(2026, 7, 1)) == []  # the first manager's consent has run out


# ------------------------------------------------------------------ attack 5: people, not interviews
def test_three_interviews_with_the_same_manager_do_not_make_three_informants(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        mgr = f.manager(s, "Chef Ett")
        c = _consent(s, study.id, "manager", manager=mgr.id)
        ivs = [_interview(s, rnd, "individual", "manager", [c], day=f"2026-04-0{i + 1}") for i in range(3)]
        _quote(s, rnd, "manager", "Det tog tid innan personalen förstod rollen.", ivs[2])
        assert _printed(s) == []
        # A second consent of the same manager (signed again) is still one person.
        again = _consent(s, study.id, "manager", manager=mgr.id, signed_on=D(2025, 6, 1))
        _interview(s, rnd, "individual", "manager", [again])
        assert _printed(s) == []


def test_three_distinct_managers_let_the_quote_print(db):
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        ivs = []
        for i in range(3):
            mgr = f.manager(s, f"Chef {i}")
            ivs.append(_interview(s, rnd, "individual", "manager", [_consent(s, study.id, "manager", manager=mgr.id)]))
        _quote(s, rnd, "manager", "Det tog tid innan personalen förstod rollen.", ivs[0])
        assert _printed(s) == [("Det tog tid innan personalen förstod rollen.", "Manager, data collection round 4")]


def test_the_participants_number_does_not_count_as_people(db):
    """A group interview that says 6 participants, with two consents linked, is two people."""
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        two = [_consent(s, study.id, code=f"P{i}") for i in range(2)]
        group = _interview(s, rnd, "group", "staff", two)
        create(s, m.Interview, round_id=rnd.id, kind="group", informant_role="staff", held_on="2026-04-05", participants=6)
        _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", group)
        assert _printed(s) == []
        # The same staff code in another interview is the same person.
        _interview(s, rnd, "individual", "staff", [_consent(s, study.id, code="p0 ")])
        assert _printed(s) == []
        _interview(s, rnd, "individual", "staff", [_consent(s, study.id, code="P7")])
        assert [t for t, _ in _printed(s)] == ["Vi lärde oss mycket av varandra."]


# ------------------------------------------------------------------ the service that links them
def test_save_interview_links_the_consents_and_refuses_what_cannot_be_true(db):
    from peerdesk.services import interview_consents as ic

    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        staff = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        mgr = _consent(s, study.id, "manager", manager=f.manager(s, "Chef").id)
        other = _consent(s, f.study(s, name="Annan").id, code="X1")
        choices = ic.consent_choices(s, rnd.id, on=TODAY)  # what the evaluator picks from: codes and roles, no names
        assert {c.id for c in choices} == {c.id for c in (*staff, mgr)} and [c.subject for c in choices if c.role == "manager"] == [""]
        iv = ic.save_interview(s, rnd.id, "group", "staff", "2026-04-02", [c.id for c in staff])
        assert iv.participants == 3
        rows = ic.round_interviews(s, rnd.id)
        assert len(rows) == 1 and len(rows[0].forms) == 3
        for kind, ids, key in (("individual", [staff[0].id, staff[1].id], "error.individual_one_participant"),
                               ("group", [staff[0].id, mgr.id], "error.interview_consent_role"),
                               ("group", [staff[0].id, other.id], "error.interview_consent_study")):
            with pytest.raises(ValidationError) as info:
                ic.save_interview(s, rnd.id, kind, "staff", "2026-04-02", ids)
            assert info.value.key == key
        same = _consent(s, study.id, code=" p0")
        with pytest.raises(ValidationError) as info:
            ic.save_interview(s, rnd.id, "group", "staff", "2026-04-02", [staff[0].id, same.id])
        assert info.value.key == "error.interview_same_person"
        with pytest.raises(ValidationError) as info:
            ic.save_interview(s, rnd.id, "group", "staff", "2026-04-02", [c.id for c in staff], participants=2)
        assert info.value.key == "error.interview_more_consents"
        # A quote speaks with its interview's role, from its own round.
        with pytest.raises(ValidationError) as info:
            create(s, m.Quote, round_id=rnd.id, informant_role="manager", text="Ett citat.", interview_id=iv.id)
        assert info.value.key == "error.quote_interview_role"


def test_withdrawal_lists_the_interviews_and_quotes_the_consent_touches(db):
    from peerdesk.services import interview_consents as ic

    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        staff = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        group = _interview(s, rnd, "group", "staff", staff)
        q = _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", group)
        _quote(s, rnd, "staff", "Ett annat citat, utan intervju.")
        touched = ic.touched_by(s, staff[2].id)
        assert [i[0] for i in touched.interviews] == [group.id]
        assert [(qid, n, text) for qid, n, _st, text in touched.quotes] == [(q.id, 4, "Vi lärde oss mycket av varandra.")]


# ------------------------------------------------------------------ migration
def test_an_old_interview_consent_moves_into_the_participants(backend, request, tmp_path):
    from peerdesk.storage import migrate
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from tests.conftest import TEST_KEY

    if backend == "sqlite":
        database = open_database(DatabaseTarget("sqlite", path=tmp_path / "old.db"), TEST_KEY, create=True)
    else:
        database = request.getfixturevalue("pg_databases").open()
    try:
        migrate.upgrade_to(database, "0009")
        with database.engine.begin() as conn:
            conn.execute(text("INSERT INTO study (id, name, organisation, start_date, scope_interviews, scope_focus_groups, "
                              "scope_questionnaires, version) VALUES (1, 'S', 'O', '2025-01-01', true, true, true, 1)"))
            conn.execute(text("INSERT INTO consent (id, study_id, informant_role, informant_code, scope_interviews, scope_focus_groups, "
                              "scope_questionnaires, version) VALUES (7, 1, 'staff', 'P01', true, true, true, 1)"))
            conn.execute(text("INSERT INTO evaluation_round (id, study_id, number, start_date, status, version) "
                              "VALUES (1, 1, 1, '2025-03-01', 'collecting', 1)"))
            conn.execute(text("INSERT INTO interview (id, round_id, kind, informant_role, held_on, participants, consent_id, version) "
                              "VALUES (3, 1, 'individual', 'staff', '2025-03-02', 1, 7, 1), "
                              "(4, 1, 'group', 'staff', '2025-03-03', 4, NULL, 1)"))
            conn.execute(text("INSERT INTO quote (id, round_id, informant_role, interview_id, text, status, version) "
                              "VALUES (5, 1, 'staff', 3, 'Ett citat.', 'approved', 1)"))
        migrate.upgrade_to(database)
        assert migrate.schema_state(database).is_current
        assert migrate.schema_matches_models(database) == []
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT interview_id, consent_id FROM interview_participant")).all() == [(3, 7)]
            assert conn.execute(text("SELECT id, participants FROM interview ORDER BY id")).all() == [(3, 1), (4, 4)]
            assert conn.execute(text("SELECT interview_id FROM quote")).scalar() == 3
        _downgrade(database, "0009")  # and back: the consent returns to its column
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT id, consent_id FROM interview ORDER BY id")).all() == [(3, 7), (4, None)]
    finally:
        if backend == "sqlite":
            database.dispose()


def _downgrade(database, revision: str) -> None:
    from alembic import command

    from peerdesk.storage import migrate

    with database.engine.connect() as conn:
        raw = conn.connection.driver_connection if database.engine.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            command.downgrade(migrate._alembic_config(conn), revision)


# ------------------------------------------------------------------ the command line
def test_consent_uses_lists_the_interviews_quotes_and_reports_headless(tmp_path):
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    assert run(env, "demo").returncode == 0
    result = run(env, "consent", "uses", "F-1103")  # a staff member in the demo's round-3 focus group
    assert result.returncode == 0, result.stderr
    assert "Interview" in result.stdout and "round 3 (group, staff member)" in result.stdout
    assert "Quote, round 3 (approved): “Patienterna pratar på ett annat sätt" in result.stdout
    assert "round_report" in result.stdout
    unknown = run(env, "consent", "uses", "F-0000")
    assert unknown.returncode != 0 and "F-0000" in unknown.stderr


# ------------------------------------------------------------------ erasure
def test_erasing_a_person_takes_their_individual_interview_and_its_quotes_and_their_place_in_a_group(db):
    from sqlalchemy import func, select

    from peerdesk.services import data_rights
    from peerdesk.services.access import Actor

    admin = Actor(None, "admin-test", frozenset({m.Role.ADMINISTRATOR}))
    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        peer = f.peer(s, "Vera", "Lund")
        mine = _consent(s, study.id, "peer_supporter", peer=peer.id)
        others = [_consent(s, study.id, "peer_supporter", peer=f.peer(s, f"Anna{i}", "Berg").id) for i in range(2)]
        alone = _interview(s, rnd, "individual", "peer_supporter", [mine])
        group = _interview(s, rnd, "group", "peer_supporter", [mine, *others])
        own_quote = _quote(s, rnd, "peer_supporter", "Det jag sa i min egen intervju.", alone)
        group_quote = _quote(s, rnd, "peer_supporter", "Det som sades i gruppen.", group)
        ids = (peer.id, alone.id, group.id, own_quote.id, group_quote.id)
    with db.begin(admin) as s:
        plan = data_rights.erasure_plan(s, "peer_supporter", ids[0], today=TODAY)
        assert plan.delete.get("interview") == 1 and plan.delete.get("quote") == 1 and plan.delete.get("interview_participant") == 2
        data_rights.erase_person(s, "peer_supporter", ids[0], plan, today=TODAY)
    with db.session(SYSTEM) as s:
        assert s.get(m.Interview, ids[1]) is None and s.get(m.Quote, ids[3]) is None
        assert s.get(m.Interview, ids[2]) is not None and s.get(m.Quote, ids[4]) is not None
        left = s.scalar(select(func.count()).select_from(m.InterviewParticipant).where(m.InterviewParticipant.interview_id == ids[2]))
        assert left == 2
        assert _printed(s) == []  # the group had three participants; two consents are left: its quote waits


def test_a_missed_form_linked_later_lets_the_group_interviews_quote_print(db):
    from peerdesk.services import interview_consents as ic

    with db.begin(SYSTEM) as s:
        study, rnd = _round(s)
        staff = [_consent(s, study.id, code=f"P{i}") for i in range(3)]
        iv = ic.save_interview(s, rnd.id, "group", "staff", "2026-04-02", [c.id for c in staff[:2]], participants=3)
        _quote(s, rnd, "staff", "Vi lärde oss mycket av varandra.", iv)
        assert _printed(s) == []  # the third participant's consent is not linked yet
        ic.set_participants(s, iv.id, [c.id for c in staff])
        assert [t for t, _ in _printed(s)] == ["Vi lärde oss mycket av varandra."]
        ic.set_participants(s, iv.id, [c.id for c in staff[1:]])  # a wrong form taken off again
        assert _printed(s) == []
