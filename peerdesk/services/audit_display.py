"""The audit trail in words: stored codes translated for display, times in local time.

The trail stores codes ("update", "supervision_participant", '["held_on"]') and UTC times, and its
hash chain is computed over exactly those, so they never change. A person reads them through here:
"Ändrad", "Deltagare i handledning", "Datum", "2026-03-01 14:05:07". A code without a translation
(one written by a newer version, say) is shown as it is rather than hidden.
"""

from __future__ import annotations

import json

from peerdesk.i18n import catalogue, format_timestamp, language, t

CHANGES = ("create", "update", "delete")  # written by the flush listener; the rest by audit.record()
_ACTION = "ui.audit.action."


def _known(msgid: str, lang: str) -> bool:
    return msgid in catalogue(lang) or msgid in catalogue("en")


def _label(msgid: str, fallback: str, lang: str) -> str:
    return t(msgid, lang) if _known(msgid, lang) else fallback


def actions() -> list[str]:
    """Every action code with a translation, for a filter: the catalogue is the list."""
    return sorted(k[len(_ACTION):] for k in catalogue("en") if k.startswith(_ACTION) and k != _ACTION + "all")


def action_text(code: str | None, lang: str | None = None) -> str:
    return _label(f"{_ACTION}{code}", code or "", lang or language())


def table_text(table: str | None, lang: str | None = None) -> str:
    return _label(f"extract.table.{table}", table or "", lang or language()) if table else ""


def field_text(name: str, lang: str | None = None) -> str:
    return _label(f"field.{name}", name, lang or language())


def _detail_value(key: str, value, lang: str) -> str:
    if key == "fields" and isinstance(value, list):
        return ", ".join(field_text(str(v), lang) for v in value)
    if key == "person_table":
        return table_text(str(value), lang)
    if key in ("from", "to") and isinstance(value, str) and _known(f"ui.value.{value}", lang):
        return t(f"ui.value.{value}", lang)  # a status changed from one code to another (a transcript's)
    if key == "kind" and isinstance(value, str):
        for msgid in (f"kind.{value}", f"extract.table.{value}", f"{_ACTION}{value}"):
            if _known(msgid, lang):
                return t(msgid, lang)
    return str(value)


def fields_text(stored: str | None, lang: str | None = None) -> str:
    """The fields column: a changed-field list ('["held_on"]' → "Datum"), or an event's detail
    ('{"rows": 3}' → "Rader: 3"). Anything else is shown as stored."""
    if not stored:
        return ""
    lang = lang or language()
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    if isinstance(value, list):
        return ", ".join(field_text(str(v), lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(f'audit.detail.{k}', k, lang)}: {_detail_value(k, v, lang)}" for k, v in value.items())
    return stored


def display_row(row: dict, lang: str | None = None) -> dict:
    """An entry from audit.browse() as a person reads it: same keys, translated values, local time to the second."""
    lang = lang or language()
    return {**row, "at": format_timestamp(row["at"], lang), "action": action_text(row["action"], lang),
            "table_name": table_text(row["table_name"], lang), "fields": fields_text(row["fields"], lang)}
