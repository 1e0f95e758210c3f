"""The window as a person meets it: first start creates the database; later starts show the office."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from peerdesk.services.access import SYSTEM
from peerdesk.ui import app as app_module
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.operations import Operations
from peerdesk.ui.setup.first_run import FirstRunDialog
from peerdesk.ui.setup.unlock_dialog import UnlockDialog

ROOT = Path(__file__).resolve().parent.parent


def when_modal(qtbot, cls, act, seconds: float = 20):
    """Act on the next modal dialog of type `cls` once it is shown (exec() blocks the test).

    If it never comes, close whatever modal is open so the test fails instead of hanging."""
    tries = [int(seconds * 50)]

    def poll():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, cls):
            act(widget)
        elif tries[0] <= 0:
            if widget is not None:
                widget.reject()
            pytest.fail(f"{cls.__name__} never appeared (modal open: {type(widget).__name__})")
        else:
            tries[0] -= 1
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def click_ok(qtbot, dialog):
    box = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), __import__("PySide6.QtCore").QtCore.Qt.MouseButton.LeftButton)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PEERDESK_DB_PASSPHRASE", raising=False)
    monkeypatch.delenv("PEERDESK_DATABASE_URL", raising=False)
    return tmp_path


def test_first_start_creates_the_encrypted_database_with_admin_and_demo(qtbot, data_dir, no_keyring):
    """Without a keyring (the passphrase path; with one, see test_ui_first_run.py)."""
    window = MainWindow()
    qtbot.addWidget(window)
    seen = {}

    def fill_first_run(dialog: FirstRunDialog):
        seen["first_run"] = True
        dialog.display_name.clear()
        qtbot.keyClicks(dialog.display_name, "Kim Admin")
        qtbot.keyClicks(dialog.password, "short")
        qtbot.keyClicks(dialog.password2, "short")
        click_ok(qtbot, dialog)  # too short: the dialog stays open and says why
        seen["error"] = dialog.field_errors["password"].text()  # next to the field it is about
        for field in (dialog.password, dialog.password2):
            field.clear()
            qtbot.keyClicks(field, "a long admin password")
        dialog.demo.setChecked(True)
        when_modal(qtbot, UnlockDialog, type_passphrase)
        click_ok(qtbot, dialog)

    def type_passphrase(dialog: UnlockDialog):
        seen["asked_passphrase"] = True
        qtbot.keyClicks(dialog.passphrase, "office passphrase")
        click_ok(qtbot, dialog)

    when_modal(qtbot, FirstRunDialog, fill_first_run)
    opened = app_module.open_database_for(window)
    assert opened is not None and seen.get("first_run") and seen.get("asked_passphrase")
    assert "at least 8" in seen["error"]
    assert (data_dir / "peerdesk.db").exists()
    assert not (data_dir / "peerdesk.db").read_bytes().startswith(b"SQLite format 3")

    from peerdesk import models as m
    from peerdesk.services.accounts import check_password

    with opened.db.session(SYSTEM) as s:
        admin = s.query(m.User).filter_by(username="admin").one()
        assert check_password("a long admin password", admin.password_hash)
        assert s.query(m.PeerSupporter).count() == 17  # two accepted from the applicants
    opened.db.dispose()


def test_window_shows_the_office_and_which_database(qtbot, sqlite_db):
    from peerdesk.services import demo

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    ops = Operations(sqlite_db, SYSTEM, window)
    with qtbot.waitSignal(window.overview.loaded, timeout=10000):
        window.attach(ops, "0002")
    assert window.overview.values["people"].text() == "17"
    assert window.overview.values["workplaces"].text() == "14"
    assert str(sqlite_db.target.path) in window.db_label.text() and "encrypted" in window.db_label.text()
    ops.wait()


def test_exit_when_ready_flag_on_a_demo_database(tmp_path):
    env = {**os.environ, "PEERDESK_DATA_DIR": str(tmp_path), "PEERDESK_DB_PASSPHRASE": "p", "QT_QPA_PLATFORM": "offscreen",
           "PEERDESK_USER": "coordinator", "PEERDESK_PASSWORD": "demo",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    assert subprocess.run([sys.executable, "-m", "peerdesk", "demo"], env=env, cwd=ROOT, capture_output=True, timeout=300).returncode == 0
    for flag in ("--exit-when-painted", "--exit-when-ready"):
        result = subprocess.run([sys.executable, "main.py", flag], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (flag, result.stderr)
        # The run leaves at once, but only after closing the database: the last connection's close folds the
        # write-ahead log back into the file and removes it.
        assert not (tmp_path / "peerdesk.db-wal").exists(), flag


def test_the_status_bar_says_the_database_is_opening_while_it_opens(qtbot, data_dir, monkeypatch):
    """Opening can take seconds once after an update (the file is converted); the window says so meanwhile."""
    from peerdesk.storage import opening

    monkeypatch.setenv("PEERDESK_DB_PASSPHRASE", "office passphrase")
    opening.open_current(create=True).db.dispose()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    seen = []
    real = opening.open_current

    def watching(**kw):
        seen.append(window.statusBar().currentMessage())
        return real(**kw)

    monkeypatch.setattr(opening, "open_current", watching)
    opened = app_module.open_database_for(window)
    assert opened is not None
    opened.db.dispose()
    assert seen == ["Opening the database …"]
    assert window.statusBar().currentMessage() == ""
