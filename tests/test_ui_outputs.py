"""Saving an export to a folder that cannot be written shows a readable sentence, and nothing is left."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.test_ui_evaluation import open_evaluation_page
from tests.test_ui_registers import (  # noqa: F401  (fixtures)
    WAIT,
    _own_settings,
    demo_db,
    demo_template,
    finish,
    keys,
    open_window,
)


def test_export_everything_to_a_missing_folder_says_so_in_the_window(qtbot, demo_db, tmp_path, monkeypatch):
    target = tmp_path / "no-such-folder" / "kontoret.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = open_window(qtbot, demo_db, "admin")
    window.sidebar.select("settings")
    area = window.pages["settings"]
    assert "not encrypted" in area.export_all_status.text()  # warned before anything is saved
    qtbot.mouseClick(area.export_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not exist" in area.export_all_status.text(), timeout=WAIT)
    assert "Nothing was saved" in area.export_all_status.text()
    assert area.export_all_button.isEnabled()
    assert not target.parent.exists()
    finish(window)


def test_export_everything_encrypted_from_the_window(qtbot, demo_db, tmp_path, monkeypatch):
    import stat
    import zipfile

    from PySide6.QtWidgets import QInputDialog

    target = tmp_path / "kontoret.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    typed = iter([("hemligt 17", True), ("hemligt 17", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(typed))
    window = open_window(qtbot, demo_db, "admin")
    window.sidebar.select("settings")
    area = window.pages["settings"]
    qtbot.mouseClick(area.export_all_encrypt, Qt.MouseButton.LeftButton)
    assert "AES-256" in area.export_all_status.text()
    qtbot.mouseClick(area.export_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "encrypted with the password" in area.export_all_status.text(), timeout=WAIT)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with zipfile.ZipFile(target) as zf:
        assert all(info.flag_bits & 0x1 for info in zf.infolist())
    finish(window)


def test_a_round_report_to_a_missing_folder_says_so_and_records_no_report_run(qtbot, sqlite_db, tmp_path, monkeypatch):
    from sqlalchemy import func, select

    from peerdesk import models as m
    from peerdesk.services import demo
    from peerdesk.services.access import SYSTEM

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        runs = s.scalar(select(func.count()).select_from(m.ReportRun))
    target = tmp_path / "gone" / "omgang.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    page.tabs.setCurrentIndex(2)
    qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not exist" in page.report_status.text(), timeout=WAIT)
    assert "Nothing was saved" in page.report_status.text() and page.build_button.isEnabled()
    ops.wait()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(func.count()).select_from(m.ReportRun)) == runs  # no run recorded without its file
    assert not target.parent.exists()
    page.wait()
