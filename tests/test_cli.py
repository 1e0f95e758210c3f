"""The `peerdesk` command as a script would use it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(env_extra: dict, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("PEERDESK_DATABASE_URL", None)
    env.update({"PEERDESK_LANG": "en", **env_extra})  # a keyring, as the session's default (conftest), unless env_extra says
    return subprocess.run([sys.executable, "-m", "peerdesk", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, input=input)


@pytest.fixture
def home(tmp_path):
    return {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "cli test passphrase"}


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("demo")), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    result = run(env, "demo")
    assert result.returncode == 0, result.stderr
    assert "admin, coordinator, supervisor" in result.stdout and "'demo'" in result.stdout
    return env


def test_demo_loads_a_living_office_once(demo_home):
    counts = {kind: len(json.loads(run(demo_home, "list", kind, "--json").stdout)) for kind in ("people", "workplaces", "cohorts", "rounds", "users")}
    assert counts == {"people": 17, "workplaces": 14, "cohorts": 3, "rounds": 3, "users": 4}
    again = run(demo_home, "demo")
    assert again.returncode == 0 and "already holds data" in again.stdout
    assert len(json.loads(run(demo_home, "list", "people", "--json").stdout)) == 17


def test_demo_has_what_a_newcomer_should_see(demo_home):
    workplaces = json.loads(run(demo_home, "list", "workplaces", "--json").stdout)
    assert any(w["kind"] == "municipal" and "Bostad Först" in w["name"] for w in workplaces)
    tenures = json.loads(run(demo_home, "list", "tenures", "--json").stdout)
    assert sum(1 for t in tenures if t["end_date"] is not None and not t["acting"]) >= 4  # manager changes
    consents = json.loads(run(demo_home, "list", "consents", "--json").stdout)
    assert sum(1 for c in consents if c["withdrawn_on"]) == 1


def test_list_json_has_ids_and_no_confidential_columns(demo_home):
    sessions = json.loads(run(demo_home, "list", "sessions", "--json").stdout)
    assert sessions and all(isinstance(s["id"], int) for s in sessions)
    assert "notes" not in sessions[0]
    people = json.loads(run(demo_home, "list", "people", "--json").stdout)
    assert "personal_number" not in people[0] and {"id", "first_name", "last_name", "status"} <= set(people[0])


def test_db_info(demo_home):
    info = json.loads(run(demo_home, "db", "info", "--json").stdout)
    assert info["encrypted"] is True and info["backend"] == "sqlite" and info["schema_current"] is True
    assert info["key_source"] == "passphrase"
    human = run(demo_home, "db", "info")
    assert human.returncode == 0 and "SQLCipher" in human.stdout and "current" in human.stdout


def test_db_upgrade_on_a_current_database(demo_home):
    result = run(demo_home, "db", "upgrade")
    assert result.returncode == 0 and "already has the current schema" in result.stdout


def test_failures_exit_non_zero_with_one_readable_line(home, demo_home):
    cases = [
        (home, ["list", "people"], "There is no database"),
        ({**demo_home, "PEERDESK_DB_PASSPHRASE": "wrong"}, ["db", "info"], "could not be unlocked"),
        ({**home, "PEERDESK_DATABASE_URL": "mysql://x"}, ["db", "info"], "not recognised"),
        ({**home, "PEERDESK_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}, ["db", "info"], "does not answer"),
    ]
    for env, args, expected in cases:
        result = run(env, *args)
        assert result.returncode == 1, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("peerdesk: ") and expected in lines[0], result.stderr
        assert "Traceback" not in result.stderr


def test_cli_logs_in_and_obeys_the_role(demo_home):
    no_user = run({k: v for k, v in demo_home.items() if k != "PEERDESK_USER"}, "list", "people")
    assert no_user.returncode == 1 and "--user" in no_user.stderr
    wrong = run({**demo_home, "PEERDESK_PASSWORD": "nope"}, "list", "people")
    assert wrong.returncode == 1 and "Wrong user name or password" in wrong.stderr
    as_coordinator = {**demo_home, "PEERDESK_USER": "coordinator"}
    assert run(as_coordinator, "list", "workplaces").returncode == 0
    denied = run(as_coordinator, "list", "consents")
    assert denied.returncode == 1 and "not allowed" in denied.stderr
    assert run({**demo_home, "PEERDESK_USER": "evaluator"}, "--user", "evaluator", "list", "rounds").returncode == 0
    assert run(as_coordinator, "backup").returncode == 1  # backups are the administrator's


def test_bad_usage_exits_2(home):
    assert run(home, "list", "nonsense").returncode == 2


def test_swedish_messages(home):
    result = run({**home, "PEERDESK_LANG": "sv"}, "list", "people")
    assert result.returncode == 1 and "Det finns ingen databas" in result.stderr


def test_cli_on_postgresql(pg_databases, pg_template, tmp_path):
    url = pg_databases.url()
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DATABASE_URL": url, "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    info = json.loads(run(env, "db", "info", "--json").stdout)
    assert info["backend"] == "postgresql" and info["schema_current"] and "@" in info["database"]
    assert len(json.loads(run(env, "list", "workplaces", "--json").stdout)) == 14


def test_report_round_headless_obeys_the_role(demo_home, tmp_path):
    out = tmp_path / "round3.pdf"
    result = run({**demo_home, "PEERDESK_USER": "evaluator"}, "report", "round", "3", "-o", str(out), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF") and "pages" in result.stdout
    denied = run({**demo_home, "PEERDESK_USER": "coordinator"}, "report", "round", "3", "-o", str(tmp_path / "x.pdf"))
    assert denied.returncode == 1 and "not allowed" in denied.stderr and not (tmp_path / "x.pdf").exists()
    missing = run({**demo_home, "PEERDESK_USER": "evaluator"}, "report", "round", "9", "-o", str(tmp_path / "y.pdf"))
    assert missing.returncode == 1 and "no round 9" in missing.stderr


def test_deidentified_export_and_response_import(demo_home, tmp_path):
    evaluator = {**demo_home, "PEERDESK_USER": "evaluator"}
    out = tmp_path / "dreem.csv"
    assert run(evaluator, "export-round", "3", "--instrument", "DREEM-OK", "-o", str(out)).returncode == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("respondent,round,role,group,item_1") and len(lines) > 10
    text = out.read_text()
    assert "PS-" not in text and "ST-" not in text and "Avdelning" not in text  # codes and wards replaced
    answers = tmp_path / "svar.csv"
    answers.write_text("respondent_code;roll;1;2\nNY-1;personal;1;9\n", encoding="utf-8")
    bad = run(evaluator, "import-responses", str(answers), "--round", "3", "--instrument", "DREEM-OK", "--commit")
    assert bad.returncode == 1 and "Row 2" in bad.stdout
    answers.write_text("respondent_code;roll;1;2\nNY-1;personal;1;4\n", encoding="utf-8")
    checked = run(evaluator, "import-responses", str(answers), "--round", "3", "--instrument", "DREEM-OK")
    assert checked.returncode == 0 and "--commit" in checked.stdout
    done = run(evaluator, "import-responses", str(answers), "--round", "3", "--instrument", "DREEM-OK", "--commit")
    assert done.returncode == 0 and "1 questionnaire imported" in done.stdout
def test_consent_print_register_and_extract_headless(demo_home, tmp_path):
    from pypdf import PdfReader

    batch = tmp_path / "batch.pdf"
    result = run(demo_home, "consent", "print", "--study", "1", "--workplace", "2", "--copies", "5", "-o", str(batch))
    assert result.returncode == 0, result.stderr
    pages = PdfReader(batch).pages
    assert len(pages) == 5 and "1-00001-" in pages[0].extract_text()
    number = next(w for w in pages[2].extract_text().split() if w.startswith("1-00003-"))
    reg = run(demo_home, "consent", "register", number, "--signed", "2026-11-20", "--role", "staff", "--code", "P99")
    assert reg.returncode == 0 and number in reg.stdout, reg.stderr
    consents = json.loads(run(demo_home, "list", "consents", "--json").stdout)
    assert any(c["form_number"] == number and c["informant_code"] == "P99" for c in consents)
    again = run(demo_home, "consent", "register", number, "--signed", "2026-11-20", "--role", "staff", "--code", "P98")
    assert again.returncode == 1 and "already been registered" in again.stderr
    one = tmp_path / "one.pdf"
    assert run(demo_home, "consent", "print", "--study", "1", "--person", "1", "-o", str(one), "--lang", "sv").returncode == 0
    assert "Åsa Öberg" in PdfReader(one).pages[0].extract_text()
    pdf, js = tmp_path / "extract.pdf", tmp_path / "extract.json"
    ex = run(demo_home, "extract", "--person", "1", "-o", str(pdf), "--json", str(js))
    assert ex.returncode == 0, ex.stderr
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["person"]["name"] == "Åsa Öberg" and {"consent", "contract_period", "consent_form"} <= {s["table"] for s in data["sections"]}
    assert "Registerutdrag" in PdfReader(pdf).pages[0].extract_text()  # in Swedish unless --lang en
    coordinator = run({**demo_home, "PEERDESK_USER": "coordinator"}, "extract", "--person", "1", "--json", str(js))
    assert coordinator.returncode == 1 and "not allowed" in coordinator.stderr
