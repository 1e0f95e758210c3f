"""`peerdesk contract decide / letter / told` as real processes on the demo office: the same rules as the
window, a readable refusal, the letter as a PDF, and the alert gone once the person was told."""

from __future__ import annotations

import datetime as dt
import json

from pypdf import PdfReader

from tests.test_cli import run


def test_decide_letter_told_from_the_command_line(tmp_path):
    env = {"PEERDESK_DATA_DIR": str(tmp_path / "office"), "PEERDESK_DB_PASSPHRASE": "cli contract passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0

    def due():
        out = run(env, "alerts", "--json")
        assert out.returncode == 0, out.stderr
        return [a for a in json.loads(out.stdout)["alerts"] if a["kind"] == "contract_decision_due"]

    (alert,) = due()
    cid = str(alert["record_id"])
    refused = run(env, "contract", "letter", cid, "-o", str(tmp_path / "x.pdf"))
    assert refused.returncode != 0 and "No decision has been made" in refused.stderr and not (tmp_path / "x.pdf").exists()
    too_long = run(env, "contract", "decide", cid, "continues", "--to", (dt.date.today() + dt.timedelta(days=400)).isoformat())
    assert too_long.returncode != 0 and "over the limit of 365" in too_long.stderr
    assert run(env, "contract", "decide", cid, "ends").returncode == 0
    letter = tmp_path / "letter.pdf"
    made = run(env, "contract", "letter", cid, "-o", str(letter), "--lang", "en")
    assert made.returncode == 0, made.stderr
    text = " ".join(PdfReader(str(letter)).pages[0].extract_text().split())
    assert "Mats Engström" in text and "Your employment ends" in text and "preferential right" in text
    assert len(due()) == 1  # decided, not told yet
    told = run(env, "contract", "told", cid, "--on", dt.date.today().isoformat())
    assert told.returncode == 0, told.stderr
    assert due() == []
