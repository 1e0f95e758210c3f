"""The course certificate (issue #20): a page a person would frame, in Swedish and English — the name, the
course's days, the cohort and dates, the date of certification and the office that signs; no health data and
no attendance marks. Read back with pypdf."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import training
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.settings import set_setting
from tests import factories as f

D = dt.date
COORD = Actor(None, "coord-test", frozenset({m.Role.COORDINATOR}))


def _text(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def _certified(db):
    with db.begin(SYSTEM) as s:
        for key, value in (("office.name", "Föreningen Brukarkraft"), ("office.address", "Storgatan 4, 411 38 Göteborg"),
                           ("office.email", "kansliet@brukarkraft.example")):
            set_setting(s, key, value)
        cohort = f.cohort(s, name="Kull 3", start=D(2025, 1, 10), end=D(2025, 4, 30))
        person = f.peer(s, first="Åsa", last="Öberg", cohort_id=cohort.id, email="asa@example.se", phone="070-123 45 67")
        other = f.peer(s, first="Inte", last="Certifierad", cohort_id=cohort.id)
        days = [training.add_day(s, cohort.id, D(2025, 1, 13) + dt.timedelta(days=7 * i), theme).id
                for i, theme in enumerate(["Återhämtning", "Rollspel och svåra samtal", "Vårdens struktur"] * 4)]
        for day_id in days:
            training.record_attendance(s, day_id, [person.id], today=D(2025, 6, 1))
        training.certify(s, person.id, D(2025, 4, 14), today=D(2025, 6, 1))
        return person.id, other.id


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_certificate_names_the_person_the_course_and_the_office(sqlite_db, tmp_path, lang):
    person, _ = _certified(sqlite_db)
    out = tmp_path / f"intyg-{lang}.pdf"
    with sqlite_db.begin(COORD) as s:
        training.write_certificate(s, person, out, lang)
    text = _text(out)
    assert len(PdfReader(out).pages) == 1
    expected = {
        "sv": ["Intyg", "Utbildning till peer supporter", "Åsa Öberg", "12 kursdagar", "Utbildningskull: Kull 3",
               "Kursen gavs 13 januari 2025 – 31 mars 2025", "Certifierad 14 april 2025", "För kansliet", "Föreningen Brukarkraft",
               "Återhämtning · Rollspel och svåra samtal · Vårdens struktur"],
        "en": ["Certificate", "Peer supporter training", "Åsa Öberg", "12 course days", "Training cohort: Kull 3",
               "The course was given 13 January 2025 – 31 March 2025", "Certified on 14 April 2025", "For the office", "Föreningen Brukarkraft", "Storgatan 4"],
    }[lang]
    for phrase in expected:
        assert phrase in text, (phrase, text)
    for absent in ("070-123", "asa@example.se", "Närvar", "Attended", "Inte Certifierad"):  # no contact details, no marks, no one else
        assert absent not in text
    with sqlite_db.session(SYSTEM) as s:  # printing it is audited, without the name
        from sqlalchemy import select

        event = s.execute(select(m.AuditEvent.action, m.AuditEvent.record_id, m.AuditEvent.fields)
                          .where(m.AuditEvent.action == "print_certificate")).one()
        assert event.record_id == person and event.fields is None


def test_no_certificate_before_certification(sqlite_db, tmp_path):
    _, other = _certified(sqlite_db)
    with pytest.raises(ValidationError) as err:
        with sqlite_db.begin(COORD) as s:
            training.write_certificate(s, other, tmp_path / "x.pdf", "sv")
    assert err.value.key == "error.training.not_certified" and not (tmp_path / "x.pdf").exists()
