"""`peerdesk applicant …`: add, interview, accept into a cohort, decide and list from the command line —
the same rules and messages as the window; bad input gives one readable line and exit code 1 or 2."""

from __future__ import annotations

import json

import pytest

from tests.cli_office import demo_office, run_cli as _run

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return demo_office(tmp_path_factory, "recruitment-cli")


def _applicants(office, capsys, *extra):
    code, out, err = _run(office, capsys, "applicant", "list", "--json", *extra)
    assert code == 0, err
    return {a["name"]: a for a in json.loads(out)}


def test_the_path_from_applicant_to_peer_supporter_on_the_command_line(office, capsys):
    assert len(_applicants(office, capsys)) == 6
    code, out, err = _run(office, capsys, "applicant", "add", "Kalle", "Kommandorad", "--email", "kalle@example.se",
                          "--source", "advertisement", "--applied", "2026-11-01", "--story", "2026-11-05")
    assert code == 0, err
    new_id = int(out.split()[1])
    assert out.strip() == f"Applicant {new_id} added."
    code, out, err = _run(office, capsys, "applicant", "interview", str(new_id), "--on", "2026-11-10", "--by", "Pia Berg")
    assert code == 0, err
    kalle = _applicants(office, capsys, "--stage", "interviewed")["Kalle Kommandorad"]
    assert (kalle["interviewers"], kalle["source"], kalle["story_received_on"]) == (["Pia Berg"], "advertisement", "2026-11-05")
    code, out, err = _run(office, capsys, "applicant", "accept", str(new_id), "--cohort", "Kull 3", "--reason", "Bra")
    assert code == 0, err
    assert out.startswith(f"Applicant {new_id} accepted into Kull 3: peer supporter ")
    # Accepting twice: one readable line, nothing more.
    code, out, err = _run(office, capsys, "applicant", "accept", str(new_id), "--cohort", "Kull 3")
    assert code == 1 and err == "peerdesk: The applicant has already been accepted into a cohort."
    code, out, err = _run(office, capsys, "list", "people", "--json")
    person = [p for p in json.loads(out) if p.get("last_name") == "Kommandorad"]
    assert len(person) == 1 and person[0]["status"] == "in_training"
    accepted = _applicants(office, capsys, "--cohort", "Kull 3", "--stage", "accepted")
    assert {"Kalle Kommandorad", "Tilde Bergman", "Omar Saleh"} == set(accepted)


def test_refusals_are_one_readable_line(office, capsys):
    vera = _applicants(office, capsys)["Vera Holmqvist"]["id"]
    cases = [
        (("applicant", "accept", str(vera), "--cohort", "Kull 1"), "peerdesk: The cohort ended on "),
        (("applicant", "accept", str(vera), "--cohort", "Ingen sådan"), "peerdesk: There is no such cohort."),
        (("applicant", "accept", "99999999999999999999", "--cohort", "Kull 3"), "peerdesk applicant accept: "),
        (("applicant", "accept", "424242", "--cohort", "Kull 3"), "peerdesk: "),
        (("applicant", "decide", str(vera), "declined", "--reason", " "), "peerdesk: "),
        (("applicant", "add", "", "Tom"), "peerdesk: "),
        (("applicant", "add", "A", "B", "--email", "inte-en-adress"), "peerdesk: "),
        (("applicant", "add", "A", "B", "--story", "2026-02-30"), "peerdesk applicant add: "),
    ]
    for argv, start in cases:
        code, out, err = _run(office, capsys, *argv)
        assert code in (1, 2) and len(err.splitlines()) == 1 and err.startswith(start), (argv, err)
        assert "Traceback" not in err
    code, out, err = _run(office, capsys, "applicant", "decide", str(vera), "not-now", "--reason", "Sök igen i vår",
                          "--on", "2026-11-30")
    assert code == 0 and out.strip() == f"Decision for applicant {vera}: not now."


def test_a_supervisor_may_not_recruit(office, capsys):
    code, _out, err = _run(office, capsys, "applicant", "list", user="supervisor")
    assert code == 1 and err.startswith("peerdesk: ") and "Traceback" not in err
