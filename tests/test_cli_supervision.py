"""`peerdesk supervision …` as real processes: the confidential-notes rule holds on the command line
and in the summary PDF, and reads of notes land in the audit trail."""

from __future__ import annotations

import csv
import io
import json

import pytest

from peerdesk.services.demo import NOTES
from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("supervision")), "PEERDESK_DB_PASSPHRASE": "cli supervision passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


def as_(env, user):
    return {**env, "PEERDESK_USER": user}


def a_session_with_notes(env) -> int:
    sessions = json.loads(run(env, "list", "sessions", "--json").stdout)
    return [s for s in sessions if s["form"] == "individual"][0]["id"]


def test_notes_on_the_command_line_only_for_the_supervisor_and_the_administrator_and_audited(office):
    sid = a_session_with_notes(office)
    for user in ("coordinator", "evaluator"):
        denied = run(as_(office, user), "supervision", "notes", str(sid))
        assert denied.returncode == 1 and ("confidential" in denied.stderr.lower() or "not allowed" in denied.stderr.lower())
        assert not any(note in denied.stdout + denied.stderr for note in NOTES)
    for user in ("supervisor", "admin"):
        shown = run(as_(office, user), "supervision", "notes", str(sid))
        assert shown.returncode == 0, shown.stderr
        assert any(note in shown.stdout for note in NOTES)
    trail = run(office, "audit", "export", "--action", "read_notes")
    rows = [r for r in csv.DictReader(io.StringIO(trail.stdout)) if r["record_id"] == str(sid)]
    assert sorted(r["username"] for r in rows) == ["admin", "supervisor"]


def test_a_coordinators_summary_pdf_and_listing_hold_no_notes(office, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "summary.pdf"
    result = run(as_(office, "coordinator"), "supervision", "summary", "--from", "2020-01-01", "--to", "2030-12-31", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "summary.pdf" in result.stdout
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Supervision summary" in text and "Overdue supervision" in text
    for note in NOTES:
        assert note[:40] not in text
    listing = run(as_(office, "coordinator"), "list", "sessions", "--json").stdout
    assert not any(note in listing for note in NOTES) and "notes" not in json.loads(listing)[0]
    codes = tmp_path / "codes.pdf"
    assert run(as_(office, "coordinator"), "supervision", "summary", "--from", "2020-01-01", "--to", "2030-12-31", "--codes",
               "-o", str(codes)).returncode == 0
    people = json.loads(run(office, "list", "people", "--json").stdout)
    coded = "\n".join(p.extract_text() for p in PdfReader(codes).pages)
    assert "Peer supporter 1" in coded and not any(p["last_name"] in coded for p in people)


def test_summary_refuses_a_period_that_ends_before_it_starts(office, tmp_path):
    result = run(office, "supervision", "summary", "--from", "2026-05-01", "--to", "2026-04-01", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 1 and "before the start date" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    nowhere = run(office, "supervision", "summary", "--from", "2026-01-01", "--to", "2026-04-01", "-o", str(tmp_path / "no" / "x.pdf"))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr and "Traceback" not in nowhere.stderr  # says which: no such folder


def test_overview_json_for_the_supervisor_and_reassign_rights(office):
    result = run(as_(office, "supervisor"), "supervision", "overview", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {"overdue", "on_track"} & {r["status"] for r in rows}
    assert all(set(r) == {"peer_supporter_id", "name", "workplace", "last_session", "due", "status"} for r in rows)
    denied = run(as_(office, "supervisor"), "supervision", "reassign", "--from", "supervisor", "--to", "supervisor")
    assert denied.returncode == 1 and "not allowed" in denied.stderr.lower()
    unknown = run(as_(office, "coordinator"), "supervision", "reassign", "--from", "supervisor", "--to", "nobody")
    assert unknown.returncode == 1 and "no user" in unknown.stderr.lower()


def test_delete_a_session_on_the_command_line_by_those_who_may_and_audited(office):
    sessions = json.loads(run(office, "list", "sessions", "--json").stdout)
    sid = [s for s in sessions if s["form"] == "individual"][-1]["id"]
    for user in ("coordinator", "evaluator"):
        denied = run(as_(office, user), "supervision", "delete", str(sid), "--yes")
        assert denied.returncode == 1 and sid in [s["id"] for s in json.loads(run(office, "list", "sessions", "--json").stdout)]
    done = run(as_(office, "supervisor"), "supervision", "delete", str(sid))  # not a terminal: no question
    assert done.returncode == 0, done.stderr
    assert "was deleted" in done.stdout
    assert sid not in [s["id"] for s in json.loads(run(office, "list", "sessions", "--json").stdout)]
    again = run(as_(office, "supervisor"), "supervision", "delete", str(sid))
    assert again.returncode == 1 and again.stderr.strip()
    trail = list(csv.DictReader(io.StringIO(run(office, "audit", "export", "--codes", "--username", "supervisor").stdout)))
    assert any(e["action"] == "delete" and e["table_name"] == "supervision_session" and e["record_id"] == str(sid) for e in trail)


def test_a_supervisor_who_is_not_assigned_cannot_delete_a_colleagues_session_on_the_command_line(tmp_path):
    """Issue 17, item 8 on the command line: the refusal says whose session it is, and the session stays."""
    env = {"PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "cli supervision passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    added = run({**env, "PEERDESK_NEW_PASSWORD": "first one-time pw"}, "user", "add", "standin", "--name", "Stand In",
                "--role", "supervisor")
    assert added.returncode == 0, added.stderr
    standin = {**env, "PEERDESK_USER": "standin", "PEERDESK_PASSWORD": "first one-time pw"}
    assert run({**standin, "PEERDESK_NEW_PASSWORD": "stand-in's own password"}, "passwd").returncode == 0
    standin["PEERDESK_PASSWORD"] = "stand-in's own password"
    sid = a_session_with_notes(env)
    denied = run(standin, "supervision", "delete", str(sid), "--yes")
    assert denied.returncode == 1
    assert "Only the person's supervisor or an administrator may change or delete this session." in denied.stderr
    assert not any(note in denied.stdout + denied.stderr for note in NOTES)
    assert sid in [s["id"] for s in json.loads(run(env, "list", "sessions", "--json").stdout)]
