"""Screenshots of each screen with the demo data and the Swedish UI (run under Xvfb).

    Xvfb :98 -screen 0 1280x800x24 &
    PEERDESK_DATA_DIR=/tmp/regdemo PEERDESK_DB_PASSPHRASE=p python -m peerdesk demo
    DISPLAY=:98 PEERDESK_DATA_DIR=/tmp/regdemo PEERDESK_DB_PASSPHRASE=p PEERDESK_LANG=sv \
        python docs/screenshots/take_screenshots.py docs/screenshots
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path) -> None:
    QCoreApplication.setOrganizationName("PeerDeskScreenshots")
    QCoreApplication.setApplicationName("PeerDeskScreenshots")
    app = QApplication(sys.argv)
    from peerdesk.services.auth import login
    from peerdesk.storage.opening import open_current
    from peerdesk.ui.main_window import MainWindow
    from peerdesk.ui.operations import Operations

    from peerdesk.storage.schema import HEAD_REVISION

    opened = open_current()

    def open_as(user: str):
        """A main window logged in as one of the demo users, with Today loaded."""
        win = MainWindow()
        win.resize(1240, 760)
        win.show()
        win_ops = Operations(opened.db, login(opened.db, user, "demo"), win)
        win.attach(win_ops, HEAD_REVISION)
        settle(1200)
        return win, win_ops

    window, ops = open_as("coordinator")

    def shot(name: str) -> None:
        ops.wait()
        settle(500)
        window.grab().save(str(out / name))
        print("saved", name)

    shot("today.png")
    window.sidebar.select("people")
    people = window.pages["people"].people
    shot("people.png")
    people.list.select_row(people.list.model.row_of(1) if people.list.model.row_of(1) >= 0 else 0)
    people.list.open_current()
    settle(600)
    shot("person-detail.png")
    people.form.widgets["personal_number"].setText("19900101-1234")
    people.form.save()
    shot("person-invalid.png")
    people.form.cancel()
    window.pages["people"].setCurrentWidget(window.pages["people"].cohorts)
    shot("cohorts.png")

    # The import wizard's preview: a Swedish Excel CSV (Windows-1252, semicolons) with two bad rows.
    import tempfile

    sample = Path(tempfile.mkdtemp()) / "kamratstodjare.csv"
    sample.write_bytes("Förnamn;Efternamn;Personnummer;Region\nAnna;Berg;;Norr\nJonas;Ek;19900101-1234;Syd\n"
                       ";Lund;;Väst\nÅsa;Öberg;;Norr\n".encode("cp1252"))
    people.list.open_import()
    settle(600)
    wizard = people.list.wizard
    wizard.file_page.load(str(sample))
    settle(1000)
    wizard.next()
    settle(600)
    wizard.next()
    settle(1500)
    wizard.grab().save(str(out / "import-preview.png"))
    wizard.reject()

    window.sidebar.select("workplaces")
    wp = window.pages["workplaces"].workplaces
    shot("workplaces.png")
    wp.list.select_row(0)
    wp.list.open_current()
    settle(600)
    shot("workplace-detail.png")
    history = window.pages["workplaces"].history
    history.change_manager()
    settle(600)
    history.dialog.grab().save(str(out / "change-manager.png"))
    history.dialog.reject()
    window.pages["workplaces"].setCurrentWidget(window.pages["workplaces"].tenures)
    shot("tenures.png")

    window.sidebar.select("contracts")
    contracts = window.pages["contracts"].contracts
    contracts.list.select_row(0)
    contracts.list.open_current()
    settle(600)
    shot("contracts.png")
    window.pages["contracts"].setCurrentWidget(window.pages["contracts"].placements)
    shot("placements.png")

    window.sidebar.select("settings")
    shot("settings.png")
    window.sidebar.select("today")
    window.open_search()
    window.search.field.setText("avd")
    settle(800)
    shot("search.png")
    window.search.grab().save(str(out / "search-dialog.png"))
    window.search.hide()
    ops.wait()
    window.close()

    # The evaluator's page and the administrator's settings (with the audit trail).
    for user, area, name in (("evaluator", "evaluation", "evaluation"),):
        window, ops = open_as(user)
        window.sidebar.select(area)
        settle(800)
        shot(f"{name}.png")
        if area == "evaluation":
            page = window.pages["evaluation"]
            page.tabs.setCurrentIndex(1)
            shot("evaluation-quotes.png")
            page.tabs.setCurrentIndex(3)
            shot("evaluation-rounds.png")
        ops.wait()
        window.close()
    # The supervisor's area: the overview with a person's sessions, logging a session, the month, check-ins.
    window, ops = open_as("supervisor")
    window.sidebar.select("supervision")
    area = window.pages["supervision"]
    settle(1000)
    shot("supervision.png")
    area.overview.log_session()
    settle(600)
    area.overview.dialog.grab().save(str(out / "supervision-log.png"))
    area.overview.dialog.reject()
    area.tabs.setCurrentWidget(area.month)
    settle(800)
    shot("supervision-month.png")
    area.tabs.setCurrentWidget(area.checkins)
    settle(800)
    shot("supervision-checkins.png")
    ops.wait()
    window.close()
    # The administrator's consent page and settings with the audit trail.
    window, ops = open_as("admin")
    for area, name in (("consents", "consents.png"), ("settings", "settings-admin.png")):
        window.sidebar.select(area)
        settle(1500)
        shot(name)
    ops.wait()
    window.close()
    app.quit()


if __name__ == "__main__":
    import os

    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
    # Several windows made and dropped in one process: skip the interpreter's final garbage
    # collection, where PySide6 has been seen to abort ("bool_dealloc") after all shots are saved.
    sys.stdout.flush()
    os._exit(0)
