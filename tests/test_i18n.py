"""Every user-visible text exists in Swedish and English."""

from __future__ import annotations

import re
import string
from pathlib import Path

from peerdesk.i18n import catalogue, t

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"""["']((?:error|cli|ui|kind|field|app|pdf|role|extract)\.[a-z0-9_.]+[a-z0-9_])["']""")
FIELD = re.compile(r"""field=["']([a-z_]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    sv, en = catalogue("sv"), catalogue("en")
    assert sv.keys() == en.keys()
    for key in sv:
        assert sv[key].strip() and en[key].strip(), key
        assert _placeholders(sv[key]) == _placeholders(en[key]), key


def test_every_key_used_in_the_code_exists():
    used, fields = set(), set()
    for path in (ROOT / "peerdesk").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        used |= {k for k in KEY.findall(source) if not k.endswith(".")}
        fields |= set(FIELD.findall(source))
    sv = catalogue("sv")
    missing = sorted(k for k in used if k not in sv)
    assert not missing, missing
    missing_fields = sorted(f for f in fields if f"field.{f}" not in sv)
    assert not missing_fields, missing_fields


def test_swedish_texts_are_swedish():
    assert t("error.required", lang="sv", field="Namn") == "Namn måste fyllas i."
    assert t("error.required", lang="en", field="Name") == "Name is required."
