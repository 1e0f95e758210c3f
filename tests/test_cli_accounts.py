"""`peerdesk user …` and `peerdesk passwd` as an administrator and a new colleague use them: real processes."""

from __future__ import annotations

import json

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("accounts")), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def _users(env):
    result = run(env, "user", "list", "--json")
    assert result.returncode == 0, result.stderr
    return {u["username"]: u for u in json.loads(result.stdout)}


def test_add_a_colleague_who_must_choose_a_password_at_first_login(office):
    added = run(office, "user", "add", "sam", "--name", "Sam Supervisor", "--role", "supervisor", "--role", "coordinator")
    assert added.returncode == 0, added.stderr
    lines = added.stdout.strip().splitlines()
    assert "Account sam created" in lines[0] and "supervisor" in lines[0] and "coordinator" in lines[0]
    assert "One-time password for sam" in lines[1]
    one_time = lines[2]
    assert len(one_time.split("-")) == 4
    assert _users(office)["sam"] == {"id": _users(office)["sam"]["id"], "username": "sam", "display_name": "Sam Supervisor",
                                     "roles": ["coordinator", "supervisor"], "active": True, "must_change_password": True}
    sam = {**office, "PEERDESK_USER": "sam", "PEERDESK_PASSWORD": one_time}
    refused = run(sam, "list", "people")
    assert refused.returncode == 1 and "peerdesk passwd" in refused.stderr and refused.stdout == ""
    changed = run({**sam, "PEERDESK_NEW_PASSWORD": "sam's own password"}, "passwd")
    assert changed.returncode == 0 and "sam is changed" in changed.stdout, changed.stderr
    assert run(sam, "list", "people").returncode == 1  # the one-time password is gone
    sam["PEERDESK_PASSWORD"] = "sam's own password"
    assert run(sam, "list", "people", "--json").returncode == 0
    assert _users(office)["sam"]["must_change_password"] is False


def test_one_time_password_from_the_environment_is_not_printed(office):
    added = run({**office, "PEERDESK_NEW_PASSWORD": "agreed one-time"}, "user", "add", "eva2", "--name", "Eva", "--role", "evaluator")
    assert added.returncode == 0 and "agreed one-time" not in added.stdout
    assert run({**office, "PEERDESK_USER": "eva2", "PEERDESK_PASSWORD": "agreed one-time", "PEERDESK_NEW_PASSWORD": "eva's password"},
               "passwd").returncode == 0


def test_roles_disable_enable_and_reset(office):
    assert run(office, "user", "add", "kim", "--name", "Kim", "--role", "coordinator").returncode == 0
    roles = run(office, "user", "roles", "kim", "--role", "evaluator")
    assert roles.returncode == 0 and "kim now has the roles: evaluator" in roles.stdout
    disabled = run(office, "user", "disable", "kim")
    assert disabled.returncode == 0 and "deactivated" in disabled.stdout
    assert _users(office)["kim"]["active"] is False
    reset = run(office, "user", "reset-password", "kim")
    one_time = reset.stdout.strip().splitlines()[-1]
    kim = {**office, "PEERDESK_USER": "kim", "PEERDESK_PASSWORD": one_time}
    refused = run(kim, "passwd")
    assert refused.returncode == 1 and "deactivated" in refused.stderr
    assert run(office, "user", "enable", "kim").returncode == 0
    assert run({**kim, "PEERDESK_NEW_PASSWORD": "kim's password"}, "passwd").returncode == 0
    human = run(office, "user", "list")
    assert human.returncode == 0 and "User name" in human.stdout
    assert any(line.split()[:2] == ["kim", "Kim"] and "evaluator" in line for line in human.stdout.splitlines())


def test_mistakes_and_the_last_administrator_exit_non_zero_with_a_message(office):
    cases = [
        (["user", "disable", "admin"], "last active administrator"),
        (["user", "roles", "admin", "--role", "coordinator"], "last active administrator"),
        (["user", "add", "Not Valid", "--name", "X", "--role", "evaluator"], "User name"),
        (["user", "roles", "nobody", "--role", "evaluator"], "There is no account nobody"),
        (["user", "add", "admin", "--name", "Again", "--role", "evaluator"], ""),
    ]
    for args, message in cases:
        result = run(office, *args)
        assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
    assert run(office, "user", "add", "x", "--name", "X", "--role", "boss").returncode == 2  # argparse: not a role
    assert _users(office)["admin"]["roles"] == ["administrator"]


def test_non_administrators_are_refused(office):
    for user in ("coordinator", "supervisor", "evaluator"):
        env = {**office, "PEERDESK_USER": user}
        for args in (["user", "list"], ["user", "add", "z.z", "--name", "Z", "--role", "evaluator"], ["user", "disable", "admin"],
                     ["user", "reset-password", "admin"]):
            result = run(env, *args)
            assert result.returncode == 1 and "role is not allowed" in result.stderr, (user, args, result.stderr)
    assert "z.z" not in _users(office)


def test_in_swedish(office):
    result = run({**office, "PEERDESK_LANG": "sv"}, "user", "disable", "admin")
    assert result.returncode == 1 and "sista aktiva administratören" in result.stderr
    listing = run({**office, "PEERDESK_LANG": "sv"}, "user", "list")
    assert "Användarnamn" in listing.stdout and "administratör" in listing.stdout
