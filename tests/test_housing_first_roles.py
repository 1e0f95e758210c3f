"""Issue #21, Housing First and municipal services: residents/clients and case managers are informants,
and staff are recorded with their profession. They go from consent to response to the round report like
the ward study's roles: the report names them by role, never more, and hides a role's count below k."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.reports.round_report import build
from peerdesk.services import evaluation, interview_consents, records, response_import, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f

TODAY = dt.date(2026, 6, 1)


def _consent(s, study_id, role, code, profession=None):
    return records.create(s, m.Consent, study_id=study_id, informant_role=role, informant_code=code, profession=profession,
                          signed_on="2025-01-10", valid_until="2027-12-31").id


def _housing_first(s, clients=6, case_managers=2):
    """A Bostad Först service in round 1: `clients` residents and `case_managers` case managers answer DREEM."""
    study = f.study(s)
    rnd = f.round_(s, number=1, study_id=study.id)
    service = f.workplace(s, name="Bostad Först Norr", kind=m.WorkplaceKind.MUNICIPAL)
    dreem = f.instrument(s, "DREEM-OK")
    for i in range(clients):
        cid = _consent(s, study.id, "client", f"K{i:02d}")
        evaluation.record_response(s, rnd.id, dreem.id, f"K-{i}", "client", {it.number: 1 + i % 3 for it in dreem.items},
                                   workplace_id=service.id, consent_id=cid)
    for i in range(case_managers):
        cid = _consent(s, study.id, "case_manager", f"H{i:02d}", profession="social_worker")
        evaluation.record_response(s, rnd.id, dreem.id, f"H-{i}", "case_manager", {it.number: 2 for it in dreem.items},
                                   workplace_id=service.id, consent_id=cid)
    return study, rnd, service


def _pdf_text(data, tmp_path) -> str:
    path = tmp_path / "omgang-1.pdf"
    build(data, str(path))
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_clients_and_case_managers_reach_the_report_by_role_with_small_counts_hidden(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _housing_first(s, clients=6, case_managers=2)
        data = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1)
    method = {row[0]: row[3] for row in data.method}
    assert method == {"Boende/klienter": 6, "Case managers": None}  # 2 case managers: below k, not shown
    dreem = next(table for table in data.instruments if table.code == "DREEM-OK")
    columns = {c.group: ci for ci, c in enumerate(dreem.grids[0].columns)}
    assert set(columns) == {"Boende/klienter", "Case managers"}
    assert not dreem.grids[0].overall[columns["Boende/klienter"]].hidden
    assert dreem.grids[0].overall[columns["Case managers"]].hidden
    text = _pdf_text(data, tmp_path)
    assert "Boende/klienter" in text and "Case managers" in text
    assert "Bostad Först" not in text and "K-0" not in text and "social" not in text.lower()  # no service, code or profession


def test_english_report_names_residents(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _housing_first(s, clients=5, case_managers=5)
        data = round_report.gather(s, 1, lang="en", today=TODAY, seed=1)
    assert {row[0]: row[3] for row in data.method} == {"Residents/clients": 5, "Case managers": 5}
    assert "Residents/clients" in _pdf_text(data, tmp_path)


def test_a_clients_quote_is_attributed_by_role_only(db, tmp_path):
    with db.begin(SYSTEM) as s:
        study, rnd, _service = _housing_first(s)
        ids = [_consent(s, study.id, "client", f"Q{i}") for i in range(3)]
        iv = f.interview_with(s, rnd.id, "group", "client", ids)
        records.create(s, m.Quote, round_id=rnd.id, informant_role="client", interview_id=iv.id, text="Nu har jag ett eget hem.",
                       status="approved")
        data = round_report.gather(s, 1, lang="sv", today=TODAY, seed=1)
    ((text, attribution),) = [q for quotes in data.quotes.values() for q in quotes]
    assert text == "Nu har jag ett eget hem." and attribution.startswith("Boende/klient") and "1" in attribution
    pdf = _pdf_text(data, tmp_path)
    assert "Nu har jag ett eget hem." in pdf and "Boende/klient" in pdf


def test_profession_follows_the_consent_and_only_for_staff_and_case_managers(db):
    with db.begin(SYSTEM) as s:
        study, rnd, _service = _housing_first(s, clients=1, case_managers=1)
        dreem = f.instrument(s, "DREEM-OK")
        nurse = _consent(s, study.id, "staff", "S01", profession="dietitian")
        resp = evaluation.record_response(s, rnd.id, dreem.id, "S-1", "staff", {1: 2}, consent_id=nurse)
        assert resp.profession == m.StaffProfession.DIETITIAN
        with pytest.raises(ValidationError) as err:
            _consent(s, study.id, "client", "K99", profession="nurse")
        assert err.value.field == "profession"
        with pytest.raises(ValidationError):
            _consent(s, study.id, "client", None)  # a client is identified by code or name, like staff


def test_import_reads_client_and_case_manager_words(db):
    with db.begin(SYSTEM) as s:
        study = f.study(s)
        rnd = f.round_(s, number=1, study_id=study.id)
        dreem = f.instrument(s, "DREEM-OK")
        cid = _consent(s, study.id, "client", "K01")
        form = s.get(m.Consent, cid)
        form.form_number = "F-9001"
        hid = _consent(s, study.id, "case_manager", "H01")
        s.get(m.Consent, hid).form_number = "F-9002"
        s.flush()
        rows = [{"kod": "K-1", "roll": "Boende", "samtycke": "F-9001", "item_1": "2"},
                {"kod": "H-1", "roll": "case manager", "samtycke": "F-9002", "item_1": "3"}]
        preview = response_import.preview(s, rnd.id, dreem.id, rows)
        assert preview.ok, preview.problems
        response_import.commit(s, rnd.id, dreem.id, rows)
        got = {r.respondent_code: r.informant_role for r in s.query(m.QuestionnaireResponse)}
    assert got == {"K-1": m.InformantRole.CLIENT, "H-1": m.InformantRole.CASE_MANAGER}


def test_cli_professions_are_the_models():
    from peerdesk import cli

    assert cli.PROFESSIONS == tuple(p.value for p in m.StaffProfession)
    args = cli.build_parser().parse_args(["consent", "register", "F-1", "--signed", "2025-01-10", "--role", "case_manager",
                                          "--code", "H1", "--profession", "dietitian"])
    assert (args.role, args.profession) == ("case_manager", "dietitian")


def test_role_words_are_not_names_in_the_disclosure_check(db):
    """A briefing attendee noted by role ("Case manager", "Dietist") is registered like a name; the words of
    the new roles and professions must not then flag every quote that mentions a case manager."""
    from peerdesk.services import disclosure

    with db.begin(SYSTEM) as s:
        service = f.workplace(s, name="Bostad Först Norr", kind=m.WorkplaceKind.MUNICIPAL)
        b = records.create(s, m.Briefing, workplace_id=service.id, held_on="2025-02-01")
        for name in ("Case manager", "Dietist", "Kurator Berit Holmqvist"):
            s.add(m.BriefingAttendee(briefing_id=b.id, name=name))
        s.flush()
        clean = disclosure.check_quote(s, "Min case manager och dietisten hjälpte mig att få ett eget hem.", "client")
        named = disclosure.check_quote(s, "Holmqvist hjälpte mig.", "client")
    assert clean == []
    assert [finding.term for finding in named] == ["Holmqvist"]


def test_admin_registers_a_case_managers_form_with_profession_in_the_window(qtbot, sqlite_db, tmp_path):
    from PySide6.QtCore import QDate, Qt

    from peerdesk.models import Role
    from peerdesk.services import accounts, consent_forms
    from peerdesk.services.auth import login
    from peerdesk.ui.consents.consents_page import ConsentsPage
    from peerdesk.ui.operations import Operations

    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [Role.ADMINISTRATOR])
        study = f.study(s)
        service = f.workplace(s, name="Bostad Först Norr", kind=m.WorkplaceKind.MUNICIPAL)
        number = consent_forms.print_blank_forms(s, study.id, service.id, 1, tmp_path / "form.pdf", lang="en").form_numbers[0]
    admin = login(sqlite_db, "boss", "admin password")
    page = ConsentsPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, admin, page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    roles = [page.role.itemText(i) for i in range(page.role.count())]
    assert "Resident/client" in roles and "Case manager" in roles
    page.role.setCurrentIndex(page.role.findData("client"))
    assert not page.profession.isEnabled()  # a client has no profession
    page.role.setCurrentIndex(page.role.findData("case_manager"))
    assert page.profession.isEnabled()
    with qtbot.waitSignal(page.form_found, timeout=10000):
        qtbot.keyClicks(page.number, number)
        qtbot.keyClick(page.number, Qt.Key.Key_Return)
    page.role.setCurrentIndex(page.role.findData("case_manager"))
    page.profession.setCurrentIndex(page.profession.findText("Social worker"))
    qtbot.keyClicks(page.code, "H07")
    page.signed.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(page.registered, timeout=10000) as registered:
        qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    with sqlite_db.session(SYSTEM) as s:
        c = s.get(m.Consent, registered.args[0])
        assert (c.informant_role, c.informant_code, c.profession) == (m.InformantRole.CASE_MANAGER, "H07", m.StaffProfession.SOCIAL_WORKER)
    ops.wait()


def test_blank_consent_forms_for_a_municipal_service_offer_its_roles(db, tmp_path):
    from peerdesk.services import consent_forms

    with db.begin(SYSTEM) as s:
        study = f.study(s)
        service = f.workplace(s, name="Bostad Först Norr", kind=m.WorkplaceKind.MUNICIPAL)
        ward = f.workplace(s, name="Avdelning 21")
        consent_forms.print_blank_forms(s, study.id, service.id, 1, tmp_path / "service.pdf", lang="sv")
        consent_forms.print_blank_forms(s, study.id, ward.id, 1, tmp_path / "ward.pdf", lang="sv")
    service_text = PdfReader(str(tmp_path / "service.pdf")).pages[0].extract_text()
    ward_text = PdfReader(str(tmp_path / "ward.pdf")).pages[0].extract_text()
    assert "Boende/klient" in service_text and "Case manager" in service_text and "Patient" not in service_text
    assert "Patient" in ward_text and "Boende/klient" not in ward_text


def test_interviews_with_case_managers_and_clients(db):
    with db.begin(SYSTEM) as s:
        study, rnd, service = _housing_first(s, clients=0, case_managers=0)
        managers = [_consent(s, study.id, "case_manager", f"H{i}", profession="social_worker") for i in range(3)]
        iv = interview_consents.save_interview(s, rnd.id, "group", "case_manager", "2025-03-12", managers, workplace_id=service.id,
                                               profession="social_worker")
        assert (iv.informant_role, iv.profession, iv.participants) == (m.InformantRole.CASE_MANAGER, m.StaffProfession.SOCIAL_WORKER, 3)
        client = _consent(s, study.id, "client", "K1")
        with pytest.raises(ValidationError) as err:
            interview_consents.save_interview(s, rnd.id, "individual", "client", "2025-03-12", [client], profession="nurse")
        assert err.value.field == "profession"
        with pytest.raises(ValidationError):  # a client's consent in a case managers' interview: the roles must agree
            interview_consents.save_interview(s, rnd.id, "individual", "case_manager", "2025-03-12", [client])
