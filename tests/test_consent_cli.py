"""`peerdesk consent withdraw FORM_NUMBER --on DATE [--reason TEXT]` and `peerdesk consent
undo-withdrawal FORM_NUMBER`: the administrator's withdrawal from the command line, saying what
already holds the data; bad input gives one readable line and the usual exit code."""

from __future__ import annotations

import json

import pytest

from tests.cli_office import demo_office, run_cli as _run

@pytest.fixture(scope="module")
def office(tmp_path_factory):
    return demo_office(tmp_path_factory, "consent-cli")


def _consent(office, capsys, number):
    code, out, _err = _run(office, capsys, "list", "consents", "--json")
    assert code == 0
    return next(c for c in json.loads(out) if c["form_number"] == number)


def test_withdraw_lists_the_reports_holding_the_data_and_undo_brings_it_back(office, capsys):
    # F-1101: a staff member whose answers the demo's round reports 1 and 2 used.
    code, out, err = _run(office, capsys, "consent", "withdraw", "f-1101", "--on", "2026-11-20", "--reason", "Vill inte delta")
    assert code == 0, err
    assert "Consent F-1101 is withdrawn from 2026-11-20" in out
    assert "2 reports and exports made before hold the data" in out
    assert "omgang-1.pdf" in out and "omgang-2.pdf" in out and "Round report" in out
    assert _consent(office, capsys, "F-1101")["withdrawn_on"] == "2026-11-20"
    again = _run(office, capsys, "consent", "withdraw", "F-1101", "--on", "2026-11-21")
    assert again[0] == 1 and again[2] == "peerdesk: The consent has already been withdrawn."
    code, out, err = _run(office, capsys, "consent", "undo-withdrawal", "F-1101")
    assert code == 0 and "The withdrawal of consent F-1101 is undone" in out, err
    assert _consent(office, capsys, "F-1101")["withdrawn_on"] is None
    code, _out, err = _run(office, capsys, "consent", "undo-withdrawal", "F-1101")
    assert code == 1 and err == "peerdesk: The consent is not withdrawn."


def test_withdrawal_in_swedish(office, capsys):
    code, out, err = _run(office, capsys, "consent", "withdraw", "F-1102", "--on", "2026-11-20", lang="sv")
    assert code == 0, err
    assert "Samtycke F-1102 är återkallat från 2026-11-20" in out and "Omgångsrapport" in out
    assert _run(office, capsys, "consent", "undo-withdrawal", "F-1102", lang="sv")[0] == 0


def test_a_bad_date_is_refused_before_anything_is_changed(office, capsys):
    for bad in ("2026-02-30", "9999-12-31", "igår"):
        code, _out, err = _run(office, capsys, "consent", "withdraw", "F-1103", "--on", bad)
        assert code == 2 and len(err.splitlines()) == 1 and err.startswith("peerdesk consent withdraw: --on: Withdrawn on"), err
    code, _out, err = _run(office, capsys, "consent", "withdraw", "F-1103", "--on", "2020-01-01")  # before it was signed
    assert code == 1 and err.startswith("peerdesk: Withdrawn on cannot be before") and len(err.splitlines()) == 1, err
    assert _consent(office, capsys, "F-1103")["withdrawn_on"] is None


def test_an_unknown_form_number_is_named(office, capsys):
    for argv in (("withdraw", "F-9999", "--on", "2026-11-20"), ("undo-withdrawal", "F-9999")):
        code, _out, err = _run(office, capsys, "consent", *argv)
        assert code == 1 and err == "peerdesk: No registered consent has the form number F-9999.", err
    code, _out, err = _run(office, capsys, "consent", "withdraw", "1-00001-9", "--on", "2026-11-20")  # a wrong check digit
    assert code == 1 and len(err.splitlines()) == 1 and "unexpected" not in err.lower()


@pytest.mark.parametrize("user", ["evaluator", "coordinator", "supervisor"])
def test_only_an_administrator_withdraws(office, capsys, user):
    for argv in (("withdraw", "F-1104", "--on", "2026-11-20"), ("undo-withdrawal", "F-1007")):
        code, _out, err = _run(office, capsys, "consent", *argv, user=user)
        assert code == 1 and len(err.splitlines()) == 1 and "not allowed" in err, err
    assert _consent(office, capsys, "F-1104")["withdrawn_on"] is None
    assert _consent(office, capsys, "F-1007")["withdrawn_on"] is not None  # the demo's withdrawal stands
