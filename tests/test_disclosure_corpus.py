"""The disclosure check on a corpus of hand-written interview quotes and report prose in Swedish and
English (tests/disclosure_corpus/corpus.json; not the demo's sentences): about half identify a person
or a place in one of the ways issue 16 lists, half are harmless and full of words that contain or
resemble the register's names. A text counts as flagged when the check finds anything in it.
Precision and recall must both be at least 0.98; `pytest -s` prints them."""

from __future__ import annotations

import json
from pathlib import Path

from peerdesk import models as m
from peerdesk.services import accounts, disclosure, settings
from peerdesk.services.access import SYSTEM
from peerdesk.services.records import create
from tests import factories as f

CORPUS = json.loads((Path(__file__).parent / "disclosure_corpus" / "corpus.json").read_text(encoding="utf-8"))


# Which kinds of finding each attack must produce: a text flagged for another reason does not count.
PERSON = {"name", "workplace"}
EXPECTED_KINDS = {
    "name": PERSON, "compound": PERSON, "hyphen": PERSON, "diacritics": PERSON, "invisible": PERSON | {"pronoun"},
    "fullwidth": PERSON, "short_name": PERSON, "multiword": PERSON, "staff_informant": PERSON, "manager": PERSON,
    "user": PERSON, "contact": PERSON, "ward": {"ward"}, "organisation": {"organisation", "workplace"},
    "workplace": {"workplace", "organisation"}, "marked": {"marked"}, "pronoun_sv": {"pronoun"}, "pronoun_en": {"pronoun"},
    "pin": {"pin"}, "phone": {"phone"}, "email": {"email"},
}


def make_register(s, reg: dict) -> None:
    for first, last in reg["peer_supporters"]:
        f.peer(s, first, last)
    for name in reg["managers"]:
        f.manager(s, name)
    for i, name in enumerate(reg["users"]):
        accounts.create_user(s, f"corpus{i}", name, "long-enough-pw", [m.Role.EVALUATOR])
    study = f.study(s)
    for name in reg["staff_informants"]:
        create(s, m.Consent, study_id=study.id, informant_role="staff", informant_name=name, signed_on="2025-01-10")
    for w in reg["workplaces"]:
        create(s, m.Workplace, kind=m.WorkplaceKind.INPATIENT, **w)
    settings.set_setting(s, "quotes.marked_terms", reg["marked_terms"])


def test_corpus_is_large_balanced_and_covers_every_attack():
    texts = CORPUS["texts"]
    positives = [t for t in texts if t["identifying"]]
    assert len(texts) >= 150 and 0.4 <= len(positives) / len(texts) <= 0.6
    attacks = {t["attack"] for t in positives}
    assert {"compound", "hyphen", "diacritics", "invisible", "short_name", "ward", "organisation", "staff_informant",
            "marked", "pronoun_en", "pin", "phone", "email", "manager", "workplace"} <= attacks
    assert {"sv", "en"} == {t["lang"] for t in texts}


def test_precision_and_recall_on_the_corpus(db):
    with db.begin(SYSTEM) as s:
        make_register(s, CORPUS["register"])
        results = [(t, disclosure.check_text(s, t["text"], t["lang"])) for t in CORPUS["texts"]]
    def caught(t, found):  # flagged, and for the reason the text was written to test
        return bool(found) and not t["identifying"] or bool({x.kind for x in found} & EXPECTED_KINDS[t["attack"]])

    tp = sum(1 for t, found in results if t["identifying"] and caught(t, found))
    fp = [(t["text"], found) for t, found in results if not t["identifying"] and found]
    fn = [(t["text"], found) for t, found in results if t["identifying"] and not caught(t, found)]
    precision = tp / (tp + len(fp)) if tp + len(fp) else 0.0
    recall = tp / (tp + len(fn)) if tp + len(fn) else 0.0
    print(f"\ndisclosure corpus: {len(results)} texts, precision {precision:.3f}, recall {recall:.3f}"
          f" (true positives {tp}, false positives {len(fp)}, missed {len(fn)})")
    for text, found in fp:
        print("  false positive:", text, found)
    for text, found in fn:
        print("  missed:", text, found)
    assert precision >= 0.98 and recall >= 0.98
