"""Issue 17, item 10: the same limits on both backends. A text longer than its column, or with control
characters, is refused with one readable sentence before SQLite or PostgreSQL sees it; an XLSX export
of older data that holds control characters does not crash; an office moves from SQLite to PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.i18n import set_language, t
from peerdesk.services import evaluation, office_export, records, registers, supervision
from peerdesk.services.access import SYSTEM
from tests import factories as f

MEGABYTE_NAME = "Å" * 1_000_000
HUNDRED_K_CODE = "K" * 100_000


def _refused(db, fn) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            fn(s)
    return info.value


def _count(db, model) -> int:
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("en")


def test_hostile_values_get_the_same_readable_refusal_on_sqlite_and_postgresql(db, english):
    too_long = _refused(db, lambda s: f.peer(s, first=MEGABYTE_NAME))
    assert too_long.key == "error.too_long" and too_long.field == "first_name"
    assert too_long.message == "First name can be at most 100 characters."
    assert t("error.too_long", "sv", field=t("field.first_name", "sv"), max=100) == "Förnamn får vara högst 100 tecken."
    nul = _refused(db, lambda s: f.peer(s, last="Nils\x00son"))
    assert nul.key == "error.control_characters" and nul.field == "last_name"
    assert nul.message.startswith("Last name contains control characters")
    code = _refused(db, lambda s: records.create(s, m.Instrument, code=HUNDRED_K_CODE, name_sv="X", name_en="X",
                                                 scale_min=1, scale_max=5))
    assert code.message == "Code can be at most 40 characters."
    assert _count(db, m.PeerSupporter) == 0 and _count(db, m.Instrument) == 0
    # The register form (the window) and a changed record meet the same check.
    with db.begin(SYSTEM) as s:
        person = f.peer(s)
        person_id, version = person.id, person.version
    form = _refused(db, lambda s: registers.save_record(s, "people", person_id, {"email": "a@b.se" + "x" * 300}, version))
    assert form.key == "error.too_long" and form.field == "email"
    bell = _refused(db, lambda s: registers.save_record(s, "people", person_id, {"phone": "070\x07123"}, version))
    assert bell.key == "error.control_characters"
    with db.session(SYSTEM) as s:
        assert s.get(m.PeerSupporter, person_id).email is None


def test_notes_keep_tabs_and_line_breaks_but_not_nul_and_have_a_finite_length(db, english):
    with db.begin(SYSTEM) as s:
        peer_id = f.peer(s).id
        sid = supervision.log_session(s, "2025-01-01", [peer_id], notes="Rad ett\r\n\tRad två").id
    with db.session(SYSTEM) as s:
        assert s.get(m.SupervisionSession, sid).notes == "Rad ett\r\n\tRad två"
    nul = _refused(db, lambda s: supervision.log_session(s, "2025-01-02", [peer_id], notes="före\x00efter"))
    assert nul.key == "error.control_characters" and nul.field == "notes"
    huge = _refused(db, lambda s: supervision.log_session(s, "2025-01-02", [peer_id], notes="x" * (m.base.NOTES_LENGTH + 1)))
    assert huge.key == "error.too_long" and "Notes can be at most" in huge.message
    line = _refused(db, lambda s: f.peer(s, first="Två\nrader"))  # a name is one line
    assert line.key == "error.control_characters"
    assert _count(db, m.SupervisionSession) == 1


def test_xlsx_export_of_old_data_with_a_nul_byte_does_not_crash(sqlite_db, tmp_path):
    from openpyxl import load_workbook

    from peerdesk.services import register_export

    with sqlite_db.begin(SYSTEM) as s:
        person = f.peer(s, first="Kim")
    with sqlite_db.begin(SYSTEM) as s:
        s.execute(text("UPDATE peer_supporter SET last_name = :v WHERE id = :id"), {"v": "Ny\x00berg\x1b", "id": person.id})
    out = tmp_path / "people.xlsx"
    with sqlite_db.begin(SYSTEM) as s:
        assert register_export.export_register(s, "people", out) == 1
    cells = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    assert "Ny\ufffdberg\ufffd" in cells
    with sqlite_db.begin(SYSTEM) as s:  # the old value is not judged again on an unrelated edit
        p = records.get(s, m.PeerSupporter, person.id)
        records.update(s, m.PeerSupporter, person.id, p.version, region="Väst")
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.PeerSupporter, person.id).last_name == "Ny\x00berg\x1b"


def test_an_export_from_sqlite_with_long_but_allowed_values_loads_into_postgresql(sqlite_db, pg_databases, pg_template, tmp_path):
    from peerdesk.services import accounts

    long_name = "Å" * 100
    notes = ("Lång anteckning med radbrytning\n\tindrag " * 12_000)[: 400_000].strip()
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "admin", "Admin", "long-enough-pw", [m.Role.ADMINISTRATOR])
        peer = f.peer(s, first=long_name, last="B" * 100, email="a" * 189 + "@exempel.se", address="C" * 300)
        supervision.log_session(s, "2025-01-01", [peer.id], notes=notes)
        records.create(s, m.Instrument, code="I" * 40, name_sv="N" * 200, name_en="N" * 200, scale_min=1, scale_max=5)
    archive = tmp_path / "office.zip"
    from peerdesk.services.auth import login

    with sqlite_db.begin(login(sqlite_db, "admin", "long-enough-pw")) as s:
        office_export.export_all(s, archive)
    server = pg_databases.open(pg_template)
    with server.begin() as s:
        office_export.import_all(s, archive, "admin", "long-enough-pw")
    with server.session(SYSTEM) as s:
        assert s.scalar(select(m.PeerSupporter.first_name)) == long_name
        assert s.scalar(select(m.SupervisionSession.notes)) == notes
        assert s.scalar(select(m.Instrument.code)) == "I" * 40


def test_an_archive_from_an_older_sqlite_with_a_nul_byte_is_refused_readably_by_postgresql(sqlite_db, pg_databases, pg_template,
                                                                                          tmp_path, english):
    from peerdesk.services import accounts
    from peerdesk.services.auth import login

    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "admin", "Admin", "long-enough-pw", [m.Role.ADMINISTRATOR])
        peer_id = f.peer(s).id
    with sqlite_db.begin(SYSTEM) as s:
        s.execute(text("UPDATE peer_supporter SET first_name = :v WHERE id = :id"), {"v": "A\x00" + "x" * 2000, "id": peer_id})
    archive = tmp_path / "office.zip"
    with sqlite_db.begin(login(sqlite_db, "admin", "long-enough-pw")) as s:
        office_export.export_all(s, archive)
    server = pg_databases.open(pg_template)
    with pytest.raises(ValidationError) as info:
        with server.begin() as s:
            office_export.import_all(s, archive, "admin", "long-enough-pw")
    assert info.value.message == "The export cannot be loaded: peer_supporter.first_name: First name can be at most 100 characters."
    with server.session(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.PeerSupporter)) == 0


def test_an_instrument_file_with_a_hostile_code_is_refused_readably(db, tmp_path, english):
    import json

    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"code": HUNDRED_K_CODE, "name_sv": "X", "name_en": "X", "scale_min": 1, "scale_max": 5,
                                "good_end": "high", "items": [{"number": 1, "sv": "a", "en": "a"}]}), encoding="utf-8")
    err = _refused(db, lambda s: evaluation.load_instrument_file(s, path))
    assert err.message == "Code can be at most 40 characters."
