"""The disclosure check, attack by attack (issue 16, attacks 2 and 3): each text below got through
the old check (264a767) or was blocked by it although harmless. Then the places it runs: approving
a quote, saving a section or a theme, making a round report (the CLI and the service), and
`peerdesk quote check`."""

from __future__ import annotations

import json

import pytest

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import accounts, disclosure, records, round_report, settings
from peerdesk.services.access import SYSTEM
from tests import factories as f
from tests.test_cli import run


def office(s) -> m.EvaluationRound:
    """A small register: people, a manager, a user, a staff informant by name, wards, marked terms."""
    for first, last in (("Åsa", "Öberg"), ("Lena", "Nilsson"), ("Bo", "Nyqvist"), ("Li", "Chen"), ("Anna Maria", "Sundqvist")):
        f.peer(s, first, last)
    f.manager(s, "Göran Hellström")
    accounts.create_user(s, "handl", "Handledare Demo", "long-enough-pw", [m.Role.SUPERVISOR])
    study = f.study(s)
    records.create(s, m.Consent, study_id=study.id, informant_role="staff", informant_name="Petra Lundin", signed_on="2025-01-10")
    for name, org, specialty in (("Avdelning 33, rättspsykiatri", "Rättspsykiatriska kliniken, Region Väst", "rättspsykiatri"),
                                 ("Avdelning 21, psykosvård", "Psykiatri Centrum, Region Väst", "psykos"),
                                 ("Bostad Först Norrby", "Socialförvaltningen Älvstaden", "Bostad först"),
                                 ("Avdelning 7, beroendevård", "Beroendekliniken, Region Väst", "beroende")):
        records.create(s, m.Workplace, name=name, organisation=org, kind=m.WorkplaceKind.INPATIENT, specialty=specialty)
    settings.set_setting(s, "quotes.marked_terms", ["Röda huset", "Sjö-stugan"])
    return f.round_(s, number=1, study_id=study.id)


IDENTIFYING = [
    # (attack, text, the words reported, kind)
    ("hyphenated name", "Lena-gänget tog emot mig väl.", "Lena-gänget", "name"),
    ("name first in a compound", "Åsagruppen träffades på torsdagar.", "Åsagruppen", "name"),
    ("name without å/ä/ö", "Oberg sa att det var okej.", "Oberg", "name"),
    ("name without å/ä/ö", "Hellstrom var chef då.", "Hellstrom", "name"),
    ("soft hyphen inside a name", "Ö\u00adberg sa att det var okej.", "Öberg", "name"),
    ("zero-width space inside a name", "Le\u200bna kom tillbaka.", "Lena", "name"),
    ("byte-order mark inside a name", "Jag pratade med Pe\ufefftra.", "Petra", "name"),
    ("two-letter name", "Bo visste vad han skulle säga.", "Bo", "name"),
    ("two-letter name", "Det var Li som ringde.", "Li", "name"),
    ("two-letter name in a hyphenated word", "Li-gruppen startade allt.", "Li-gruppen", "name"),
    ("multi-word name", "Anna Maria satt närmast dörren.", "Anna Maria", "name"),
    ("ward number, short form", "Jag låg på avd 33 ett år.", "avd 33", "ward"),
    ("ward number, short form with a dot", "På avd. 21 var det trångt.", "avd. 21", "ward"),
    ("ward number, the ward's own name", "Avdelning 33 är annorlunda.", "Avdelning 33", "ward"),
    ("ward number as 33:an", "33:an var stökig den vintern.", "33:an", "ward"),
    ("ward number as 21:an", "Vi på 21:an vet hur det är.", "21:an", "ward"),
    ("ward number in English", "On ward 33 the nights were long.", "ward 33", "ward"),
    ("ward number in English", "Ward 21 was calmer.", "Ward 21", "ward"),
    ("organisation name", "Beroendekliniken svarade aldrig.", "Beroendekliniken", "organisation"),
    ("organisation name", "Region Halland hade provat det.", "Region Halland", "organisation"),
    ("organisation name", "Alla på Sahlgrenska kände till det.", "Sahlgrenska", "organisation"),
    ("clinic named by a registered specialty", "Psykoskliniken tog emot oss.", "Psykoskliniken", "organisation"),
    ("municipality", "Älvstadens kommun betalade.", "Älvstadens kommun", "organisation"),
    ("municipality", "Vi flyttade till Lerums kommun.", "Lerums kommun", "organisation"),
    ("staff informant registered by name", "Petra trodde inte på det.", "Petra", "name"),
    ("staff informant registered by name", "Lundin höll i introduktionen.", "Lundin", "name"),
    ("multi-word marked term", "Vi satt i röda huset och fikade.", "röda huset", "marked"),
    ("hyphenated marked term", "Sjö-stugan var vår plats.", "Sjö-stugan", "marked"),
    ("hyphenated marked term written as one word", "Sjöstugan var vår plats.", "Sjöstugan", "marked"),
    ("English pronoun", "She knew what it was like.", "She", "pronoun"),
    ("English pronoun", "I asked him to join.", "him", "pronoun"),
    ("English pronoun", "It was his idea.", "his", "pronoun"),
    ("English pronoun", "The notes were kept to herself.", "herself", "pronoun"),
    ("personal identity number", "Patienten 850412-1234 fick en ny kontakt.", "850412-1234", "pin"),
    ("personal identity number, twelve digits", "Det stod 198504121234 på lappen.", "198504121234", "pin"),
    ("phone number", "Ring mig på 070-123 45 67.", "070-123 45 67", "phone"),
    ("phone number", "Numret är +46 70 123 45 67.", "+46 70 123 45 67", "phone"),
    ("phone number", "Kansliet har 08-123 456 78.", "08-123 456 78", "phone"),
    ("e-mail address", "Skriv till lena.nilsson@example.se.", "lena.nilsson@example.se", "email"),
]


@pytest.mark.parametrize("attack,text,term,kind", IDENTIFYING, ids=[f"{a}: {text[:30]}" for a, text, _w, _k in IDENTIFYING])
def test_each_attack_is_caught_and_the_words_are_reported_as_written(sqlite_db, attack, text, term, kind):
    with sqlite_db.begin(SYSTEM) as s:
        office(s)
        findings = disclosure.check_quote(s, text)
    assert (term, kind) in {(x.term, x.kind) for x in findings}, findings


HARMLESS = [
    "Först var det svårt att veta vad jag fick göra.",  # "Först" of "Bostad Först Norrby"
    "Psykosvården har förändrats mycket.",  # "psykosvård" of "Avdelning 21, psykosvård"
    "Handledaren hjälpte mig att sätta ord på det.",  # the user "Handledare Demo"
    "Annars hade jag aldrig vågat. Det var en annan sorts samtal.",  # Anna
    "Jag vill kunna bo kvar i min lägenhet.",  # Bo, lower-case
    "Det är lika viktigt att lyssna som att prata.",  # Li
    "Kliniken och avdelningen hade olika rutiner för rättspsykiatrin.",
    "Vi träffades 3 gånger, vecka 21, och det fanns 33 platser.",
    "Intervjun gjordes 2024-05-12 klockan 08.30.",
    "Hen visste precis hur det var. Det var hens idé.",
    "They knew what it was like; it was their idea.",
    "The history of the ward is not a happy one.",
    "Vår kommun har inte haft peer support tidigare.",
    "Akutmottagningen var full och beroendevården hade kö.",
]


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_words_pass(sqlite_db, text):
    with sqlite_db.begin(SYSTEM) as s:
        office(s)
        assert disclosure.check_quote(s, text) == []


def test_pronouns_get_neutral_suggestions_in_both_languages(sqlite_db):
    with sqlite_db.begin(SYSTEM) as s:
        found = disclosure.check_text(s, "Hon sa till honom: he said it was hers.", "en")
    assert [(x.term, x.suggestion) for x in found] == [("Hon", "hen"), ("honom", "henom"), ("he", "they"), ("hers", "theirs")]


def test_normalisation_folds_case_diacritics_and_invisible_characters():
    assert disclosure.fold("Ö\u00adBERG\u200b") == "oberg"
    assert disclosure.fold("Ｌｅｎａ") == "lena"  # full-width letters (NFKC)
    assert disclosure.fold("A\u0308lvstaden") == "alvstaden"  # a combining diaeresis


def test_a_quote_with_a_name_in_a_compound_cannot_be_approved(db):
    with db.begin(SYSTEM) as s:
        r = office(s)
        q = records.create(s, m.Quote, round_id=r.id, informant_role="staff", text="Åsagruppen blev viktig för oss.")
        qid, v = q.id, q.version
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            records.update(s, m.Quote, qid, v, status="approved")
    assert info.value.key == "error.quote_flagged" and "Åsa" not in info.value.message


def test_a_section_or_theme_that_names_someone_is_not_saved(db):
    with db.begin(SYSTEM) as s:
        r = office(s)
        rid = r.id
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            round_report.save_section(s, rid, "Metod", "Intervjuerna gjordes på avd 33 med Göran Hellström, 070-123 45 67.")
    assert info.value.key == "error.section_flagged" and "Göran" not in info.value.message and "070" not in info.value.message
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            from peerdesk.services import evaluation

            evaluation.add_theme(s, "Lena-gängets arbetssätt")
    assert info.value.key == "error.theme_flagged"
    with db.begin(SYSTEM) as s:
        round_report.save_section(s, rid, "Metod", "Intervjuerna gjordes på avdelningarna under våren.")


def _round_with_quotes(s):
    """A round with three staff informants and an approved quote, a section and a theme, all clean today."""
    r = office(s)
    group = f.interview_with(s, r.id, "group", "staff", f.staff_consents(s, r.study_id, 4))
    theme = records.create(s, m.Theme, name_sv="Samarbete", name_en="Working together")
    quote = records.create(s, m.Quote, round_id=r.id, informant_role="staff", theme_id=theme.id, status="approved",
                           text="Det var Maja som fick oss att förstå rollen.", interview_id=group.id)
    round_report.save_section(s, r.id, "Metod", "Intervjuerna gjordes i grupp.")
    return r, quote, theme


def test_a_report_is_refused_when_a_quote_approved_earlier_names_someone_registered_since(db):
    with db.begin(SYSTEM) as s:
        _r, quote, _theme = _round_with_quotes(s)
        qid = quote.id
        assert round_report.gather(s, 1, lang="en").quotes  # clean today: Maja is nobody in the register
        f.peer(s, "Maja", "Ström")  # registered after the quote was approved
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            round_report.gather(s, 1, lang="en")
    assert info.value.key == "error.report_text_flagged"
    assert f"Quote {qid}" in info.value.message and "Maja" not in info.value.message


def test_a_report_is_refused_for_a_section_or_theme_name_and_names_it(db):
    with db.begin(SYSTEM) as s:
        r, _quote, theme = _round_with_quotes(s)
        # Written before the check ran on them (as in a database from 264a767): straight into the table.
        s.add(m.ReportSection(round_id=r.id, position=5, title="Resultat", body="Göran Hellström på 21:an svarade på 070-123 45 67."))
        s.get(m.Theme, theme.id).name_en = "Region Halland's wards"
        tid = theme.id
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            round_report.gather(s, 1, lang="en")
    assert "The section 'Resultat'" in info.value.message and f"Theme no. {tid}" in info.value.message
    assert "Göran" not in info.value.message and "070" not in info.value.message and "Halland" not in info.value.message
    with db.begin(SYSTEM) as s:
        labels = [x.label for x in disclosure.check_all_report_texts(s, r.id, "sv")]
    assert labels == ["Avsnittet 'Resultat'", f"Tema nr {tid}"]


def test_a_heading_that_is_itself_flagged_is_named_by_its_place(db):
    with db.begin(SYSTEM) as s:
        r, _quote, _theme = _round_with_quotes(s)
        s.add(m.ReportSection(round_id=r.id, position=7, title="Åsas grupp", body="Text."))
        s.flush()
        labels = [x.label for x in disclosure.check_all_report_texts(s, r.id, "en")]
    assert labels == ["Section no. 7"]


# ------------------------------------------------------------------ the command line
@pytest.fixture(scope="module")
def cli_office(tmp_path_factory):
    from tests.test_cli import run as cli

    env = {"PEERDESK_DATA_DIR": str(tmp_path_factory.mktemp("disclosure")), "PEERDESK_DB_PASSPHRASE": "cli test passphrase",
           "PEERDESK_USER": "evaluator", "PEERDESK_PASSWORD": "demo"}
    assert cli({**env, "PEERDESK_USER": "admin"}, "demo").returncode == 0
    return env


def test_quote_check_prints_findings_and_exits_1(cli_office):
    result = run(cli_office, "quote", "check", "Oberg på avd 33 sa att hon ringer 070-123 45 67.")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == ["Oberg – name", "avd 33 – ward number, write instead: avdelningen", "hon – gendered pronoun, write instead: hen",
                     "070-123 45 67 – phone number"]


def test_quote_check_json_and_a_clean_text(cli_office):
    result = run(cli_office, "quote", "check", "--json", "--lang", "en", "Bostad först: He met Åsagruppen.")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["identifying"] is True
    assert [(x["term"], x["kind"], x["suggestion"]) for x in data["findings"]] == [("He", "pronoun", "they"), ("Åsagruppen", "name", None)]
    clean = run(cli_office, "quote", "check", "Först var det svårt, men psykosvården och handledaren hjälpte.")
    assert clean.returncode == 0 and "Nothing that could identify" in clean.stdout
    swedish = run({**cli_office, "PEERDESK_LANG": "sv"}, "quote", "check", "Hen var där.")
    assert swedish.returncode == 0 and "Inget som kan identifiera" in swedish.stdout


def test_quote_check_obeys_the_role(cli_office):
    denied = run({**cli_office, "PEERDESK_USER": "coordinator"}, "quote", "check", "Hen var där.")
    assert denied.returncode == 1 and "not allowed" in denied.stderr


def test_report_round_on_the_command_line_refuses_a_flagged_text(cli_office, tmp_path, monkeypatch):
    from peerdesk.cli import _open

    for key, value in cli_office.items():
        monkeypatch.setenv(key, value)
    db = _open(allow_upgrade=False).db
    try:  # a section written before the check existed (264a767 saved anything): straight into the table
        with db.begin(SYSTEM) as s:
            from sqlalchemy import select

            rnd = s.scalar(select(m.EvaluationRound).where(m.EvaluationRound.number == 3))
            s.add(m.ReportSection(round_id=rnd.id, position=9, title="Diskussion", body="Karin Holm på avd 21 tyckte annorlunda."))
    finally:
        db.dispose()
    out = tmp_path / "round3.pdf"
    result = run(cli_office, "report", "round", "3", "-o", str(out), "--lang", "en")
    assert result.returncode == 1 and not out.exists()
    assert "The section 'Diskussion'" in result.stderr and "Karin" not in result.stderr, result.stderr
