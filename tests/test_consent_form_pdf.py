"""What a person reads on the printed consent forms (read back with pypdf): the rights paragraph
once per form, pages numbered per form with the form number on each, the pre-filled name; and the
pre-filled form reachable by name, not by numeric id, on the command line."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from peerdesk import models as m
from peerdesk.errors import NotFoundError, ValidationError
from peerdesk.i18n import t
from peerdesk.services import consent_forms as cf
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM, Actor
from tests import factories as f


def _setup(db):
    with db.begin(SYSTEM) as s:
        u = f.user(s, "admin1", (m.Role.ADMINISTRATOR,))
        admin = Actor(u.id, u.username, frozenset({m.Role.ADMINISTRATOR}))
        st = f.study(s, name="Utvärdering av peer support 2025–2027")
        # The demo office's template, as an office starting from the demo has it.
        st.consent_text_sv, st.consent_text_en = demo.CONSENT_TEXT_SV, demo.CONSENT_TEXT_EN
        ward = f.workplace(s, name="Avdelning 21, psykosvård")
        peer = f.peer(s, first="Åsa", last="Öberg")
        mgr = f.manager(s, name="Maj Chefsdotter")
        return admin, st.id, ward.id, peer.id, mgr.id


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_each_blank_form_prints_the_rights_paragraph_once_and_numbers_its_own_page(sqlite_db, tmp_path, lang):
    admin, study_id, ward_id, _p, _m = _setup(sqlite_db)
    out = tmp_path / "forms.pdf"
    with sqlite_db.begin(admin) as s:
        result = cf.print_blank_forms(s, study_id, ward_id, 10, out, lang=lang)
    pages = PdfReader(out).pages
    assert len(pages) == 10
    rights = _flat(t("pdf.consent.rights", lang))
    extract = "registerutdrag" if lang == "sv" else "register extract"
    withdraw = "återkalla" if lang == "sv" else "withdraw"
    for number, page in zip(result.form_numbers, pages):
        text = _flat(page.extract_text())
        assert text.count(rights) == 1
        # The promise of a register extract is made once, not once by the template and again by the form.
        assert text.count(extract) == 1, text
        assert text.lower().count(withdraw) == 2  # the rights paragraph and the signer's declaration
        # Every one-page form is page 1 of 1, with its own number on the page.
        assert re.findall(r"(?:Sida|Page) (\d+) (?:av|of) (\d+)", text) == [("1", "1")]
        assert text.count(number) >= 2  # under the QR code and in the footer


def test_a_template_that_carries_the_rights_paragraph_does_not_print_it_twice(sqlite_db, tmp_path):
    admin, study_id, _w, _p, _m = _setup(sqlite_db)
    with sqlite_db.begin(SYSTEM) as s:
        s.get(m.Study, study_id).consent_text_sv = "Studiens egen information.\n\n" + t("pdf.consent.rights", "sv")
    with sqlite_db.begin(admin) as s:
        cf.preview_template(s, study_id, tmp_path / "p.pdf", lang="sv")
    text = _flat(PdfReader(tmp_path / "p.pdf").pages[0].extract_text())
    assert "Studiens egen information." in text and text.count(_flat(t("pdf.consent.rights", "sv"))) == 1


@pytest.mark.parametrize("kind", ["peer_supporter", "manager", "staff"])
def test_a_prefilled_form_prints_the_chosen_persons_name_once(sqlite_db, tmp_path, kind):
    admin, study_id, _w, peer_id, mgr_id = _setup(sqlite_db)
    with sqlite_db.begin(SYSTEM) as s:
        s.add(m.Consent(study_id=study_id, informant_role=m.InformantRole.STAFF, informant_name="Sture Sköterska"))
    with sqlite_db.begin(admin) as s:
        choices = cf.informant_choices(s)
        assert [(c.kind, c.name) for c in choices] == [("manager", "Maj Chefsdotter"), ("staff", "Sture Sköterska"),
                                                       ("peer_supporter", "Åsa Öberg")]
        who = next(c for c in choices if c.kind == kind)
        result = cf.print_prefilled_form(s, study_id, tmp_path / "one.pdf", lang="sv", **who.print_args())
        form = s.query(m.ConsentForm).one()
        assert form.informant_role.value == kind
    (page,) = PdfReader(tmp_path / "one.pdf").pages
    text = _flat(page.extract_text())
    assert text.count(who.name) == 1 and result.form_numbers[0] in text and "Sida 1 av 1" in text


def test_find_informant_by_part_of_a_name(sqlite_db):
    admin, *_ = _setup(sqlite_db)
    with sqlite_db.begin(admin) as s:
        choices = cf.informant_choices(s)
    assert cf.find_informant(choices, "åsa  öberg").name == "Åsa Öberg"
    assert cf.find_informant(choices, "chefs").kind == "manager"
    with pytest.raises(ValidationError):
        cf.find_informant(choices, "e")  # in every name: ambiguous, say so
    with pytest.raises(NotFoundError):
        cf.find_informant(choices, "Nobody")


def test_cli_prints_a_prefilled_form_by_name_and_keeps_the_numeric_flags(sqlite_db, tmp_path, monkeypatch, capsys):
    from peerdesk import cli

    admin, study_id, _w, peer_id, _m = _setup(sqlite_db)
    monkeypatch.setattr(cli, "_open", lambda allow_upgrade=False: type("Opened", (), {"db": sqlite_db})())
    monkeypatch.setattr(cli, "_login", lambda db, args: admin)
    out = tmp_path / "by-name.pdf"
    assert cli.main(["consent", "print", "--study", str(study_id), "--person", "Åsa Öberg", "--lang", "sv", "-o", str(out)]) == 0
    assert "Åsa Öberg" in _flat(PdfReader(out).pages[0].extract_text())
    out2 = tmp_path / "by-id.pdf"
    assert cli.main(["consent", "print", "--study", str(study_id), "--person", str(peer_id), "--lang", "sv", "-o", str(out2)]) == 0
    assert "Åsa Öberg" in _flat(PdfReader(out2).pages[0].extract_text())
    capsys.readouterr()
    # No match: a clear message and the way to list who can be chosen; nothing printed.
    assert cli.main(["consent", "print", "--study", str(study_id), "--person", "Nobody", "-o", str(tmp_path / "x.pdf")]) != 0
    err = capsys.readouterr().err
    assert "consent informants" in err and not (tmp_path / "x.pdf").exists()
    assert cli.main(["consent", "informants"]) == 0
    listed = capsys.readouterr().out
    assert "Åsa Öberg" in listed and "Maj Chefsdotter" in listed
