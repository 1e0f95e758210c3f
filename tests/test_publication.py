"""Issue 16, attack 1: differencing two versions of a round report.

Before publication, every report recomputed the columns of earlier rounds from today's consents,
so round 4's report made before and after one informant withdrew gave n1*m1 - n2*m2 per item:
that informant's answers, exact. These tests read the reports as an outside reader would — the PDF
text only, with pypdf — and show that every figure of a published round stays the same after
withdrawals and expiries, in a regenerated round 4 and beside round 5; and that drafts, which do
change, are stamped as drafts on every page.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.reports.round_report import build
from peerdesk.services import consent as consents, evaluation, publication, records, round_report
from peerdesk.services.access import SYSTEM
from tests import factories as f

PUBLISHED_ON = dt.date(2026, 6, 1)
LATER = dt.date(2026, 9, 1)
EXPIRES = dt.date(2026, 7, 1)  # between the publication and the later reports
ITEM1 = "1. Verksamheten främjar lärande"


def pdf_pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(str(path)).pages]


def figures(text: str) -> list[str]:
    """Every mean and n the reader sees, in reading order."""
    return re.findall(r"\d+,\d\d|n=\d+", text)


def item_row(text: str, number: int = 1) -> list[str]:
    row = re.search(rf"\n{number}\. .*?(?=\n{number + 1}\. )", "\n" + text, re.S).group(0)
    return figures(row)


def _consent(s, study_id, code, role="staff", valid_until="2027-12-31"):
    who = {"peer_supporter_id": f.peer(s, "P", code).id} if role == "peer_supporter" else {"informant_code": code}
    return records.create(s, m.Consent, study_id=study_id, informant_role=role, signed_on="2025-01-01",
                          valid_until=valid_until, **who)


def _office(s):
    """Rounds 4 and 5; staff at two wards and peer supporters, each person answering the same value to
    every DREEM item. 'target' answered round 4 only, with 5 everywhere; 'expiring' answered round 4 only
    with 1 everywhere and has a consent that ends between publication and the later reports."""
    study = f.study(s)
    rounds = {n: f.round_(s, number=n, study_id=study.id) for n in (4, 5)}
    dreem = f.instrument(s, "DREEM-OK")
    wards = [f.workplace(s, f"Avd {c}") for c in "XY"]
    people = {}
    plan = [  # (code, role, ward, {round: value})
        *[(f"s{i}", "staff", wards[i % 2], {4: 2 + i % 3, 5: 3}) for i in range(10)],
        *[(f"p{i}", "peer_supporter", None, {4: 1 + i % 4, 5: 2}) for i in range(6)],
        ("target", "staff", wards[0], {4: 5}),
        ("expiring", "peer_supporter", None, {4: 1}),
    ]
    for code, role, ward, values in plan:
        c = _consent(s, study.id, code, role, valid_until=EXPIRES.isoformat() if code == "expiring" else "2027-12-31")
        people[code] = c
        for rnum, v in values.items():
            evaluation.record_response(s, rounds[rnum].id, dreem.id, f"{code}-{rnum}", role, {it.number: v for it in dreem.items},
                                       workplace_id=ward.id if ward else None, consent_id=c.id)
    return study, people


def _pdf(s, tmp_path, name, round_number, today, lang="sv"):
    data = round_report.gather(s, round_number, lang=lang, today=today, seed=7)
    path = tmp_path / f"{name}.pdf"
    build(data, str(path))
    return "\n".join(pdf_pages(path))


def _withdraw(db, consent_id):
    with db.begin(SYSTEM) as s:
        c = s.get(m.Consent, consent_id)
        consents.withdraw(s, c.id, c.version, "2026-08-01", None)


@pytest.mark.parametrize("change", ["withdrawal", "expiry", "both"])
def test_differencing_a_published_round_recovers_nothing(db, tmp_path, change):
    with db.begin(SYSTEM) as s:
        _, people = _office(s)
        info = publication.publish(s, 4, today=PUBLISHED_ON)
        published4 = _pdf(s, tmp_path, "r4-published", 4, PUBLISHED_ON)
        beside5 = _pdf(s, tmp_path, "r5-before", 5, PUBLISHED_ON)
    assert info.version == 1
    assert item_row(published4) == ["2,00", "n=7", "3,09", "n=11"]  # peer supporters, staff: item 1 of round 4
    if change != "expiry":
        _withdraw(db, people["target"].id)  # one of the 11 staff withdraws …
    later = LATER if change != "withdrawal" else PUBLISHED_ON  # … and/or a peer supporter's consent runs out (EXPIRES)
    with db.begin(SYSTEM) as s:
        live = round_report.gather(s, 5, lang="sv", today=later, seed=7)
        again4 = _pdf(s, tmp_path, "r4-again", 4, later)
        after5 = _pdf(s, tmp_path, "r5-after", 5, later)
    assert live.excluded_responses >= 1  # the change is real: today's data has lost an answer
    # Every figure of round 4 is the same, so n1*m1 - n2*m2 is 0 for every item: nothing to recover.
    assert figures(again4) == figures(published4)
    assert figures(after5) == figures(beside5)
    assert "Version 1, publicerad" in again4 and "UTKAST" not in again4
    assert "UTKAST" in after5  # round 5 itself is a draft


def test_the_same_attack_on_two_drafts_works_and_both_are_stamped(db, tmp_path):
    """Without publication the attack of the issue succeeds — which is why drafts are stamped on
    every page and the README tells evaluators never to hand one out."""
    with db.begin(SYSTEM) as s:
        _, people = _office(s)
        data = round_report.gather(s, 4, lang="sv", today=PUBLISHED_ON, seed=7)
        path1 = tmp_path / "d1.pdf"
        build(data, str(path1))
    _withdraw(db, people["target"].id)
    with db.begin(SYSTEM) as s:
        data = round_report.gather(s, 4, lang="sv", today=PUBLISHED_ON, seed=7)
        path2 = tmp_path / "d2.pdf"
        build(data, str(path2))
    first, second = "\n".join(pdf_pages(path1)), "\n".join(pdf_pages(path2))
    # The staff column of item 1: "mean", "n=…" as the reader sees them.
    (m1, n1), (m2, n2) = [(float(r[2].replace(",", ".")), int(r[3][2:])) for r in (item_row(first), item_row(second))]
    assert (n1, n2) == (11, 10) and round(n1 * m1 - n2 * m2) == 5  # the withdrawn informant's answer
    for path in (path1, path2):
        assert all("UTKAST" in page for page in pdf_pages(path))  # stamped on every page
        meta = PdfReader(str(path)).metadata
        assert "status=draft" in meta["/Keywords"] and "Utkast" in meta["/Subject"]


# ---------------------------------------------------------------- what publishing records, refuses and keeps

def test_a_withdrawal_lists_the_publication_with_round_version_and_date(db):
    from peerdesk.services.consent_use import reports_affected_by

    with db.begin(SYSTEM) as s:
        _, people = _office(s)
        run = round_report.record_produced(s, round_report.gather(s, 4, today=PUBLISHED_ON, seed=1), "draft.pdf")
        publication.publish(s, 4, today=PUBLISHED_ON)
        publication.publish(s, 4, today=PUBLISHED_ON)
    _withdraw(db, people["target"].id)
    with db.begin(SYSTEM) as s:
        uses = reports_affected_by(s, people["target"].id)
        untouched = reports_affected_by(s, _consent(s, s.scalar(select(m.Study.id)), "later").id)
    assert [(u.kind, u.round_number, u.version) for u in uses] == [("round_report", 4, None), ("publication", 4, 1), ("publication", 4, 2)]
    assert uses[0].id == run and untouched == []


def test_publishing_is_audited_and_keeps_no_hidden_figure(db):
    import json

    with db.begin(SYSTEM) as s:
        _office(s)
        info = publication.publish(s, 4, today=PUBLISHED_ON)
        events = s.execute(select(m.AuditEvent.action, m.AuditEvent.table_name, m.AuditEvent.record_id, m.AuditEvent.fields)
                           .where(m.AuditEvent.table_name == "publication")).all()
        snapshot = json.loads(s.scalar(select(m.Publication.snapshot)))
    assert {(a, r) for a, _t, r, _f in events} == {("create", info.id), ("publish", info.id)}
    assert all("target" not in (fields or "") for *_x, fields in events)  # ids and counts only
    for lang in ("sv", "en"):
        for ins in snapshot["reports"][lang]["instruments"]:
            for grid in ins["grids"]:
                hidden = [c for c in grid["cells"] if c[4]]
                assert all(c[2] == 0 and c[3] == 0 for c in hidden)  # a hidden cell keeps neither n nor sum
    assert [i["name"] for i in snapshot["reports"]["en"]["instruments"]] != [i["name"] for i in snapshot["reports"]["sv"]["instruments"]]


def test_publishing_runs_the_report_checks_and_refuses_a_flagged_text(db):
    from peerdesk.errors import ValidationError

    with db.begin(SYSTEM) as s:
        _office(s)
        r4 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 4))
        records.create(s, m.Quote, round_id=r4.id, informant_role="staff", status="approved",
                       text="Det var Vilgot som visade oss hur rollen kunde se ut.")
        f.peer(s, "Vilgot", "Strömgren")  # registered after the quote was approved
    with db.begin(SYSTEM) as s:
        try:
            publication.publish(s, 4, today=PUBLISHED_ON)
        except ValidationError as exc:
            assert exc.key == "error.report_text_flagged" and "Vilgot" not in exc.message
        else:
            raise AssertionError("published a quote that names someone")
    with db.begin(SYSTEM) as s:
        assert s.scalar(select(m.Publication.id)) is None and s.scalar(select(m.ReportRun.id)) is None


def test_a_new_version_keeps_the_figures_and_takes_todays_texts(db, tmp_path):
    with db.begin(SYSTEM) as s:
        _, people = _office(s)
        r4 = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 4))
        round_report.save_section(s, r4.id, "Analys", "Första versionen.")
        publication.publish(s, 4, today=PUBLISHED_ON)
        first = _pdf(s, tmp_path, "v1", 4, PUBLISHED_ON, lang="en")
    _withdraw(db, people["target"].id)
    with db.begin(SYSTEM) as s:
        round_report.save_section(s, r4.id, "Analys", "Andra versionen, rättad.")
        again = _pdf(s, tmp_path, "v1-again", 4, LATER, lang="en")  # still version 1, as published
        assert publication.publish(s, 4, today=LATER).version == 2
        second = _pdf(s, tmp_path, "v2", 4, LATER, lang="en")
    assert "Första versionen" in again and "Version 1, published" in again
    assert "Andra versionen, rättad" in second and "Version 2, published" in second
    assert figures(first) == figures(again) == figures(second)


# ---------------------------------------------------------------- the command line

def test_cli_report_publish(tmp_path):
    from tests.test_cli import run

    env = {"PEERDESK_DATA_DIR": str(tmp_path / "home"), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "admin", "PEERDESK_PASSWORD": "demo"}
    assert run(env, "demo").returncode == 0
    evaluator = {**env, "PEERDESK_USER": "evaluator"}
    denied = run({**env, "PEERDESK_USER": "coordinator"}, "report", "publish", "3")
    assert denied.returncode == 1 and "not allowed" in denied.stderr
    draft = tmp_path / "draft.pdf"
    assert run(evaluator, "report", "round", "3", "-o", str(draft), "--lang", "en").returncode == 0
    assert "DRAFT" in pdf_pages(draft)[0] and "Draft" in PdfReader(str(draft)).metadata["/Subject"]
    first = run(evaluator, "report", "publish", "3")
    assert first.returncode == 0, first.stderr
    assert "published as version 1" in first.stdout and "frozen" in first.stdout
    second = run(env, "report", "publish", "3")  # the administrator may too
    assert second.returncode == 0 and "version 2" in second.stdout
    missing = run(evaluator, "report", "publish", "9")
    assert missing.returncode == 1 and "no round 9" in missing.stderr
    out = tmp_path / "published.pdf"
    assert run(evaluator, "report", "round", "3", "-o", str(out), "--lang", "en").returncode == 0
    pages = pdf_pages(out)
    assert "Version 2, published" in pages[0] and not any("DRAFT" in p for p in pages)
    meta = PdfReader(str(out)).metadata
    assert "status=published; version=2" in meta["/Keywords"] and "produced=" in meta["/Keywords"]
    assert "Version 2, published" in meta["/Subject"]
    assert sorted(figures("\n".join(pages))) == sorted(figures("\n".join(pdf_pages(draft))))  # nothing changed: the same figures


# ---------------------------------------------------------------- the property: nothing published ever changes

def _published_columns(frozen: dict, lang: str = "sv") -> dict:
    """(instrument, group, round) -> {item: (hidden, n, sum)} of every column any publication printed in its first table."""
    out: dict = {}
    for fr in frozen.values():
        for ins in fr.report(lang).instruments:
            grid = ins.grids[0]
            for ci, col in enumerate(grid.columns):
                values = {number: (c.hidden, c.n, c.total) for (number, k), c in grid.cells.items() if k == ci}
                values["overall"] = (grid.overall[ci].hidden, grid.overall[ci].n, grid.overall[ci].total)
                key = (ins.code, col.group, col.round_number)
                assert out.setdefault(key, values) == values  # two publications never print one column differently
    return out


person = st.tuples(st.sampled_from(["staff", "peer_supporter"]), st.integers(0, 2),
                   st.sets(st.integers(1, 3), min_size=1), st.integers(1, 5), st.booleans())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people=st.lists(person, min_size=6, max_size=24),
       published=st.lists(st.integers(1, 3), min_size=1, max_size=3, unique=True),
       gone=st.sets(st.integers(0, 23)))
def test_no_published_figure_changes_after_withdrawals_and_expiries(db, people, published, gone):
    """Random small offices; publish some rounds in any order; then withdraw random consents (and let the
    consents marked expiring run out): every later report of every round prints each published column
    exactly as published, and a published round regenerates exactly."""
    s = db.session(SYSTEM)
    try:
        study = f.study(s)
        rounds = {n: f.round_(s, number=n, study_id=study.id) for n in (1, 2, 3)}
        dreem = f.instrument(s, "DREEM-OK")
        wards = [f.workplace(s, f"Avd {i}") for i in range(3)]
        made = []
        for i, (role, ward, answered, value, expiring) in enumerate(people):
            c = _consent(s, study.id, f"x{i}", role, valid_until=EXPIRES.isoformat() if expiring else "2027-12-31")
            made.append(c)
            for rnum in sorted(answered):
                evaluation.record_response(s, rounds[rnum].id, dreem.id, f"x{i}-{rnum}", role,
                                           {it.number: min(5, value + it.number % 2) for it in dreem.items},
                                           workplace_id=wards[ward].id if role == "staff" else None, consent_id=c.id)
        for rnum in published:
            publication.publish(s, rnum, today=PUBLISHED_ON)
        frozen = publication.frozen_rounds(s)
        expected = _published_columns(frozen)
        for i in sorted(gone):
            if i < len(made):
                consents.withdraw(s, made[i].id, made[i].version, "2026-08-01", None)
        for n in (1, 2, 3):
            data = round_report.gather(s, n, lang="sv", today=LATER, seed=3)
            if n in frozen:  # a published round regenerates exactly
                assert publication.dump(data) == frozen[n].data["sv"] and data.published == (1, frozen[n].published_at)
            for ins in data.instruments:
                grid = ins.grids[0]
                for ci, col in enumerate(grid.columns):
                    key = (ins.code, col.group, col.round_number)
                    if key in expected:
                        values = {number: (c.hidden, c.n, c.total) for (number, k), c in grid.cells.items() if k == ci}
                        values["overall"] = (grid.overall[ci].hidden, grid.overall[ci].n, grid.overall[ci].total)
                        assert values == expected[key], key
                    else:  # a column nobody published: never of a round some publication printed
                        assert not any(k[0] == ins.code and k[2] == col.round_number for k in expected), key
                shown = {c.round_number for c in grid.columns}
                for code, group, r in expected:  # every published column of a round shown is there
                    if code == ins.code and r in shown:
                        assert (group, r) in {(c.group, c.round_number) for c in grid.columns}
    finally:
        s.rollback()
        s.close()


def test_a_draft_of_a_round_published_beside_a_later_one_never_contradicts_it(db):
    """Round 5 is published first, showing round 4's columns; a draft of round 4 made after a withdrawal
    shows those columns as published, and leaves out its staff-group table, whose total would differ."""
    with db.begin(SYSTEM) as s:
        _, people = _office(s)
        assert len(round_report.gather(s, 4, today=PUBLISHED_ON, seed=1).instruments[0].grids) == 2
        publication.publish(s, 5, today=PUBLISHED_ON)
        published = publication.frozen_rounds(s)[5].report("sv").instruments[0].grids[0]
    _withdraw(db, people["target"].id)
    with db.begin(SYSTEM) as s:
        draft = round_report.gather(s, 4, today=LATER, seed=1)
    grid = draft.instruments[0].grids
    assert len(grid) == 1 and draft.published is None and draft.frozen_rounds == [4]
    shown = {(c.group, c.round_number): grid[0].cells[(1, ci)] for ci, c in enumerate(grid[0].columns)}
    expected = {(c.group, c.round_number): published.cells[(1, ci)] for ci, c in enumerate(published.columns) if c.round_number == 4}
    assert shown == expected and shown[("Personal", 4)].n == 11
