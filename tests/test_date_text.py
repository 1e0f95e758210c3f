"""The one date reader behind every date field and the import (no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.errors import ValidationError
from peerdesk.services import validation
from peerdesk.services.validation import parse_date


@pytest.mark.parametrize("text", ["2026-11-28", "20261128", "28/11/2026", "28.11.2026", " 2026-11-28 ", "2026-11-28 00:00:00"])
def test_the_forms_people_type_are_read_exactly(text):
    assert validation.date_from_text(text) == dt.date(2026, 11, 28)
    assert parse_date(text, "held_on") == dt.date(2026, 11, 28)


@pytest.mark.parametrize("text", ["2026-11-31", "31/02/2026", "11/28/2026", "28-11-2026", "next friday", "2026-W48"])
def test_anything_else_is_refused_never_guessed(text):
    with pytest.raises(ValueError):
        validation.date_from_text(text)
    with pytest.raises(ValidationError) as info:
        parse_date(text, "held_on")
    assert info.value.key == "error.invalid_date" and info.value.field == "held_on"


def test_empty_is_none_or_required():
    assert validation.date_from_text("  ") is None and parse_date("", "left_on", required=False) is None
    with pytest.raises(ValidationError) as info:
        parse_date("", "held_on")
    assert info.value.key == "error.required"
