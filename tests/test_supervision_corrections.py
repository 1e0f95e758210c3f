"""Correcting a wrongly logged session: delete it (with its participants, topics and notes), or change who
took part — only by those who may read its notes, every change in the audit trail, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ConflictError, ValidationError
from peerdesk.services import audit, supervision
from peerdesk.services.access import SYSTEM
from peerdesk.services.records import update
from tests.test_supervision import NOTE, day, office  # noqa: F401 - fixture


def _trail(db, username: str) -> list[tuple[str, str, int]]:
    with db.session(SYSTEM) as s:
        return [(e["action"], e["table_name"], e["record_id"]) for e in audit.browse(s, username=username, limit=50)]


def _rows(db, session_id: int) -> tuple[int, int, int]:
    with db.session(SYSTEM) as s:
        return (
            s.scalar(select(func.count()).select_from(m.SupervisionSession).where(m.SupervisionSession.id == session_id)),
            s.scalar(select(func.count()).select_from(m.SessionParticipant).where(m.SessionParticipant.session_id == session_id)),
            s.scalar(select(func.count()).select_from(m.session_topic).where(m.session_topic.c.session_id == session_id)),
        )


def _version(db, session_id: int) -> int:
    with db.session(SYSTEM) as s:
        return s.get(m.SupervisionSession, session_id).version


def test_only_those_who_may_read_the_notes_may_delete_and_nothing_is_left_behind(db, office):
    sid = office["session"]  # sup1's session with Kim, one topic, a confidential note
    assert _rows(db, sid) == (1, 1, 1)
    for who in ("sup2", "coord", "eval"):
        with db.begin(office[who]) as s:
            with pytest.raises(AccessDenied) as exc:
                supervision.delete_session(s, sid, _version(db, sid))
            assert NOTE not in str(exc.value)
    assert _rows(db, sid) == (1, 1, 1)
    with db.begin(office["sup1"]) as s:
        with pytest.raises(ConflictError):  # a colleague changed it since it was shown
            supervision.delete_session(s, sid, _version(db, sid) + 1)
    with db.begin(office["sup1"]) as s:
        participant_id = s.scalar(select(m.SessionParticipant.id).where(m.SessionParticipant.session_id == sid))
        supervision.delete_session(s, sid, s.get(m.SupervisionSession, sid).version)
    assert _rows(db, sid) == (0, 0, 0)
    with db.session(office["coord"]) as s:
        assert supervision.sessions_of(s, office["kim"]) == []
    trail = _trail(db, "sup1")
    assert ("delete", "supervision_session", sid) in trail and ("delete", "supervision_participant", participant_id) in trail
    with db.session(SYSTEM) as s:  # the chain still holds, and the note's text is nowhere in it
        assert audit.verify(s).ok
        assert not any(NOTE[:10] in (e["fields"] or "") for e in audit.browse(s, limit=200))


def test_a_deletion_can_be_undone_with_notes_topics_and_participants(db, office):
    sid = office["session"]
    with db.begin(office["sup1"]) as s:
        gone = supervision.delete_session(s, sid, s.get(m.SupervisionSession, sid).version)
    with db.begin(office["coord"]) as s:
        with pytest.raises(AccessDenied):
            supervision.restore_session(s, gone)
    with db.begin(office["sup1"]) as s:
        new_id = supervision.restore_session(s, gone).id
    with db.begin(office["sup1"]) as s:
        secret = supervision.read_confidential(s, new_id)
        info = supervision.session_info(s, new_id)
    assert secret.notes == NOTE and secret.topics == (office["topic"],)
    assert (info.held_on, info.form, info.participant_ids, info.supervisor_name) == (day(3), "individual", (office["kim"],), "Sup1")


def test_an_administrator_and_the_assigned_supervisor_may_delete_a_stand_ins_session(db, office):
    with db.begin(office["stand_in"]) as s:
        a = supervision.log_session(s, day(10), [office["kim"]], supervisor_id=office["stand_in"].user_id).id
        b = supervision.log_session(s, day(11), [office["kim"]], supervisor_id=office["stand_in"].user_id).id
    with db.begin(office["sup1"]) as s:  # Kim's assigned supervisor
        supervision.delete_session(s, a, s.get(m.SupervisionSession, a).version)
    with db.begin(office["admin"]) as s:
        supervision.delete_session(s, b, s.get(m.SupervisionSession, b).version)
    assert _rows(db, a) == _rows(db, b) == (0, 0, 0)
    assert ("delete", "supervision_session", b) in _trail(db, "admin")


def test_participants_of_a_group_session_are_added_and_removed(db, office):
    with db.begin(office["sup1"]) as s:
        sid = supervision.log_session(s, day(14), [office["kim"], office["alex"]], form="group", supervisor_id=office["sup1"].user_id,
                                      notes="group").id
    from tests import factories as f

    with db.begin(SYSTEM) as s:
        lina = f.peer(s, "Lina", "Lagd", supervisor_id=office["sup2"].user_id, status="placed").id
    with db.begin(office["sup1"]) as s:
        choices = dict(supervision.participant_choices(s, sid))
        assert set(choices) >= {office["kim"], office["alex"], lina} and choices[lina] == "Lina Lagd"
        alex_row = s.scalar(select(m.SessionParticipant.id).where(m.SessionParticipant.session_id == sid,
                                                                  m.SessionParticipant.peer_supporter_id == office["alex"]))
        ses = s.get(m.SupervisionSession, sid)
        supervision.edit_session(s, sid, ses.version, held_on=day(14), duration_minutes=120, form="group", topic_ids=[],
                                 notes="group", participant_ids=[office["kim"], lina])
    with db.session(office["sup1"]) as s:
        info = supervision.session_info(s, sid)
        assert info.participants == ("Lina Lagd", "Kim Placerad") and set(info.participant_ids) == {office["kim"], lina}
        assert [x.id for x in supervision.sessions_of(s, office["alex"])] == []  # no longer counted for Alex
        assert [x.id for x in supervision.sessions_of(s, lina)] == [sid]
        assert {p.held_on for p in s.get(m.SupervisionSession, sid).participants} == {day(14)}
    trail = _trail(db, "sup1")
    assert ("delete", "supervision_participant", alex_row) in trail
    assert any(a == "create" and t == "supervision_participant" for a, t, _ in trail)


def test_participant_rules_hold_on_edit(db, office):
    with db.begin(office["coord"]) as s:
        p = s.get(m.PeerSupporter, office["alex"])
        update(s, m.PeerSupporter, p.id, p.version, status="left", left_on=day(15))
    with db.begin(office["sup1"]) as s:
        group = supervision.log_session(s, day(20), [office["kim"]], form="group", supervisor_id=office["sup1"].user_id).id
    sid = office["session"]  # individual, Kim, day 3

    def edit(who, session_id, form, ids):
        with db.begin(office[who]) as s:
            ses = s.get(m.SupervisionSession, session_id)
            supervision.edit_session(s, session_id, ses.version, held_on=ses.held_on, duration_minutes=60, form=form,
                                     topic_ids=[], notes=ses.notes, participant_ids=ids)

    for session_id, form, ids, field in (
        (group, "group", [], "participants"),  # at least one
        (sid, "individual", [office["kim"], office["alex"]], "participants"),  # individual: exactly one
        (group, "group", [office["kim"], office["alex"]], "participants"),  # Alex had left by day 20
    ):
        with pytest.raises(ValidationError) as exc:
            edit("sup1", session_id, form, ids)
        assert exc.value.field == field
    with pytest.raises(AccessDenied):
        edit("sup2", sid, "individual", [office["alex"]])
    with pytest.raises(AccessDenied):
        edit("coord", sid, "individual", [office["alex"]])
    edit("sup1", sid, "individual", [office["alex"]])  # logged for the wrong person: moved to Alex (there on day 3)
    with db.session(office["sup1"]) as s:
        assert supervision.session_info(s, sid).participants == ("Alex Andersson",)
        assert [x.id for x in supervision.sessions_of(s, office["kim"])] == [group]  # only the group session is left
    with db.session(office["coord"]) as s:
        with pytest.raises(AccessDenied):
            supervision.participant_choices(s, sid)
