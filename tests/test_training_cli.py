"""`peerdesk course …` over the demo office: the third cohort's days and progress, attendance by names, the
rule's refusal in one readable line, and a certificate PDF for a certified person."""

from __future__ import annotations

import os
import re
from unittest import mock

import pytest
from pypdf import PdfReader

from peerdesk import cli

RAW_KEY = "cd" * 32


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    home = tmp_path_factory.mktemp("course-cli")
    env = {"PEERDESK_DATA_DIR": str(home), "PEERDESK_DB_PASSPHRASE": RAW_KEY, "PEERDESK_USER": "coordinator",
           "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    with mock.patch.dict(os.environ, {**env, "PEERDESK_USER": "admin"}):
        assert cli.main(["demo"]) == 0
    return env


def _run(office, capsys, *argv, user="coordinator"):
    capsys.readouterr()
    with mock.patch.dict(os.environ, {**office, "PEERDESK_USER": user}):
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err.strip()


def test_course_days_attendance_certify_and_certificate(office, capsys, tmp_path):
    code, out, err = _run(office, capsys, "course", "days", "Kull 3")
    assert code == 0, err
    lines = out.splitlines()
    assert sum("Held" in line for line in lines) == 7 and sum("Planned" in line for line in lines) == 5
    assert "Sam Taylor, Recovery College, Nottingham" in out and "Åsa Öberg (peer supporter, Kull 1)" in out
    yusuf = next(line for line in lines if "Yusuf Demir" in line)
    assert "4 of 7 days (6 needed)" in yusuf and "can no longer meet the attendance rule" in yusuf
    sara = next(line for line in lines if "Sara Mattsson" in line)
    first_day = int(lines[0].split()[0])
    code, out, err = _run(office, capsys, "course", "attendance", str(first_day), "--present", "Sara Mattsson", "alex viklund",
                          "--excused", "Hanna Östlund")
    assert code == 0, err
    assert re.search(r"Attendance saved: 2 of \d+ participants present", out), out
    code, out, _ = _run(office, capsys, "course", "days", "3")  # by id, too
    assert "3 of 7 days (6 needed)" in next(line for line in out.splitlines() if "Yusuf Demir" in line)
    code, _, err = _run(office, capsys, "course", "attendance", str(first_day), "--present", "Nobody Known")
    assert code == 1 and err == "peerdesk: One of those named is not a participant of the cohort."
    sara_id = sara.split()[0]
    code, _, err = _run(office, capsys, "course", "certify", sara_id, "--on", "2026-01-01")
    assert code == 1 and re.fullmatch(r"peerdesk: The course is not over: 5 course days are still planned\.", err), err
    code, _, err = _run(office, capsys, "course", "certify", sara_id, "--on", "2026-01-01", user="supervisor")
    assert code == 1 and err.startswith("peerdesk: ") and len(err.splitlines()) == 1, err
    out_pdf = tmp_path / "intyg.pdf"
    code, out, err = _run(office, capsys, "course", "certificate", "1", "-o", str(out_pdf), "--lang", "en")  # Åsa Öberg, Kull 1
    assert code == 0, err
    text = PdfReader(out_pdf).pages[0].extract_text()
    assert "Åsa Öberg" in text and "Training cohort: Kull 1" in text
    code, _, err = _run(office, capsys, "course", "days", "Kull 99")
    assert code == 1 and err == "peerdesk: There is no such cohort."
