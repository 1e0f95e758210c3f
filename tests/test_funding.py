"""The grant register's rules on SQLCipher and PostgreSQL: coverage, reports, validation, audit, roles,
the warning for a contract outside its grant, and mapping the old free-text funding to grants."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.errors import AccessDenied, ValidationError
from peerdesk.models import Role
from peerdesk.services import funding
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.funding import ReportLine
from peerdesk.services.records import create
from tests import factories as f

D = dt.date
ARVS = {"funder": "Allmänna arvsfonden", "funder_kind": "inheritance_fund", "reference": "2024/0815",
        "start_date": "2024-01-01", "end_date": "2026-12-31", "amount_sek": 4_500_000, "contact_name": "Eva Handläggare"}


def grant(s, **kw):
    values = {**ARVS, **kw}
    return funding.save_grant(s, None, values, regions=["Västra Götaland"], reports=[ReportLine(None, D(2025, 3, 31), "Lägesrapport år 1")])


def test_a_grant_with_coverage_and_reports_is_saved_listed_and_audited(db):
    with db.begin(SYSTEM) as s:
        ward = f.workplace(s, name="Avdelning 7")
        gid = funding.save_grant(s, None, ARVS, regions=["Västra Götaland", " västra götaland ", ""], workplace_ids=[ward.id],
                                 reports=[ReportLine(None, D(2025, 3, 31), "Lägesrapport år 1"), ReportLine(None, D(2027, 3, 31), "Slutrapport")])
        person = f.peer(s)
        create(s, m.ContractPeriod, peer_supporter_id=person.id, employer="Föreningen", form="fixed_term",
               start_date=D(2025, 1, 1), end_date=D(2025, 12, 31), grant_id=gid)
    with db.session(SYSTEM) as s:
        [row] = funding.list_grants(s)
        assert (row.funder, row.reference, row.start_date, row.end_date, row.amount_sek) == (
            "Allmänna arvsfonden", "2024/0815", D(2024, 1, 1), D(2026, 12, 31), 4_500_000)
        assert row.covers == "Västra Götaland, Avdelning 7"  # the region once, however it was typed
        assert (row.next_report_due, row.contracts_paid, row.placements_paid) == (D(2025, 3, 31), 1, 0)
        assert row.label == "Allmänna arvsfonden (2024/0815)"
        assert [r.id for r in funding.list_grants(s, "arvs 0815")] == [gid] and funding.list_grants(s, "Skåne") == []
        detail = funding.get_grant(s, gid)
        assert detail.regions == ["Västra Götaland"] and detail.workplace_ids == [ward.id]
        assert [(r.due_on, r.title, r.sent_on) for r in detail.reports] == [
            (D(2025, 3, 31), "Lägesrapport år 1", None), (D(2027, 3, 31), "Slutrapport", None)]
        tables = {r for r, in s.execute(select(m.AuditEvent.table_name).where(m.AuditEvent.action == "create"))}
        assert {"funding_grant", "grant_coverage", "grant_report"} <= tables
    with db.begin(SYSTEM) as s:  # the first report sent: the next one due is the final report; then undone
        first = funding.get_grant(s, gid).reports[0]
        funding.mark_report_sent(s, first.id, "2025-03-28")
    with db.session(SYSTEM) as s:
        assert funding.list_grants(s)[0].next_report_due == D(2027, 3, 31)
        assert funding.get_grant(s, gid).reports[0].sent_on == D(2025, 3, 28)
        fields = s.scalars(select(m.AuditEvent.fields).where(m.AuditEvent.table_name == "grant_report", m.AuditEvent.action == "update")).all()
        assert fields == ['["sent_on"]']
    with db.begin(SYSTEM) as s:
        funding.mark_report_sent(s, first.id, None)
    with db.session(SYSTEM) as s:
        assert funding.list_grants(s)[0].next_report_due == D(2025, 3, 31)


def test_editing_coverage_and_reports_adds_changes_and_removes_rows(db):
    with db.begin(SYSTEM) as s:
        gid = grant(s)
        first = funding.get_grant(s, gid).reports[0]
        funding.save_grant(s, gid, {"amount_sek": 5_000_000}, regions=["Region Halland"],
                           reports=[ReportLine(first.id, D(2025, 4, 30), "Lägesrapport år 1", version=first.version),
                                    ReportLine(None, D(2026, 4, 30), "Lägesrapport år 2")])
    with db.session(SYSTEM) as s:
        detail = funding.get_grant(s, gid)
        assert detail.values["amount_sek"] == 5_000_000 and detail.regions == ["Region Halland"]
        assert [(r.id == first.id, r.due_on) for r in detail.reports] == [(True, D(2025, 4, 30)), (False, D(2026, 4, 30))]
    with db.begin(SYSTEM) as s:
        funding.save_grant(s, gid, {}, regions=[], reports=[])
    with db.session(SYSTEM) as s:
        detail = funding.get_grant(s, gid)
        assert detail.regions == [] and detail.reports == []


@pytest.mark.parametrize("values, field, words", [
    ({"end_date": "2023-12-31"}, "end_date", "before the start"),
    ({"amount_sek": -1}, "amount_sek", "cannot be negative"),
    ({"funder": "   "}, "funder", "required"),
])
def test_a_grant_that_breaks_a_rule_is_refused_with_a_clear_message(db, values, field, words):
    with db.begin(SYSTEM) as s:
        with pytest.raises(ValidationError) as err:
            funding.save_grant(s, None, {**ARVS, **values})
    assert err.value.field == field and words in err.value.message.lower()


@pytest.mark.parametrize("due, sent, field, words", [
    (D(2023, 12, 1), None, "due_on", "before the grant starts (2024-01-01)"),
    (D(2029, 6, 1), None, "due_on", "more than two years after the grant ends"),
    (D(2025, 3, 31), dt.date.today() + dt.timedelta(days=1), "sent_on", "in the future"),
])
def test_a_report_date_outside_reason_is_refused(db, due, sent, field, words):
    with db.begin(SYSTEM) as s:
        gid = grant(s)
        with pytest.raises(ValidationError) as err:
            funding.save_grant(s, gid, {}, reports=[ReportLine(None, due, "X", sent)])
    assert err.value.field == field and words in err.value.message


def test_a_final_report_after_the_end_is_fine(db):
    with db.begin(SYSTEM) as s:
        gid = grant(s)
        rid = funding.add_report(s, gid, "2027-03-31", "Slutrapport")
    assert rid


def test_a_grant_that_pays_for_work_cannot_be_deleted_and_says_how_much(db):
    with db.begin(SYSTEM) as s:
        gid = grant(s)
        ward, person = f.workplace(s), f.peer(s)
        for year in (2024, 2025):
            create(s, m.ContractPeriod, peer_supporter_id=person.id, employer="Föreningen", form="fixed_term",
                   start_date=D(year, 1, 1), end_date=D(year, 12, 31), grant_id=gid)
        create(s, m.Placement, peer_supporter_id=person.id, workplace_id=ward.id, start_date=D(2024, 2, 1), grant_id=gid)
        with pytest.raises(ValidationError) as err:
            funding.delete_grant(s, gid)
        assert err.value.message == ("The grant pays for 2 contract periods and 1 placements and cannot be deleted. "
                                     "Move them to another grant first.")
        unused = grant(s, reference="2025/1")
        funding.delete_grant(s, unused)
        assert s.get(m.Grant, unused) is None
        assert not s.scalars(select(m.GrantReport).where(m.GrantReport.grant_id == unused)).all()  # its reports went with it


def test_a_contract_outside_its_grant_is_saved_with_a_warning(db):
    with db.begin(SYSTEM) as s:
        gid = funding.save_grant(s, None, {**ARVS, "end_date": "2025-06-30"}, regions=["Västra Götaland"])
        inside = f.workplace(s, name="Avdelning Inne", region="Västra Götaland")
        outside = f.workplace(s, name="Avdelning Ute", region="Region Skåne")
        person = f.peer(s)
        c = create(s, m.ContractPeriod, peer_supporter_id=person.id, employer="Föreningen", form="fixed_term",
                   start_date=D(2025, 1, 1), end_date=D(2025, 6, 30))
        assert funding.set_grant(s, "contracts", c.id, gid) == []  # inside the grant's period
        c.end_date = D(2025, 12, 31)
        s.flush()
        [warning] = funding.funding_warnings(s, "contracts", c.id)
        assert warning.startswith("Note: the grant Allmänna arvsfonden (2024/0815) runs 2024-01-01 – 2025-06-30")
        assert s.get(m.ContractPeriod, c.id).grant_id == gid  # a warning, not a refusal
        p = create(s, m.Placement, peer_supporter_id=person.id, workplace_id=inside.id, start_date=D(2025, 1, 1), end_date=D(2025, 6, 1))
        assert funding.set_grant(s, "placements", p.id, gid) == []
        q = create(s, m.Placement, peer_supporter_id=person.id, workplace_id=outside.id, start_date=D(2025, 1, 1), end_date=D(2025, 6, 1))
        assert funding.set_grant(s, "placements", q.id, gid) == [
            "Note: the grant Allmänna arvsfonden (2024/0815) does not cover the workplace Avdelning Ute. Saved anyway."]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.EVALUATOR])
def test_supervisors_and_evaluators_neither_see_nor_write_grants(db, role):
    with db.begin(SYSTEM) as s:
        gid = grant(s)
        user = f.user(s, "someone", roles=(role,))
        uid = user.id
    actor = Actor(uid, "someone", frozenset({role}))
    with db.begin(actor) as s:
        for call in (lambda: funding.list_grants(s), lambda: funding.get_grant(s, gid), lambda: funding.save_grant(s, None, ARVS),
                     lambda: funding.delete_grant(s, gid), lambda: funding.grant_options(s), lambda: funding.funding_texts(s)):
            with pytest.raises(AccessDenied):
                call()


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.COORDINATOR])
def test_administrators_and_coordinators_keep_the_register(db, role):
    with db.begin(SYSTEM) as s:
        uid = f.user(s, "keeper", roles=(role,)).id
    with db.begin(Actor(uid, "keeper", frozenset({role}))) as s:
        gid = grant(s)
        funding.mark_report_sent(s, funding.get_grant(s, gid).reports[0].id, "2025-03-30")
    with db.session(SYSTEM) as s:
        who = set(s.scalars(select(m.AuditEvent.username).where(m.AuditEvent.table_name.in_(["funding_grant", "grant_report"]))))
        assert who == {"keeper"}


def test_old_funding_texts_are_listed_and_linked_once(db):
    with db.begin(SYSTEM) as s:
        arvs = grant(s)
        region = funding.save_grant(s, None, {"funder": "Region Skåne", "funder_kind": "region", "reference": "RS 2025-77",
                                              "start_date": "2025-01-01", "end_date": "2025-12-31"})
        person, other = f.peer(s), f.peer(s, "Annan", "Person")
        texts = {"Allmänna  Arvsfonden": person.id, "allmänna arvsfonden": other.id, "RS 2025-77": None, "Kommunen": None}
        for n, (text, pid) in enumerate(texts.items()):
            create(s, m.ContractPeriod, peer_supporter_id=pid or f.peer(s, f"P{n}", "X").id, employer="Föreningen",
                   form="fixed_term", start_date=D(2025, 1, 1), end_date=D(2025, 6, 30), funding_source=text)
    with db.session(SYSTEM) as s:
        found = {(x.text.casefold().split()[0], x.contracts, x.suggested, x.names) for x in funding.funding_texts(s)}
        assert found == {("allmänna", 2, arvs, 1), ("rs", 1, region, 1), ("kommunen", 1, None, 0)}
    with db.begin(SYSTEM) as s:
        assert funding.link_funding_text(s, "ALLMÄNNA ARVSFONDEN", arvs) == 2
        assert funding.link_funding_text(s, "allmanna arvsfonden", arvs) == 0  # linked already: nothing twice
    with db.session(SYSTEM) as s:
        assert {x.text for x in funding.funding_texts(s)} == {"RS 2025-77", "Kommunen"}
        linked = s.scalars(select(m.ContractPeriod).where(m.ContractPeriod.grant_id == arvs)).all()
        assert {c.funding_source for c in linked} == {"Allmänna  Arvsfonden", "allmänna arvsfonden"}  # the old text is kept


def test_a_funder_with_two_grants_is_matched_by_the_period(db):
    with db.begin(SYSTEM) as s:
        first = grant(s, start_date="2022-01-01", end_date="2023-12-31", reference="2021/1")
        second = grant(s, reference="2024/0815")
        matcher = funding.GrantMatcher(s)
        assert matcher.match("Allmänna arvsfonden", D(2023, 5, 1)) == (first, 2)
        assert matcher.match("allmänna arvsfonden", D(2025, 5, 1)) == (second, 2)
        assert matcher.match("Allmänna arvsfonden") == (None, 2)
        assert matcher.match("2024/0815") == (second, 1)
        assert matcher.match("Okänd stiftelse") == (None, 0)


def test_the_register_import_links_a_contract_to_the_grant_its_funding_text_names(db):
    from peerdesk.services import register_import as ri

    with db.begin(SYSTEM) as s:
        arvs = grant(s)
        f.peer(s, "Anna", "Berg")
        f.peer(s, "Bo", "Ek")
        f.peer(s, "Cia", "Ljung")
    rows = [ri.ImportRow(2, {"person": "Anna Berg", "employer": "Föreningen", "form": "visstid", "start_date": "2025-01-01",
                             "end_date": "2025-06-30", "funding_source": "  ALLMÄNNA   arvsfonden "}),
            ri.ImportRow(3, {"person": "Bo Ek", "employer": "Föreningen", "form": "visstid", "start_date": "2025-01-01",
                             "end_date": "2025-06-30", "funding_source": "2024/0815"}),
            ri.ImportRow(4, {"person": "Cia Ljung", "employer": "Föreningen", "form": "visstid", "start_date": "2025-01-01",
                             "end_date": "2025-06-30", "funding_source": "Kommunbidrag"})]
    with db.begin(SYSTEM) as s:
        preview = ri.preview(s, "contracts", rows)
        assert [r.status for r in preview.results] == ["new", "new", "new"]  # an unknown text does not stop the row
        assert [r.notes for r in preview.results[:2]] == [[], []]
        assert preview.results[2].notes == ['the funding "Kommunbidrag" matches no grant; the text is kept and can be linked '
                                            'later (peerdesk grant map-funding-texts)']
        assert "Row 4: note: the funding \"Kommunbidrag\"" in "\n".join(ri.describe(preview))
        ri.commit(s, "contracts", rows)
    with db.session(SYSTEM) as s:
        got = {c.funding_source.strip(): c.grant_id for c in s.scalars(select(m.ContractPeriod))}
        assert got == {"ALLMÄNNA   arvsfonden": arvs, "2024/0815": arvs, "Kommunbidrag": None}
    with db.begin(SYSTEM) as s:  # the same file again: nothing new, nothing different
        assert [r.status for r in ri.preview(s, "contracts", rows).results] == ["unchanged"] * 3


def test_a_register_extract_names_the_grant_that_paid_but_not_the_funders_contact_person(sqlite_db, tmp_path):
    """Grants are not personal data of the people PeerDesk keeps: a peer supporter's extract says which grant
    paid for their contract (the funder and its reference), and nothing of the funder's own contact person."""
    from pypdf import PdfReader

    from peerdesk.reports.register_extract import build_register_extract
    from peerdesk.services import data_rights, demo

    today = D(2026, 11, 25)
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s, today=today)
        pid = s.scalar(select(m.PeerSupporter.id).where(m.PeerSupporter.first_name == "Åsa"))
        extract = data_rights.register_extract(s, "peer_supporter", pid, today=today, lang="sv")
    build_register_extract(extract, tmp_path / "x.pdf", "sv")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(tmp_path / "x.pdf").pages)
    assert "Allmänna arvsfonden (2023-01456)" in text and "Västra Götalandsregionen (RS 2025-00312)" in text
    assert "Eva Lund" not in text and "Omar Said" not in text
