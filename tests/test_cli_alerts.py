"""`peerdesk alerts` as a scheduler would run it: real processes, the role obeyed, exit code 3 on demand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("alerts")), "PEERDESK_DB_PASSPHRASE": "cli alerts passphrase",
           "PEERDESK_USER": "coordinator", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def alerts_json(env, *args):
    result = run(env, "alerts", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_lists_the_demo_alerts_a_coordinator_acts_on(office):
    out = alerts_json(office)
    assert out["today"] == dt.date.today().isoformat()
    kinds = {a["kind"] for a in out["alerts"]}
    assert {"new_manager", "no_manager", "contact_gap", "supervision_overdue", "contract_decision_due"} <= kinds
    assert not any(a["area"] == "consent" for a in out["alerts"])  # consents are not the coordinator's
    new = [a for a in out["alerts"] if a["kind"] == "new_manager"]
    assert {a["workplace_name"] for a in new} >= {"Avdelning 33, rättspsykiatri", "Bostad Först Älvstaden"}
    bostad = [a for a in new if a["workplace_name"] == "Bostad Först Älvstaden"][0]
    assert bostad["overdue_days"] == 12 and bostad["key"].startswith("new_manager:") and bostad["manager_name"] == "Tomas Hedlund"


def test_human_table_in_swedish(office):
    result = run({**office, "PEERDESK_LANG": "sv"}, "alerts")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Påminnelse") and "Arbetsplats" in lines[0]
    assert any("Ny chef utan informationsmöte" in line and "Bostad Först Älvstaden" in line for line in lines)


def test_fail_on_exits_3_only_when_such_alerts_exist(office):
    assert run(office, "alerts", "--fail-on", "new_manager,consent_expired").returncode == 3
    assert run(office, "alerts", "--fail-on", "consent_expired").returncode == 0  # the coordinator has none of those
    bad = run(office, "alerts", "--fail-on", "nonsense")
    assert bad.returncode == 2 and "nonsense" in bad.stderr


def test_today_option_moves_time(office):
    in_a_year = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    later = alerts_json(office, "--today", in_a_year)
    assert later["today"] == in_a_year
    overdue = {a["key"]: a["overdue_days"] for a in later["alerts"] if a["kind"] == "new_manager"}
    now = {a["key"]: a["overdue_days"] for a in alerts_json(office)["alerts"] if a["kind"] == "new_manager"}
    assert all(overdue[k] == now[k] + 365 for k in now if k in overdue) and overdue
    past = alerts_json(office, "--today", "2000-01-01")
    assert past["alerts"] == [] or all(a["kind"] in ("no_manager", "contact_gap") for a in past["alerts"])
    bad = run(office, "alerts", "--today", "yesterday")
    # A value argparse refuses is a usage error: exit 2, one line, like any other mistake in the arguments.
    assert bad.returncode == 2 and "date" in bad.stderr.lower() and len(bad.stderr.strip().splitlines()) == 1


def test_role_decides_what_is_listed(office):
    sup = alerts_json({**office, "PEERDESK_USER": "supervisor"})
    assert sup["alerts"] and {a["kind"] for a in sup["alerts"]} == {"supervision_overdue"}
    ev = alerts_json({**office, "PEERDESK_USER": "evaluator"})
    assert {a["kind"] for a in ev["alerts"]} >= {"consent_withdrawn_in_use"} and {a["area"] for a in ev["alerts"]} == {"consent"}
    assert run({**office, "PEERDESK_USER": "evaluator"}, "alerts", "--fail-on", "supervision_overdue").returncode == 0
    wrong = run({**office, "PEERDESK_PASSWORD": "nope"}, "alerts")
    assert wrong.returncode == 1 and "Wrong user name or password" in wrong.stderr
