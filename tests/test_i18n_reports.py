"""The PDFs write numbers and dates the reader's way: the Swedish chart reads "2,5", not "2.5"."""

from __future__ import annotations

import re

from peerdesk.reports.round_report import build
from peerdesk.services import round_report
from peerdesk.services.access import SYSTEM
from tests.test_round_report import TODAY, _figure1_office, pdf_text


def _chart_text(db, tmp_path, lang: str) -> str:
    with db.begin(SYSTEM) as s:
        _figure1_office(s)
        data = round_report.gather(s, 3, lang=lang, today=TODAY, seed=1)
    path = tmp_path / f"r-{lang}.pdf"
    build(data, str(path))
    text = pdf_text(path)
    heading = "medelvärde per grupp och omgång" if lang == "sv" else "overall mean per group and round"
    return text[text.index(heading):]


def test_the_swedish_chart_writes_decimals_with_a_comma(sqlite_db, tmp_path):
    chart = _chart_text(sqlite_db, tmp_path, "sv")
    bars = chart.splitlines()[1:6]  # the mean above each bar, to two decimals as in the tables; staff have no round 1, so no bar and no "0,0"
    assert sorted(bars) == ["2,17", "2,50", "2,79", "2,90", "3,10"], chart
    assert "0,0" not in chart and not re.search(r"\d\.\d", chart)


def test_the_english_chart_writes_decimals_with_a_point(sqlite_db, tmp_path):
    chart = _chart_text(sqlite_db, tmp_path, "en")
    assert "2.5" in chart.split() and not re.search(r"\d,\d", chart)


def test_the_swedish_register_extract_lists_logged_events_in_words_and_local_time(sqlite_db, tmp_path, monkeypatch):
    import datetime as dt
    import time

    from sqlalchemy import select

    from peerdesk import models as m
    from peerdesk.reports.register_extract import build_register_extract
    from peerdesk.services import data_rights
    from tests import factories as f

    monkeypatch.setenv("TZ", "Europe/Stockholm")
    time.tzset()
    try:
        with sqlite_db.begin(SYSTEM) as s:
            pid = f.peer(s, "Åsa", "Öberg").id
        with sqlite_db.begin(SYSTEM) as s:
            extract = data_rights.register_extract(s, "peer_supporter", pid, today=dt.date(2026, 6, 1))
            created = s.scalar(select(m.AuditEvent.at).where(m.AuditEvent.action == "create", m.AuditEvent.table_name == "peer_supporter"))
        out = tmp_path / "extract.pdf"
        build_register_extract(extract, out, "sv")
        text = pdf_text(out)
        events = text[text.index("Ändringslogg"):]  # the record of changes
        local = created.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        assert "Skapad" in events and "create" not in events.split() and "peer_supporter" not in events
        assert local in " ".join(events.split()) or local.split()[1] in events, events
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
