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
        sv_forms = sv[key] if isinstance(sv[key], dict) else {"other": sv[key]}
        en_forms = en[key] if isinstance(en[key], dict) else {"other": en[key]}
        assert "other" in sv_forms and "other" in en_forms, key
        placeholders = {p for text in [*sv_forms.values(), *en_forms.values()] for p in _placeholders(text)}
        for text in [*sv_forms.values(), *en_forms.values()]:
            assert text.strip(), key
            assert _placeholders(text) <= placeholders, key
        assert _placeholders(sv_forms["other"]) == _placeholders(en_forms["other"]), key


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
    assert t("error.required", "sv", field="Namn") == "Namn måste fyllas i."
    assert t("error.required", "en", field="Name") == "Name is required."


def test_a_placeholder_may_share_a_name_with_t_s_own_parameters(monkeypatch):
    """The first start crashed: "ui.recovery.text" has a {key} placeholder, t()'s first parameter was `key`."""
    from peerdesk import i18n

    monkeypatch.setitem(i18n.catalogue("en"), "test.collide", "{key} {lang} {msgid} {n}")
    assert t("test.collide", "en", key="K", lang="L", msgid="M", n=1) == "K L M 1"
    assert t("ui.recovery.text", "en", key="ABCD-EFGH").count("ABCD-EFGH") == 1


def test_no_call_passes_the_language_as_a_keyword():
    """t()'s language is positional-only: `t(id, lang=…)` would be taken for a placeholder named lang."""
    import ast

    offenders = []
    for path in [*(ROOT / "peerdesk").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        if path.name == "test_i18n.py":  # its collision test passes lang= on purpose
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("t", "tr"):
                if any(k.arg == "lang" for k in node.keywords):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders


def test_plural_forms_follow_each_language_s_rules(monkeypatch):
    from peerdesk import i18n

    monkeypatch.setitem(i18n.catalogue("sv"), "test.hits", {"one": "{n} träff", "other": "{n} träffar"})
    monkeypatch.setitem(i18n.catalogue("en"), "test.hits", {"one": "{n} hit", "other": "{n} hits"})
    assert [t("test.hits", "sv", n=n) for n in (0, 1, 2, 21)] == ["0 träffar", "1 träff", "2 träffar", "21 träffar"]
    assert [t("test.hits", "en", n=n) for n in (0, 1, 2)] == ["0 hits", "1 hit", "2 hits"]
