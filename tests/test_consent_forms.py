"""Printing numbered consent forms, reading them back, and registering the signed forms that return."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.reports.consent_forms import Cancelled
from peerdesk.services import consent_forms as cf
from peerdesk.services.access import Actor
from tests import factories as f

D = dt.date


def _admin(s):
    u = f.user(s, "admin1", (m.Role.ADMINISTRATOR,))
    return Actor(u.id, u.username, frozenset({m.Role.ADMINISTRATOR}))


def _setup(db):
    from peerdesk.services.access import SYSTEM

    with db.begin(SYSTEM) as s:
        admin = _admin(s)
        st = f.study(s, name="Utvärdering av peer support 2025–2027")
        st.consent_text_sv = "Medverkan är frivillig.\n\nUppgifterna behandlas konfidentiellt."
        st.consent_text_en = "Taking part is voluntary."
        ward = f.workplace(s, name="Avdelning 21, psykosvård")
        peer = f.peer(s, first="Åsa", last="Öberg")
        return admin, st.id, ward.id, peer.id


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def test_prefilled_form_reads_back_with_name_study_validity_and_number(db, tmp_path):
    admin, study_id, _ward, peer_id = _setup(db)
    out = tmp_path / "form.pdf"
    with db.begin(admin) as s:
        result = cf.print_prefilled_form(s, study_id, out, peer_supporter_id=peer_id, lang="sv")
    (number,) = result.form_numbers
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    text = _text(reader.pages[0])
    for expected in ("Åsa Öberg", "Utvärdering av peer support 2025–2027", "2027-12-31", number, "Namnteckning", "Samtycke", "registerutdrag"):
        assert expected in text, expected
    with db.session(admin) as s:
        form = s.scalar(select(m.ConsentForm).where(m.ConsentForm.form_number == number))
        assert form.peer_supporter_id == peer_id and form.informant_role == m.InformantRole.PEER_SUPPORTER
        # Printing is audited with ids and counts only.
        detail = s.scalar(select(m.AuditEvent.fields).where(m.AuditEvent.action == "print_consent_forms"))
        assert "Åsa" not in detail


def test_batch_of_n_blank_forms_has_n_numbered_pages_matching_the_records(db, tmp_path):
    admin, study_id, ward_id, _peer = _setup(db)
    out = tmp_path / "batch.pdf"
    seen = []
    with db.begin(admin) as s:
        result = cf.print_blank_forms(s, study_id, ward_id, 12, out, lang="en", progress=lambda done, total: seen.append((done, total)) or True)
    reader = PdfReader(out)
    assert len(reader.pages) == 12 == result.pages == len(set(result.form_numbers))
    assert seen[0] == (0, 12) and seen[-1] == (12, 12)
    with db.session(admin) as s:
        recorded = s.scalars(select(m.ConsentForm.form_number).where(m.ConsentForm.study_id == study_id).order_by(m.ConsentForm.id)).all()
    assert list(result.form_numbers) == recorded
    for i, (page, number) in enumerate(zip(reader.pages, recorded), start=1):
        text = _text(page)
        assert number in text and "Page 1 of 1" in text and "Avdelning 21, psykosvård" in text  # numbered per form
        assert cf.normalise_number(number) == number  # the check digit holds
        others = [n for n in recorded if n != number]
        assert not any(n in text for n in others)


def test_cancelled_batch_records_nothing_and_leaves_no_file(db, tmp_path):
    admin, study_id, ward_id, _peer = _setup(db)
    out = tmp_path / "cancel.pdf"
    with pytest.raises(Cancelled):
        with db.begin(admin) as s:
            cf.print_blank_forms(s, study_id, ward_id, 30, out, progress=lambda done, total: done < 5)
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    with db.session(admin) as s:
        assert s.scalar(select(m.ConsentForm.id)) is None


def test_returned_form_is_registered_by_its_number_once(db, tmp_path):
    admin, study_id, ward_id, _peer = _setup(db)
    with db.begin(admin) as s:
        numbers = cf.print_blank_forms(s, study_id, ward_id, 3, tmp_path / "b.pdf").form_numbers
    typed = " " + numbers[1].lower() + " "
    with db.begin(admin) as s:
        c = cf.register_returned(s, typed, informant_role="staff", informant_code="P07", signed_on="2025-05-02",
                                 scopes=["interviews", "questionnaires"])
        consent_id = c.id
    with db.session(admin) as s:
        c = s.get(m.Consent, consent_id)
        assert (c.form_number, c.workplace_id, c.study_id, c.received_by_id) == (numbers[1], ward_id, study_id, admin.user_id)
        assert c.valid_until == D(2027, 12, 31) and not c.scope_focus_groups and c.scope_interviews
        assert cf.lookup_form(s, numbers[1]).consent_id == consent_id
        rows = cf.consent_register(s, on=D(2026, 1, 1))
        assert [(r.form_number, r.informant, r.status) for r in rows] == [(numbers[1], "P07", "active")]
    with pytest.raises(ValidationError) as again:
        with db.begin(admin) as s:
            cf.register_returned(s, numbers[1], informant_role="staff", informant_code="P08", signed_on="2025-05-02")
    assert again.value.key == "error.form_already_registered"
    bad = numbers[0][:-1] + str((int(numbers[0][-1]) + 1) % 10)
    with pytest.raises(ValidationError) as typo:
        with db.session(admin) as s:
            cf.lookup_form(s, bad)
    assert typo.value.key == "error.form_number_check"
    with pytest.raises(NotFoundError):
        with db.session(admin) as s:
            cf.lookup_form(s, cf.format_number(study_id, 999))


def test_preview_records_nothing(sqlite_db, tmp_path):
    admin, study_id, _w, _p = _setup(sqlite_db)
    with sqlite_db.begin(admin) as s:
        cf.preview_template(s, study_id, tmp_path / "p.pdf", lang="sv")
    assert "Medverkan är frivillig." in _text(PdfReader(tmp_path / "p.pdf").pages[0])
    with sqlite_db.session(admin) as s:
        assert s.scalar(select(m.ConsentForm.id)) is None


def test_a_prefilled_form_comes_back_as_that_persons_consent(sqlite_db, tmp_path):
    admin, study_id, _ward, peer_id = _setup(sqlite_db)
    with sqlite_db.begin(admin) as s:
        (number,) = cf.print_prefilled_form(s, study_id, tmp_path / "f.pdf", peer_supporter_id=peer_id).form_numbers
    with sqlite_db.begin(admin) as s:
        info = cf.lookup_form(s, number)
        assert (info.informant_role, info.peer_supporter_id) == ("peer_supporter", peer_id)
        c = cf.register_returned(s, number, signed_on=D(2025, 3, 1))
        assert (c.informant_role, c.peer_supporter_id, c.form_number) == (m.InformantRole.PEER_SUPPORTER, peer_id, number)
        rows = cf.consent_register(s, on=D(2025, 3, 2))
        assert [(r.informant, r.status) for r in rows] == [("Åsa Öberg", "active")]


def test_numbers_are_never_reused_after_old_forms_are_deleted(sqlite_db, tmp_path):
    admin, study_id, ward_id, _p = _setup(sqlite_db)
    with sqlite_db.begin(admin) as s:
        first = cf.print_blank_forms(s, study_id, ward_id, 3, tmp_path / "a.pdf").form_numbers
    with sqlite_db.begin(admin) as s:
        s.delete(s.scalar(select(m.ConsentForm).where(m.ConsentForm.form_number == first[0])))
    with sqlite_db.begin(admin) as s:
        second = cf.print_blank_forms(s, study_id, ward_id, 2, tmp_path / "b.pdf").form_numbers
    assert not set(first) & set(second) and second[0].startswith(f"{study_id}-00004-")
