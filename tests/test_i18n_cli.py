"""The command line counts in words that agree: "1 blankett", "2 blanketter", "1 form", "2 forms"."""

from __future__ import annotations

import pytest

from tests.test_cli import run


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("i18n-cli")), "PEERDESK_DB_PASSPHRASE": "i18n cli passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    return env


@pytest.mark.parametrize(("lang", "one", "two"), [("sv", "1 blankett (", "2 blanketter ("), ("en", "1 form (", "2 forms (")])
def test_consent_print_says_how_many_forms_in_words_that_agree(office, tmp_path, lang, one, two):
    said = []
    for copies in (1, 2):
        out = tmp_path / f"forms-{copies}.pdf"
        result = run({**office, "PEERDESK_LANG": lang}, "consent", "print", "--study", "1", "--workplace", "2",
                     "--copies", str(copies), "-o", str(out))
        assert result.returncode == 0, result.stderr
        said.append(result.stdout)
    assert said[0].startswith(one) and " – " not in said[0]  # one form: its number, not a range of one
    assert said[1].startswith(two) and " – " in said[1]


def test_audit_export_is_in_words_and_local_time_unless_codes_are_asked_for(office):
    import csv
    import io

    words = list(csv.DictReader(io.StringIO(run({**office, "PEERDESK_LANG": "sv", "TZ": "Europe/Stockholm"}, "audit", "export").stdout)))
    codes = list(csv.DictReader(io.StringIO(run({**office, "PEERDESK_LANG": "sv", "TZ": "Europe/Stockholm"}, "audit", "export", "--codes").stdout)))
    assert words and codes  # (each export logs a login and itself, so the second is two entries longer)
    assert {"Skapad", "Inloggning"} <= {r["action"] for r in words} and not {"create", "login"} & {r["action"] for r in words}
    assert {"create", "login"} <= {r["action"] for r in codes}
    by_id = {r["id"]: r for r in words}
    for coded in codes:
        if coded["id"] in by_id and coded["action"] == "update":
            assert by_id[coded["id"]]["fields"] and "[" not in by_id[coded["id"]]["fields"]  # '["held_on"]' → "Datum"
    import datetime as dt

    first = codes[-1]  # oldest last
    utc = dt.datetime.fromisoformat(first["at"]).replace(tzinfo=dt.timezone.utc)
    shown = by_id[first["id"]]["at"]
    assert "." not in shown and len(shown) == len("2026-03-01 14:05:07")  # no microseconds
    import zoneinfo

    assert shown == utc.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M:%S")
