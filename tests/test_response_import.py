"""Importing questionnaire answers: preview with row numbers, all-or-nothing commit."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from peerdesk import models as m
from peerdesk.errors import ValidationError
from peerdesk.services import response_import
from peerdesk.services.access import SYSTEM
from tests import factories as f


def _setup(db):
    with db.begin(SYSTEM) as s:
        r, ins, ward = f.round_(s), f.instrument(s, "DREEM-OK"), f.workplace(s, name="Avdelning Ö")
        return r.id, ins.id


def _count(db):
    with db.session(SYSTEM) as s:
        return s.scalar(select(func.count()).select_from(m.QuestionnaireResponse))


def test_swedish_semicolon_csv_in_windows_1252_with_errors_then_fixed(db, tmp_path):
    rid, iid = _setup(db)
    bad = tmp_path / "svar.csv"
    bad.write_bytes(
        ("respondent_code;roll;arbetsplats;1;2;3\n"
         "R1;personal;Avdelning Ö;1;2;\n"
         "R2;personal;Okänd avdelning;1;2;3\n"
         "R3;personal;;9;2;3\n"
         "R1;personal;;1;1;1\n"
         "R4;astronaut;;1;1;1\n").encode("cp1252"))
    rows = response_import.read_table(bad)
    with db.begin(SYSTEM) as s:
        preview = response_import.preview(s, rid, iid, rows)
    assert [p.row for p in preview.problems] == [3, 4, 5, 6]
    messages = [p.message for p in preview.problems]
    assert "Workplace" in messages[0] and "between 1 and 5" in messages[1] and "already registered" in messages[2]
    assert _count(db) == 0  # the preview wrote nothing
    with pytest.raises(ValidationError) as info:
        with db.begin(SYSTEM) as s:
            response_import.commit(s, rid, iid, rows)
    assert "row 3" in info.value.message and _count(db) == 0  # all or nothing
    good = [rows[0], {**rows[2], "1": "3"}]
    with db.begin(SYSTEM) as s:
        assert response_import.commit(s, rid, iid, good) == 2
    assert _count(db) == 2


def test_xlsx_import(db, tmp_path):
    rid, iid = _setup(db)
    wb = Workbook()
    ws = wb.active
    ws.append(["Respondent_code", "Role", "item_1", "item_2"])
    ws.append(["X1", "peer supporter", 2, 3])
    ws.append(["X2", "staff", 4, None])
    path = tmp_path / "svar.xlsx"
    wb.save(path)
    rows = response_import.read_table(path)
    with db.begin(SYSTEM) as s:
        assert response_import.preview(s, rid, iid, rows).ok
        assert response_import.commit(s, rid, iid, rows) == 2
    with db.session(SYSTEM) as s:
        values = sorted(v for v in s.scalars(select(m.Answer.value)) if v is not None)
    assert values == [2, 3, 4]
