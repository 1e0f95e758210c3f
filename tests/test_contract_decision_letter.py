"""The contract decision letter, read back from the PDF in Swedish and English: the continuation with the
new period and extent, or the end date with the LAS facts and the person's rights; the office's details
from the settings; and no other person's name."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from peerdesk.i18n import format_date
from peerdesk.models import Role
from peerdesk.reports.contract_decision_letter import build_contract_decision_letter
from peerdesk.services import contract_decisions as cd
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.services.records import create
from peerdesk.services.settings import set_setting
from peerdesk import models as m
from tests import factories as f

D = dt.date
T0 = D(2026, 3, 2)
day = lambda n: T0 + dt.timedelta(days=n)  # noqa: E731


def text_of(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(path)).pages)


@pytest.fixture
def office(db):
    with db.begin(SYSTEM) as s:
        admin = f.user(s, "admin1", (Role.ADMINISTRATOR,))
        set_setting(s, "office.name", "Föreningen Brukarkraft")
        set_setting(s, "office.address", "Storgatan 1, 411 01 Göteborg")
        mats, other = f.peer(s, "Mats", "Engström"), f.peer(s, "Noor", "Aziz")
        ids = {}
        for peer, start in ((mats, day(-400)), (other, day(-100))):
            ids[peer.first_name] = create(s, m.ContractPeriod, peer_supporter_id=peer.id, employer="Föreningen Brukarkraft",
                                          form="fixed_term", start_date=start, end_date=day(40), extent_percent=50).id
    return Actor(admin.id, "admin1", frozenset({Role.ADMINISTRATOR})), ids


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_end_letter_states_the_end_and_the_las_facts(db, office, tmp_path, lang):
    admin, ids = office
    with db.begin(admin) as s:
        cd.record_decision(s, ids["Mats"], "ends", today=T0)
        data = cd.letter_data(s, ids["Mats"], today=T0)
    path = tmp_path / f"end-{lang}.pdf"
    assert build_contract_decision_letter(data, path, lang) == 1
    text = text_of(path)
    assert "Mats Engström" in text and "Noor" not in text and "Aziz" not in text
    assert "Föreningen Brukarkraft" in text and "Storgatan 1" in text
    if lang == "sv":
        assert "Din anställning upphör" in text and "2026-04-11" in text
        assert "441 dagar under de senaste 5 åren" in text  # 400 + 40 + 1 days, all fixed-term
        assert "Du har företrädesrätt till återanställning" in text and "senast 2026-03-11" in text
    else:
        assert "Your employment ends" in text and "11 Apr 2026" in text
        assert "441 days in total within the last 5 years" in text
        assert "You have a preferential right to re-employment" in text and "by 11 Mar 2026" in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_continuation_letter_gives_the_new_period_and_extent(db, office, tmp_path, lang):
    admin, ids = office
    with db.begin(admin) as s:
        cd.record_decision(s, ids["Noor"], "continues", end_date=day(200), extent_percent=75, today=T0)
        data = cd.letter_data(s, ids["Noor"], today=T0)
    path = tmp_path / f"cont-{lang}.pdf"
    build_contract_decision_letter(data, path, lang)
    text = text_of(path)
    assert "Noor Aziz" in text and "Mats" not in text and "Engström" not in text
    if lang == "sv":
        assert "Din anställning fortsätter" in text
        assert "2026-04-12 – 2026-09-18, 75 % av heltid" in text
        assert "företrädesrätt" not in text.lower()  # the LAS facts are for an end
    else:
        assert "Your employment continues" in text
        assert f"12 Apr 2026 – {format_date(day(200), 'en')}, 75% of full time" in text


def test_no_letter_without_a_decision(db, office):
    from peerdesk.errors import ValidationError

    admin, ids = office
    with db.session(admin) as s, pytest.raises(ValidationError):
        cd.letter_data(s, ids["Mats"])
