"""`peerdesk grant list | add | report-sent | map-funding-texts` on the demo office: the same rules as the
window, readable output in both languages, one readable line for bad input, no access for a supervisor."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.cli_office import demo_office, run_cli as _run

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return demo_office(tmp_path_factory, "grant-cli")


def _grants(office, capsys):
    code, out, _ = _run(office, capsys, "grant", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_list_add_and_mark_a_report_sent(office, capsys):
    grants = _grants(office, capsys)
    assert {g["funder"] for g in grants} == {"Allmänna arvsfonden", "Västra Götalandsregionen"}
    code, out, _ = _run(office, capsys, "grant", "list", lang="sv")
    assert code == 0 and "Allmänna arvsfonden (2023-01456)" in out and "ej skickad" in out and "betalar" in out

    today = dt.date.today()
    code, out, err = _run(office, capsys, "grant", "add", "--funder", "Stiftelsen Stöd", "--kind", "foundation", "--reference", "S-7",
                          "--start", today.isoformat(), "--end", (today + dt.timedelta(days=365)).isoformat(), "--amount", "250000",
                          "--region", "Södra regionen", "--report", f"{(today + dt.timedelta(days=20)).isoformat()}:Delrapport")
    assert code == 0, err
    assert out.startswith("Grant #") and "Stiftelsen Stöd (S-7)" in out
    new = next(g for g in _grants(office, capsys) if g["funder"] == "Stiftelsen Stöd")
    assert (new["amount_sek"], new["covers"], [r["title"] for r in new["reports"]]) == (250000, "Södra regionen", ["Delrapport"])
    report = new["reports"][0]["id"]

    code, out, _ = _run(office, capsys, "alerts", "--json")
    due = [a for a in json.loads(out)["alerts"] if a["kind"] == "funder_report_due"]
    assert f"funder_report_due:{report}" in {a["key"] for a in due}
    code, out, _ = _run(office, capsys, "grant", "report-sent", str(report), "--on", today.isoformat())
    assert code == 0 and out.strip() == f"Report #{report} recorded as sent on {today.isoformat()}."
    code, out, _ = _run(office, capsys, "alerts", "--json")
    assert f"funder_report_due:{report}" not in {a["key"] for a in json.loads(out)["alerts"]}
    code, out, _ = _run(office, capsys, "grant", "report-sent", str(report), "--undo")
    assert code == 0 and "no longer marked as sent" in out


def test_bad_input_is_one_readable_line(office, capsys):
    today = dt.date.today().isoformat()
    code, _, err = _run(office, capsys, "grant", "add", "--funder", "X", "--start", today, "--end", "2001-01-01")
    assert code == 1 and err.count("\n") == 0 and "before the start" in err
    code, _, err = _run(office, capsys, "grant", "report-sent", "1", "--on", "2999-01-01")
    assert code in (1, 2) and err.count("\n") == 0
    code, _, err = _run(office, capsys, "grant", "map-funding-texts", "--link", "no equals sign")
    assert code == 1 and "TEXT=GRANT_ID" in err


def test_a_supervisor_has_no_access(office, capsys):
    code, _, err = _run(office, capsys, "grant", "list", user="supervisor")
    assert code == 1 and err.startswith("peerdesk")


def test_old_funding_texts_are_shown_and_linked(office, capsys, tmp_path):
    # The demo's contracts are linked already; an imported contract whose text names no grant is not.
    csv = tmp_path / "contracts.csv"
    csv.write_text("person,employer,form,start,end,funding\nJohan Karlsson,Föreningen,visstid,2001-01-01,2001-06-30,Kommunbidraget\n",
                   encoding="utf-8")
    code, out, err = _run(office, capsys, "import", "contracts", str(csv), "--commit")
    assert code == 0, err + out
    assert 'Row 2: note: the funding "Kommunbidraget" matches no grant' in out
    code, out, _ = _run(office, capsys, "grant", "map-funding-texts")
    assert code == 0 and "'Kommunbidraget': 1 contract period — no grant with that name or reference" in out
    code, out, _ = _run(office, capsys, "grant", "map-funding-texts", "--auto")
    assert code == 0 and "Kommunbidraget" in out  # --auto links only what names one grant
    region = next(g["id"] for g in _grants(office, capsys) if g["funder"] == "Västra Götalandsregionen")
    code, out, _ = _run(office, capsys, "grant", "map-funding-texts", "--link", f"kommunbidraget={region}")
    assert code == 0 and f'"kommunbidraget" → grant #{region}: 1 contract period linked' in out
    assert "No unlinked funding texts left." in out
