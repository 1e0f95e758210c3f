"""Issue 17, item 9: an instrument with stored answers keeps its scale and items. Narrowing the scale,
removing, adding or renumbering items, or turning a scale item into a free-text one is refused with a
readable message; a new version of the instrument (same code, "version": 2) is the way."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import set_language
from peerdesk.paths import resources_dir
from peerdesk.services import evaluation, records
from peerdesk.services.access import SYSTEM
from tests import factories as f

RKI = json.loads((resources_dir() / "instruments" / "rki.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def english():
    set_language("en")


def _file(tmp_path, data, name="rki.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _answered(db):
    """RKI loaded, and one questionnaire answering every item with 5."""
    with db.begin(SYSTEM) as s:
        ins = f.instrument(s, "RKI")
        rnd = f.round_(s)
        evaluation.record_response(s, rnd.id, ins.id, "R-1", m.InformantRole.STAFF, {n: 5 for n in range(1, 21)})
        return ins.id


def _shape(db, instrument_id):
    with db.session(SYSTEM) as s:
        ins = s.get(m.Instrument, instrument_id)
        items = [(it.number, it.text_sv, it.open_ended) for it in ins.items]
        answers = s.scalar(select(func.count()).select_from(m.Answer))
        return ins.scale_min, ins.scale_max, ins.good_end, items, answers


def _changed(**kw):
    data = json.loads(json.dumps(RKI))
    data.update(kw)
    return data


CHANGES = {
    "narrowed_scale": lambda: _changed(scale_max=2),
    "widened_scale": lambda: _changed(scale_max=7),
    "flipped_good_end": lambda: _changed(good_end="low"),
    "item_removed": lambda: _changed(items=RKI["items"][:-1]),
    "item_added": lambda: _changed(items=RKI["items"] + [{"number": 21, "sv": "Ny", "en": "New"}]),
    "items_renumbered": lambda: _changed(items=[{**it, "number": it["number"] + 1} for it in RKI["items"]]),
    "items_swapped": lambda: _changed(items=[{**it, "sv": RKI["items"][1 - i]["sv"], "en": RKI["items"][1 - i]["en"]}
                                             if i < 2 else it for i, it in enumerate(RKI["items"])]),
    "item_made_free_text": lambda: _changed(items=[{**it, "open": True} if it["number"] == 3 else it for it in RKI["items"]]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_instrument_with_answers_keeps_its_scale_and_items(sqlite_db, tmp_path, change):
    instrument_id = _answered(sqlite_db)
    before = _shape(sqlite_db, instrument_id)
    with pytest.raises(ValidationError) as info:
        with sqlite_db.begin(SYSTEM) as s:
            evaluation.load_instrument_file(s, _file(tmp_path, CHANGES[change]()))
    assert info.value.key == "error.instrument_has_answers"
    assert info.value.message == ("Instrument RKI (version 1) has 20 stored answers; its scale and items cannot change. "
                                  'Add a new version ("version": 2 in the file).')
    assert _shape(sqlite_db, instrument_id) == before


def test_the_reported_attack_rki_narrowed_to_1_2_is_refused_on_both_backends(db, tmp_path):
    instrument_id = _answered(db)
    with pytest.raises(ValidationError, match="stored answer"):
        with db.begin(SYSTEM) as s:
            evaluation.load_instrument_file(s, _file(tmp_path, _changed(scale_max=2)))
    with pytest.raises(ValidationError, match="stored answer"):  # nor through the generic record update
        with db.begin(SYSTEM) as s:
            ins = s.get(m.Instrument, instrument_id)
            records.update(s, m.Instrument, instrument_id, ins.version, scale_max=2)
    with pytest.raises(ValidationError, match="stored answer"):
        with db.begin(SYSTEM) as s:
            item = s.scalar(select(m.InstrumentItem).where(m.InstrumentItem.instrument_id == instrument_id,
                                                           m.InstrumentItem.number == 20))
            item.number = 21  # items have no version of their own: changed in place, checked by their validator
            records.run_validators(s, item)
    assert _shape(db, instrument_id)[:2] == (1, 5)


def test_wording_can_be_corrected_and_a_new_version_carries_the_change(db, tmp_path):
    instrument_id = _answered(db)
    corrected = _changed(items=[{**it, "en": it["en"] + " (corrected)"} if it["number"] == 3 else it for it in RKI["items"]])
    with db.begin(SYSTEM) as s:
        evaluation.load_instrument_file(s, _file(tmp_path, corrected))
    with db.begin(SYSTEM) as s:
        v2 = evaluation.load_instrument_file(s, _file(tmp_path, _changed(version=2, scale_max=7, items=RKI["items"][:10])))
        v2_id = v2.id
        assert (v2.code, v2.edition, v2.scale_max, len(v2.items)) == ("RKI", 2, 7, 10)
    with db.session(SYSTEM) as s:
        v1 = s.get(m.Instrument, instrument_id)
        assert (v1.edition, v1.scale_max, len(v1.items)) == (1, 5, 20)
        assert v1.items[2].text_en.endswith("(corrected)")
        assert evaluation.latest_instrument(s, "RKI").id == v2_id
        names = {d.id: d.name["en"] for d in evaluation.instrument_defs(s)}
        assert names[v2_id] == names[instrument_id] + " (version 2)"
    with db.begin(SYSTEM) as s:  # version 2 has no answers yet: it can still be changed
        assert evaluation.load_instrument_file(s, _file(tmp_path, _changed(version=2, scale_max=6))).scale_max == 6


def test_instrument_add_on_the_command_line_refuses_narrowing_a_scale_with_answers(tmp_path):
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path / "home"), "PEERDESK_DB_PASSPHRASE": "instrument passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    narrowed = run(env, "instrument-add", str(_file(tmp_path, _changed(scale_max=2))))
    assert narrowed.returncode == 1, narrowed.stdout
    assert "Instrument RKI (version 1) has 640 stored answers" in narrowed.stderr and "Add a new version" in narrowed.stderr
    assert "unexpected" not in narrowed.stderr.lower()
    added = run(env, "instrument-add", str(_file(tmp_path, _changed(version=2, scale_max=2))))
    assert added.returncode == 0, added.stderr


def test_an_older_database_keeps_its_instruments_items_and_answers_through_the_upgrade(backend, request, tmp_path):
    from peerdesk.storage import migrate
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from tests.conftest import TEST_KEY

    if backend == "sqlite":
        db = open_database(DatabaseTarget("sqlite", path=tmp_path / "old.db"), TEST_KEY, create=True)
    else:
        db = request.getfixturevalue("pg_databases").open()
    migrate.upgrade_to(db, "0007")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO instrument (id, code, name_sv, name_en, scale_min, scale_max, good_end, version) "
                          "VALUES (1, 'RKI', 'R', 'R', 1, 5, 'high', 1)"))
        conn.execute(text("INSERT INTO instrument_item (id, instrument_id, number, text_sv, text_en, open_ended) "
                          "VALUES (1, 1, 1, 'a', 'a', false)"))
        conn.execute(text("INSERT INTO evaluation_round (id, number, start_date, status, version) VALUES (1, 1, '2025-01-01', 'planned', 1)"))
        conn.execute(text("INSERT INTO questionnaire_response (id, round_id, instrument_id, respondent_code, informant_role, version) "
                          "VALUES (1, 1, 1, 'R-1', 'staff', 1)"))
        conn.execute(text("INSERT INTO answer (id, response_id, item_id, value) VALUES (1, 1, 1, 5)"))
    migrate.upgrade_to(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT code, edition FROM instrument")).all() == [("RKI", 1)]
        assert conn.execute(text("SELECT count(*) FROM instrument_item")).scalar() == 1
        assert conn.execute(text("SELECT value FROM answer")).scalar() == 5
    assert migrate.schema_matches_models(db) == []
    db.dispose()
