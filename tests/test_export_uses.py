"""Attack 8 of issue #16 and the export's codes: `export-round` was not recorded as a use of the
consents, so a later withdrawal did not list the exports holding the data. Within one export the same
person must have the same code on every instrument (RKI and DREEM join); two exports' codes differ."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from unittest import mock

import pytest
from sqlalchemy import select

from peerdesk import cli
from peerdesk import models as m
from peerdesk.services import consent, consent_use, evaluation, records
from peerdesk.services.access import SYSTEM
from tests import factories as f

TODAY = dt.date(2026, 6, 1)
RAW_KEY = "ab" * 32  # the recovery-key form: opens without key derivation


def _office(s, people=12):
    """One study, round 3: staff member i answers RKI and DREEM, both encoding i in items 1 and 2
    (item 1 = i // 5 + 1, item 2 = i % 5 + 1), so joined rows can be checked to be one person's."""
    study = f.study(s)
    r = f.round_(s, number=3, study_id=study.id)
    rki, dreem = f.instrument(s, "RKI"), s.scalar(select(m.Instrument).where(m.Instrument.code == "DREEM-OK"))
    ward = f.workplace(s).id
    consent_ids = []
    for i in range(people):
        c = records.create(s, m.Consent, study_id=study.id, informant_role="staff", informant_code=f"P{i:02d}",
                           signed_on="2025-01-01", valid_until="2027-12-31")
        consent_ids.append(c.id)
        for ins in (rki, dreem):
            answers = {it.number: 3 for it in ins.items}
            answers.update({1: i // 5 + 1, 2: i % 5 + 1})
            evaluation.record_response(s, r.id, ins.id, f"ST-{i:02d}", "staff", answers, workplace_id=ward, consent_id=c.id)
    return consent_ids


def _export(s, *args, **kw):
    from peerdesk.services import round_export  # new with issue #16: imported here so the command's test runs on older code too

    return round_export.export_rows(s, *args, **kw)


def _person(row) -> tuple[int, int]:
    return (int(row["item_1"]), int(row["item_2"]))


def test_one_export_joins_rki_and_dreem_by_code(db):
    with db.begin(SYSTEM) as s:
        _office(s)
    with db.begin(SYSTEM) as s:
        export = _export(s, 3, today=TODAY)
    assert export.instruments == ["DREEM-OK", "RKI"]
    assert export.columns[:5] == ["respondent", "round", "role", "group", "instrument"] and export.columns[-1] == "item_20"
    by_code: dict[str, dict[str, tuple]] = {}
    for row in export.rows:
        by_code.setdefault(row["respondent"], {})[row["instrument"]] = _person(row)
    assert len(by_code) == 12
    for code, answers in by_code.items():  # every code has both instruments, and they are the same person's
        assert set(answers) == {"RKI", "DREEM-OK"} and answers["RKI"] == answers["DREEM-OK"], code
    dreem = [row for row in export.rows if row["instrument"] == "DREEM-OK"]
    assert dreem and all("item_15" not in row for row in dreem)  # DREEM has 14 items: the CSV leaves 15-20 empty


def test_two_exports_give_everyone_new_unrelated_codes(db):
    with db.begin(SYSTEM) as s:
        _office(s)
    mappings = []
    for _ in range(2):
        with db.begin(SYSTEM) as s:
            export = _export(s, 3, today=TODAY)
        mappings.append({_person(row): row["respondent"] for row in export.rows})
    first, second = mappings
    assert set(first) == set(second)
    assert not set(first.values()) & set(second.values())  # no code reused, so a join across exports finds nothing
    for code in first.values():  # nothing of the respondent code, the id or the order shows in a code
        # the form of a drawn code, never the stored "ST-07" (a random code may contain "ST" by chance)
        assert re.fullmatch(r"R-[A-HJ-NP-Z2-9]{6}", code) and "ST-" not in code and not code[2:].isdigit()


def test_one_instrument_export_keeps_its_columns(db):
    with db.begin(SYSTEM) as s:
        _office(s)
    with db.begin(SYSTEM) as s:
        export = _export(s, 3, "RKI", today=TODAY)
    assert export.columns == ["respondent", "round", "role", "group", *(f"item_{i}" for i in range(1, 21))]
    assert len(export.rows) == 12 and len(export.consent_ids) == 12


def test_the_export_is_a_use_of_exactly_the_consents_it_wrote(db):
    with db.begin(SYSTEM) as s:
        consent_ids = _office(s)
        c = s.get(m.Consent, consent_ids[0])
        consent.withdraw(s, c.id, c.version, "2026-01-01")  # withdrawn before: left out, and not a use
    with db.begin(SYSTEM) as s:
        export = _export(s, 3, today=TODAY)
        from peerdesk.services.round_export import record_export

        record_export(s, export, "round3.csv")
    assert export.consent_ids == sorted(consent_ids[1:]) and len({r["respondent"] for r in export.rows}) == 11
    with db.begin(SYSTEM) as s:
        c = s.get(m.Consent, consent_ids[1])
        consent.withdraw(s, c.id, c.version, "2026-06-02")
        runs = consent_use.reports_affected_by(s, c.id)
        assert [(r.kind, r.output, r.scope) for r in runs] == [("export_round", "round3.csv", "questionnaires")]
        assert consent_use.reports_affected_by(s, consent_ids[0]) == []


# ------------------------------------------------------------------ the command, as the evaluator runs it
@pytest.fixture(scope="module")
def demo_office(tmp_path_factory):
    home = tmp_path_factory.mktemp("exports")
    env = {"PEERDESK_DATA_DIR": str(home), "PEERDESK_DB_PASSPHRASE": RAW_KEY, "PEERDESK_USER": "admin",
           "PEERDESK_PASSWORD": "demo", "PEERDESK_LANG": "en"}
    with mock.patch.dict(os.environ, env):
        assert cli.main(["demo"]) == 0
    return env


def _cli(env, *argv, user="admin"):
    with mock.patch.dict(os.environ, {**env, "PEERDESK_USER": user}):
        from peerdesk.i18n import set_language

        set_language("en")
        return cli.main(list(argv))


def test_export_round_then_withdraw_lists_the_export(demo_office, tmp_path, capsys):
    out = tmp_path / "round3-all.csv"
    assert _cli(demo_office, "export-round", "3", "-o", str(out), user="evaluator") == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    codes = {}
    for row in rows:
        codes.setdefault(row["respondent"], set()).add(row["instrument"])
    assert {"RKI", "DREEM-OK"} <= {row["instrument"] for row in rows}
    assert any(instruments >= {"RKI", "DREEM-OK"} for instruments in codes.values())  # staff who answered both join
    capsys.readouterr()
    # F-1100 is a staff member who answered both in round 3 (demo): the withdrawal lists the export.
    assert _cli(demo_office, "consent", "withdraw", "F-1100", "--on", TODAY.isoformat()) == 0
    said = capsys.readouterr().out
    assert "Round export" in said and "round3-all.csv" in said, said
    assert _cli(demo_office, "consent", "undo-withdrawal", "F-1100") == 0
