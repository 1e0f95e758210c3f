"""Staff accounts: administrators add, edit, deactivate and reset them; one-time passwords must be
replaced at the first login; the office never loses its last active administrator; all audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import AuditEvent, Role
from peerdesk.services import accounts, auth, listing
from peerdesk.services.access import SYSTEM, Actor

A, C, S, E = Role.ADMINISTRATOR, Role.COORDINATOR, Role.SUPERVISOR, Role.EVALUATOR


@pytest.fixture
def admin(db):
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "admin", "Ada Admin", "admin password", [A])
    return auth.login(db, "admin", "admin password")


def _audit(db, action):
    with db.session(SYSTEM) as s:
        return [(e.record_id, e.username, e.fields) for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_added_account_has_a_readable_one_time_password_that_must_be_replaced(db, admin):
    with db.begin(admin) as s:
        new = accounts.add_account(s, " Sam ", "Sam Supervisor", [S])
    groups = new.password.split("-")
    assert len(groups) == 4 and all(len(g) == 4 for g in groups)
    assert not set(new.password) & set("0o1li")  # nothing to misread
    assert new.account.username == "sam" and new.account.roles == ("supervisor",) and new.account.must_change_password
    with db.begin(admin) as s:
        other = accounts.add_account(s, "sara", "Sara", [S])
    assert other.password != new.password  # generated, not a default

    sam = auth.login(db, "sam", new.password)
    assert sam.must_change_password and sam.roles == {S}
    with db.session(sam) as s:  # nothing but choosing a password
        with pytest.raises(AccessDenied, match="one-time password"):
            listing.list_rows(s, "people")
    with db.begin(sam) as s:
        with pytest.raises(ValidationError, match="differ"):
            auth.change_password(s, new.password, new.password)
    with db.begin(sam) as s:
        auth.change_password(s, new.password, "sam's own password")
    sam = auth.login(db, "sam", "sam's own password")
    assert not sam.must_change_password
    with db.session(sam) as s:
        assert listing.list_rows(s, "people") == []
    with pytest.raises(AccessDenied):
        auth.login(db, "sam", new.password)
    created = _audit(db, "account_created")
    assert [(rid, who) for rid, who, _ in created] == [(new.account.id, "admin"), (other.account.id, "admin")]
    assert json.loads(created[0][2]) == {"roles": ["supervisor"]}  # roles, never the password
    assert _audit(db, "password_changed") == [(new.account.id, "sam", None)]


def test_given_one_time_password_is_used_and_validated(db, admin):
    with db.begin(admin) as s:
        new = accounts.add_account(s, "eva", "Eva", [E, C], password="given one-time pw")
        assert new.password == "given one-time pw" and new.account.roles == ("coordinator", "evaluator")
    assert auth.login(db, "eva", "given one-time pw").must_change_password
    for bad, match in (({"password": "short"}, "at least"), ({"roles": []}, "role"), ({"roles": ["boss"]}, None),
                       ({"username": "Has Space"}, "User name")):
        kw = {"username": "new.one", "display_name": "New", "roles": [C], **bad}
        with db.begin(admin) as s:
            with pytest.raises(ValidationError, match=match):
                accounts.add_account(s, kw["username"], kw["display_name"], kw["roles"], password=kw.get("password"))
    with db.begin(admin) as s:
        with pytest.raises(ValidationError):
            accounts.add_account(s, "eva", "Another Eva", [C])  # user names are unique


def test_edit_name_and_roles_audited(db, admin):
    with db.begin(admin) as s:
        kim = accounts.add_account(s, "kim", "Kim", [C]).account
    with db.begin(admin) as s:
        edited = accounts.edit_account(s, kim.id, display_name="Kim Coordinator", roles=[C, S])
    assert edited.display_name == "Kim Coordinator" and edited.roles == ("coordinator", "supervisor")
    with db.begin(admin) as s:
        assert {a.username: a.roles for a in accounts.list_accounts(s)} == {"admin": ("administrator",),
                                                                           "kim": ("coordinator", "supervisor")}
    assert [(rid, json.loads(f)) for rid, _, f in _audit(db, "roles_changed")] == [(kim.id, {"roles": ["coordinator", "supervisor"]})]
    assert any(rid == kim.id and "display_name" in (f or "") for rid, _, f in _audit(db, "update"))


def test_deactivated_account_cannot_log_in_is_kept_and_can_come_back(db, admin):
    with db.begin(admin) as s:
        kim = accounts.add_account(s, "kim", "Kim", [C], password="kim one-time").account
    with db.begin(admin) as s:
        assert not accounts.set_active(s, kim.id, False).active
    with pytest.raises(AccessDenied, match="deactivated"):
        auth.login(db, "kim", "kim one-time")
    with pytest.raises(AccessDenied, match="Wrong user name"):  # a wrong password learns nothing more
        auth.login(db, "kim", "wrong password")
    with db.begin(admin) as s:
        assert [a.username for a in accounts.list_accounts(s)] == ["admin", "kim"]  # never deleted
        accounts.set_active(s, kim.id, True)
    assert auth.login(db, "kim", "kim one-time").username == "kim"
    assert [rid for rid, _, _ in _audit(db, "account_deactivated")] == [kim.id]
    assert [rid for rid, _, _ in _audit(db, "account_reactivated")] == [kim.id]
    assert [rid for rid, _, _ in _audit(db, "login_refused_inactive")] == [kim.id]


def test_reset_password_gives_a_new_one_time_password(db, admin):
    with db.begin(admin) as s:
        kim = accounts.add_account(s, "kim", "Kim", [C], password="kim one-time").account
    kim_actor = auth.login(db, "kim", "kim one-time")
    with db.begin(kim_actor) as s:
        auth.change_password(s, "kim one-time", "kim's own password")
    for _ in range(4):  # forgot it, and is now locked out
        with pytest.raises(AccessDenied):
            auth.login(db, "kim", "guess")
    with db.begin(admin) as s:
        reset = accounts.reset_password(s, kim.id)
    assert reset.account.must_change_password and len(reset.password) == 19
    with pytest.raises(AccessDenied):
        auth.login(db, "kim", "kim's own password")
    assert auth.login(db, "kim", reset.password).must_change_password  # the lockout was lifted too
    assert [(rid, who) for rid, who, _ in _audit(db, "password_reset")] == [(kim.id, "admin")]


def test_the_last_active_administrator_stays(db, admin):
    with db.begin(admin) as s:
        with pytest.raises(ValidationError, match="last active administrator"):
            accounts.set_active(s, admin.user_id, False)
    with db.begin(admin) as s:
        with pytest.raises(ValidationError, match="last active administrator"):
            accounts.edit_account(s, admin.user_id, roles=[C])
    with db.begin(admin) as s:
        bo = accounts.add_account(s, "bo", "Bo", [A, C]).account
    with db.begin(admin) as s:  # an inactive administrator does not count
        accounts.set_active(s, bo.id, False)
    with db.begin(admin) as s:
        with pytest.raises(ValidationError, match="last active administrator"):
            accounts.edit_account(s, admin.user_id, roles=[E])
    with db.begin(admin) as s:
        accounts.set_active(s, bo.id, True)
    with db.begin(admin) as s:  # with another active one, either may go
        accounts.edit_account(s, admin.user_id, roles=[E])
    with db.begin(admin) as s:
        with pytest.raises(ValidationError, match="last active administrator"):
            accounts.set_active(s, bo.id, False)
        assert {a.username: a.roles for a in accounts.list_accounts(s)}["admin"] == ("evaluator",)


@pytest.mark.parametrize("role", [C, S, E], ids=lambda r: r.value)
def test_only_administrators_manage_accounts(db, admin, role):
    with db.begin(admin) as s:
        kim = accounts.add_account(s, "kim", "Kim", [C]).account
    other = Actor(admin.user_id, "someone", frozenset({role}))
    calls = [lambda s: accounts.list_accounts(s), lambda s: accounts.add_account(s, "x.y", "X", [C]),
             lambda s: accounts.edit_account(s, kim.id, display_name="Other"), lambda s: accounts.set_active(s, kim.id, False),
             lambda s: accounts.reset_password(s, kim.id), lambda s: accounts.find_account(s, "kim")]
    for call in calls:
        with db.begin(other) as s:
            with pytest.raises(AccessDenied):
                call(s)
    with db.begin(admin) as s:
        assert accounts.find_account(s, "kim") == kim  # nothing changed
