"""The register extract, read as the person it is about reads it (issue #18): a letter first, then
their records in Swedish (or English) with names instead of ids, questions instead of item numbers,
codes in words, times to the second; who read their supervision notes and when; the topics; and
nothing about anyone else — not a ward contact's phone, not another participant's notes."""

from __future__ import annotations

import datetime as dt
import enum
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models.base import StrEnum
from peerdesk.reports.register_extract import build_register_extract
from peerdesk.services import data_rights, demo, interview_consents, supervision
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from tests import factories as f

D = dt.date
TODAY = D(2026, 11, 25)
ADMIN = Actor(None, "admin-test", frozenset({m.Role.ADMINISTRATOR}))
# Enum values that are also ordinary words a translated text may contain.
WORDS = {"video", "patient", "group", "left", "draft", "manager", "staff", "present", "before", "after", "other"}  # codes that are also ordinary English words


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def raw_enum_values(lang: str) -> set[str]:
    """Every stored code of every enum in the models, less those the language writes the same way
    ("video"; in English "supervisor")."""
    from peerdesk.i18n import catalogue

    words = {str(catalogue(lang).get(f"{prefix}.{v}", "")).lower() for prefix in ("ui.value", "role")
             for cls in vars(m).values() if isinstance(cls, type) and issubclass(cls, enum.Enum) for v in (e.value for e in cls)}
    values = set()
    for cls in vars(m).values():
        if isinstance(cls, type) and issubclass(cls, enum.Enum) and cls is not StrEnum:
            values |= {member.value for member in cls if member.value not in words}
    return values - WORDS


def _demo_person(db, first="Åsa", last="Öberg"):
    with db.begin(SYSTEM) as s:
        demo.load_demo(s, today=TODAY)
    with db.session(SYSTEM) as s:
        pid = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == first, m.PeerSupporter.last_name == last))
        supervisor = s.get(m.PeerSupporter, pid).supervisor_id
        sessions = s.scalars(select(m.SessionParticipant.session_id).where(m.SessionParticipant.peer_supporter_id == pid)
                             .order_by(m.SessionParticipant.held_on)).all()
        user = s.get(m.User, supervisor)
        placement = s.scalar(select(m.Placement).where(m.Placement.peer_supporter_id == pid))
        ward = s.get(m.Workplace, placement.workplace_id)
        return pid, supervisor, user.username, user.display_name, sessions, ward


def _extract(db, table, pid, lang, tmp_path, name="extract.pdf"):
    with db.begin(ADMIN) as s:
        extract = data_rights.register_extract(s, table, pid, today=TODAY, lang=lang, requested_on=D(2026, 11, 20))
    out = tmp_path / name
    build_register_extract(extract, out, lang)
    return extract, out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_extract_reads_as_a_letter_to_the_person_not_a_database_dump(sqlite_db, tmp_path, lang):
    db = sqlite_db
    pid, supervisor, username, display_name, sessions, ward = _demo_person(db)
    reader = Actor(supervisor, username, frozenset({m.Role.SUPERVISOR}))
    for sid in sessions[-4:]:  # the supervisor reads four sessions' notes
        with db.begin(reader) as s:
            supervision.read_notes(s, sid)
    with db.session(SYSTEM) as s:
        read_days = [s.get(m.SupervisionSession, sid).held_on for sid in sessions[-4:]]
        topics = {tp.name_sv if lang == "sv" else tp.name_en for sid in sessions for tp in s.get(m.SupervisionSession, sid).topics}
        assert topics
    extract, out = _extract(db, "peer_supporter", pid, lang, tmp_path)
    text = pdf_text(out)
    flat = " ".join(text.split())
    words = set(re.findall(r"[A-Za-z_]+", text))
    # No raw code: every enum value that is not an ordinary word is translated.
    leaked = {v for v in raw_enum_values(lang) if v in words}
    assert not leaked, leaked
    assert "True" not in words and "False" not in words and "supervisor_assignment" not in text
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)  # no stored code of any kind (round_report, questionnaires …)
    assert "questionnaires" not in words
    # No bare ids where names belong, no item numbers where questions belong.
    assert not re.search(r"(Handledare|Supervisor|Arbetsplats|Workplace|Instrument|Verksamhet|Item|Fråga) \d+\b", text), text
    assert not re.search(r"\b(id|_id)\b", text)
    assert ward.name in flat
    # No microseconds, no ISO time with a T.
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d", text) and not re.search(r"\d{4}-\d{2}-\d{2}T\d", text)
    # No other informant's consent (a report used many people's consents; only hers is hers).
    assert "F-1000" in flat and "F-1001" not in flat and "F-1100" not in flat
    # No third party's contact details: not the ward's contact person, phone or e-mail.
    for private in (ward.contact_name, ward.contact_phone, ward.contact_email):
        if private:
            assert private not in flat, private
    # The note reads: who (by name and role) and when, for each read session.
    heading = "Vem har läst dina handledningsanteckningar" if lang == "sv" else "Who has read your supervision notes"
    reads = flat[flat.index(heading):]
    assert reads.count(display_name) >= 4
    for day in read_days:
        shown = day.isoformat() if lang == "sv" else f"{day.day} {day.strftime('%b')} {day.year}"
        assert shown in reads
    assert len(extract.note_reads) == 4
    # The supervision topics.
    for topic in topics:
        assert topic in flat, topic
    # Grouped the way a person thinks.
    groups = (["Du och dina kontaktuppgifter", "Utbildning", "Placeringar och anställning", "Handledning", "Utvärdering"] if lang == "sv"
              else ["You and your contact details", "Training", "Placements and employment", "Supervision", "Evaluation"])
    positions = [flat.index(g, flat.index("Uppgifterna om dig" if lang == "sv" else "The data about you")) for g in groups]
    assert positions == sorted(positions)
    # Codes in words.
    assert ("Särskild visstid" if lang == "sv" else "Fixed-term") in flat


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_first_page_is_a_letter_from_the_controller(sqlite_db, tmp_path, lang):
    from peerdesk.services.settings import set_setting

    db = sqlite_db
    pid, *_ = _demo_person(db)
    with db.begin(ADMIN) as s:
        set_setting(s, "office.name", "NSPH Väst")
        set_setting(s, "office.address", "Storgatan 1, 411 01 Göteborg")
        set_setting(s, "office.email", "kansli@nsphvast.example")
        set_setting(s, "retention.contract_period_days", 3650)
    _, out = _extract(db, "peer_supporter", pid, lang, tmp_path)
    first = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "NSPH Väst" in first and "Storgatan 1, 411 01 Göteborg" in first and "kansli@nsphvast.example" in first
    assert "Åsa Öberg" in first
    if lang == "sv":
        for phrase in ("personuppgiftsansvarig", "Rättslig grund", "samtycke", "Anställningsperioder: 10 år", "rättade", "raderade",
                       "återkalla", "Integritetsskyddsmyndigheten (IMY)", "mottagen 2026-11-20", "Besvarad 2026-11-25"):
            assert phrase in first, phrase
    else:
        for phrase in ("controller", "Legal basis", "consent", "Employment periods: 10 years", "corrected", "erased", "withdraw",
                       "(Integritetsskyddsmyndigheten, IMY)", "received 20 Nov 2026", "Answered 25 Nov 2026"):
            assert phrase in first, phrase


def test_a_group_session_participant_gets_no_other_participants_notes(db, tmp_path):
    """Two peer supporters in a group session, each also with an individual session: each one's
    extract holds their own individual notes, the group session's date and topics, and neither the
    group's notes (which concern the other too) nor the other's individual notes."""
    with db.begin(SYSTEM) as s:
        sup = f.user(s)
        supervision.ensure_default_topics(s)
        topic = s.scalars(select(m.SupervisionTopic).order_by(m.SupervisionTopic.id)).first()
        anna = f.peer(s, "Anna", "Ek", supervisor_id=sup.id)
        bo = f.peer(s, "Bo", "Lind", supervisor_id=sup.id, phone="070-111 22 33", email="bo.lind@example.se")
        supervision.log_session(s, D(2026, 3, 2), [anna.id, bo.id], form=m.SessionForm.GROUP, supervisor_id=sup.id,
                                topic_ids=[topic.id], notes="Gruppen: Bo berättade om sin sjukskrivning.")
        supervision.log_session(s, D(2026, 3, 9), [anna.id], supervisor_id=sup.id, notes="Anna: egen anteckning om rollen.")
        supervision.log_session(s, D(2026, 3, 10), [bo.id], supervisor_id=sup.id, notes="Bo: enskild anteckning om skulder.")
        ids = anna.id, bo.id
        topic_name = topic.name_sv
    with db.begin(ADMIN) as s:  # the administrator reads both individual notes
        for sid in s.scalars(select(m.SupervisionSession.id)).all():
            supervision.read_notes(s, sid)
    texts = {}
    for pid, name in zip(ids, ("anna", "bo")):
        extract, out = _extract(db, "peer_supporter", pid, "sv", tmp_path, f"{name}.pdf")
        texts[name] = " ".join(pdf_text(out).split())
        json_text = str(extract.as_json())
        assert "Gruppen: Bo berättade" not in json_text  # the machine-readable copy holds no shared notes either
    anna, bo = texts["anna"], texts["bo"]
    assert "Anna: egen anteckning om rollen." in anna and "Bo: enskild anteckning om skulder." in bo
    for other in ("Gruppen: Bo berättade", "Bo: enskild anteckning", "Bo Lind", "070-111 22 33", "bo.lind@example.se"):
        assert other not in anna, other
    assert "Gruppen: Bo berättade" not in bo and "Anna: egen anteckning" not in bo and "Anna Ek" not in bo
    for text in (anna, bo):
        assert "2026-03-02" in text and topic_name in text and "Grupp" in text
        assert "gruppsamtal gäller även andra deltagare" in text


def _consent_informants(db):
    """A staff member registered by name and a patient known by a code, each only through a consent."""
    from peerdesk.services import evaluation
    from peerdesk.services.consent_forms import format_number

    with db.begin(ADMIN) as s:
        st = f.study(s)
        numbers = [format_number(st.id, i) for i in (1, 2, 3)]
        ward = f.workplace(s, contact_name="Kontakt Karlsson", contact_phone="031-55 55 55", contact_email="kontakt@avd.example")
        staff = create(s, m.Consent, study_id=st.id, informant_role="staff", informant_name="Stina Personal", workplace_id=ward.id,
                       form_number=numbers[0], signed_on=D(2026, 2, 1), valid_until=D(2027, 12, 31))
        patient = create(s, m.Consent, study_id=st.id, informant_role="patient", informant_code="PAT-77", workplace_id=ward.id,
                         form_number=numbers[1], signed_on=D(2026, 2, 2), valid_until=D(2027, 12, 31))
        other = create(s, m.Consent, study_id=st.id, informant_role="staff", informant_code="P-OTHER", form_number=numbers[2],
                       signed_on=D(2026, 2, 3), valid_until=D(2027, 12, 31))
        rnd = f.round_(s, study_id=st.id)
        ins = f.instrument(s)
        evaluation.record_response(s, rnd.id, ins.id, "S-1", "staff", {1: 2}, consent_id=staff.id)
        evaluation.record_response(s, rnd.id, ins.id, "S-2", "staff", {1: 5}, consent_id=other.id)
        interview = interview_consents.save_interview(s, rnd.id, "group", "staff", D(2026, 3, 1), [staff.id, other.id])
        create(s, m.Quote, round_id=rnd.id, informant_role="staff", interview_id=interview.id, consent_id=staff.id, text="Mitt eget citat.")
        create(s, m.Quote, round_id=rnd.id, informant_role="staff", interview_id=interview.id, consent_id=other.id, text="Någon annans citat.")
        return staff.id, patient.id, numbers


def test_an_informant_known_only_by_a_consent_gets_an_extract(sqlite_db, tmp_path):
    staff_id, patient_id, numbers = _consent_informants(sqlite_db)
    with sqlite_db.session(ADMIN) as s:
        assert data_rights.consent_by_form_number(s, f" {numbers[0].lower()} ") == staff_id  # as typed
        assert data_rights.consent_by_form_number(s, numbers[1]) == patient_id
    _, out = _extract(sqlite_db, "consent", staff_id, "sv", tmp_path, "staff.pdf")
    text = " ".join(pdf_text(out).split())
    assert "Till: Stina Personal" in text and "Mitt eget citat." in text and "Personal" in text
    assert "Någon annans citat." not in text and "P-OTHER" not in text  # the other participant of the group interview
    for private in ("Kontakt Karlsson", "031-55 55 55", "kontakt@avd.example"):
        assert private not in text
    _, out = _extract(sqlite_db, "consent", patient_id, "en", tmp_path, "patient.pdf")
    text = " ".join(pdf_text(out).split())
    assert "To: PAT-77" in text and "Patient" in text and "Mitt eget citat." not in text


def test_extract_on_the_command_line_for_a_staff_informant_and_a_patient_code(tmp_path):
    """As an administrator would run it: the demo's staff consent F-1100 (code P01), and a patient's
    form printed and registered with a code; Swedish by default, English with --lang en."""
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path / "home"), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    office = run(env, "office", "--name", "NSPH Väst", "--email", "kansli@nsphvast.example")
    assert office.returncode == 0 and "NSPH Väst" in office.stdout, office.stderr
    staff = tmp_path / "staff.pdf"
    done = run(env, "extract", "--consent", "f-1100", "-o", str(staff))
    assert done.returncode == 0, done.stderr
    text = " ".join(pdf_text(staff).split())
    assert "Registerutdrag" in text and "Till: P01" in text and "Personal" in text and "Enkäter" in text
    assert "NSPH Väst" in text and "kansli@nsphvast.example" in text  # the controller, as set
    assert "Kontaktperson" not in text and "010-44" not in text  # the ward's contact person is someone else
    batch = tmp_path / "forms.pdf"
    assert run(env, "consent", "print", "--study", "1", "--workplace", "1", "--copies", "1", "-o", str(batch)).returncode == 0
    number = next(w for w in PdfReader(batch).pages[0].extract_text().split() if w.startswith("1-0"))
    assert run(env, "consent", "register", number, "--signed", "2026-11-20", "--role", "patient", "--code", "PAT-90").returncode == 0
    patient = tmp_path / "patient.pdf"
    done = run(env, "extract", "--consent", number, "--lang", "en", "--requested", "2026-11-21", "-o", str(patient))
    assert done.returncode == 0, done.stderr
    first = " ".join(PdfReader(patient).pages[0].extract_text().split())
    assert "To: PAT-90" in first and "Register extract" in first and "received 21 Nov 2026" in first
    unknown = run(env, "extract", "--consent", "F-9999", "-o", str(tmp_path / "x.pdf"))
    assert unknown.returncode == 1 and "F-9999" in unknown.stderr and not (tmp_path / "x.pdf").exists()
    both = run(env, "extract", "--person", "1", "--consent", "F-1100", "-o", str(tmp_path / "y.pdf"))
    assert both.returncode == 1 and "--consent" in both.stderr


def test_the_window_makes_an_extract_for_a_consent_typed_by_its_number(qtbot, sqlite_db, tmp_path, monkeypatch):
    """The administrator types the form number of a staff informant's consent, the day the request
    came, chooses English, presses Enter: the extract is saved and previewed like every other PDF."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QLabel

    from peerdesk.services import accounts
    from peerdesk.services.auth import login
    from peerdesk.ui.consents.data_rights_page import DataRightsPage
    from peerdesk.ui.operations import Operations

    staff_id, patient_id, numbers = _consent_informants(sqlite_db)
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [m.Role.ADMINISTRATOR])
    page = DataRightsPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, login(sqlite_db, "boss", "admin password"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    labels = " ".join(w.text() for w in page.findChildren(QLabel))
    assert "Utfil" not in labels and "Output file" not in labels and "--json" not in labels
    target = tmp_path / "utdrag.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    qtbot.keyClicks(page.form_number, numbers[0].lower())
    assert not page.erase_button.isEnabled()  # erasure goes by the person chosen above, not by a typed number
    page.requested.selectAll()
    qtbot.keyClicks(page.requested, "2026-11-18")
    page.lang.setCurrentIndex(page.lang.findData("en"))
    with qtbot.waitSignal(page.done, timeout=20000):
        qtbot.keyClick(page.form_number, Qt.Key.Key_Return)
    first = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "To: Stina Personal" in first and "received 18 Nov 2026" in first
    text = " ".join(pdf_text(target).split())
    assert "Mitt eget citat." in text and "Någon annans citat." not in text and "031-55 55 55" not in text
    assert (tmp_path / "utdrag.json").exists()
    assert page.preview.isVisible() and page.preview.page_count >= 2
    page.preview.close()
    # A number that is not a registered consent: a clear message, no file.
    page.form_number.clear()
    qtbot.keyClicks(page.form_number, "F-4711")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "none.pdf"), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.done, timeout=20000):
        qtbot.keyClick(page.form_number, Qt.Key.Key_Return)
    assert "F-4711" in page.status.text() and not (tmp_path / "none.pdf").exists()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_accepted_applicant_reads_their_application_in_words(sqlite_db, tmp_path, lang):
    """The demo's Tilde Bergman, accepted into Kull 3: her application is in her extract as a peer supporter —
    how she found the programme, when her story came (never the story), the interview and the decision."""
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=TODAY)
    with sqlite_db.session(SYSTEM) as s:
        pid = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == "Tilde", m.PeerSupporter.last_name == "Bergman"))
    extract, out = _extract(sqlite_db, "peer_supporter", pid, lang, tmp_path)
    text = " ".join(pdf_text(out).split())
    expected = {"sv": ("Ansökan till peer support-utbildningen", "Skriftlig berättelse inkom", "annons", "antagen"),
                "en": ("Application to the peer-support course", "Written story received", "advertisement", "accepted")}[lang]
    for words in expected:
        assert words.lower() in text.lower(), words
    assert "cohort_id" not in text and "peer_supporter_id" not in text  # the acceptance's audit detail in words
    leaked = sorted(v for v in raw_enum_values(lang) if re.search(rf"\b{re.escape(v)}\b", text))
    assert not leaked, leaked
    assert "Pia Berg (brukarföreningen)" in text  # who interviewed her, as recorded
