"""Screenshots of every main screen with the demo office, at 1280x800 and 1024x640, in Swedish and English.

One command, from the repository (it makes its own demo database in a temporary folder):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screenshots/take_screenshots.py

Files: <screen>-<lang>-<width>.png (today-sv-1280.png, today-en-1024.png, …) for the main pages, and
<dialog>-<lang>.png for a few dialogs (once per language, at their own size). Options:
`--out DIR` (default docs/screenshots), `--lang sv` / `--size 1024` to take only some.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

SIZES = {1280: (1280, 800), 1024: (1024, 640)}
LANGS = ("sv", "en")
# Who looks at which area: each demo user sees what their role sees.
USERS = {"coordinator": "coordinator", "supervisor": "supervisor", "evaluator": "evaluator", "admin": "administrator"}


def settle(ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def demo_database(folder: Path):
    """A new encrypted demo office (the same data as `peerdesk demo`), opened."""
    from peerdesk.services import demo
    from peerdesk.services.access import SYSTEM
    from peerdesk.storage.config import DatabaseTarget
    from peerdesk.storage.database import open_database
    from peerdesk.storage.keys import DatabaseKey
    from peerdesk.storage.migrate import ensure_schema

    db = open_database(DatabaseTarget("sqlite", path=folder / "peerdesk.db"), DatabaseKey(raw_hex="5e" * 32), create=True)
    ensure_schema(db)
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    return db


class Shooter:
    def __init__(self, db, out: Path, lang: str, width: int) -> None:
        self.db, self.out, self.lang, self.width = db, out, lang, width
        self.window = self.ops = None

    def open_as(self, user: str) -> None:
        """A main window of the chosen size logged in as one of the demo users, with Today loaded."""
        from sqlalchemy import select

        from peerdesk import models as m
        from peerdesk.models import Role
        from peerdesk.services.access import Actor
        from peerdesk.storage.schema import HEAD_REVISION
        from peerdesk.ui.main_window import MainWindow
        from peerdesk.ui.operations import Operations

        self.close()
        from peerdesk.services.access import SYSTEM

        with self.db.session(SYSTEM) as s:
            user_id = s.scalars(select(m.User.id).where(m.User.username == user)).one()
        self.window = MainWindow()
        self.window.resize(*SIZES[self.width])
        self.window.show()
        self.ops = Operations(self.db, Actor(user_id, user, frozenset({Role(USERS[user])})), self.window)
        self.window.attach(self.ops, HEAD_REVISION)
        settle(1200)

    def close(self) -> None:
        if self.window is not None:
            self.ops.wait()
            self.window.close()
            self.window.deleteLater()
            settle(100)
            self.window = None

    def shot(self, name: str, widget=None) -> None:
        """The window (or a dialog, named without a size) as a PNG."""
        self.ops.wait()
        settle(500)
        if widget is None:
            size = self.window.size()
            if (size.width(), size.height()) != SIZES[self.width]:
                print(f"NOTE {name}: the window is {size.width()}x{size.height()}, not {SIZES[self.width]}")
            file = f"{name}-{self.lang}-{self.width}.png"
            self.window.grab().save(str(self.out / file))
        else:
            file = f"{name}-{self.lang}.png"
            widget.grab().save(str(self.out / file))
        print("saved", file)

    def run(self, dialogs: bool) -> None:
        self.open_as("coordinator")
        w = self.window
        self.shot("today")
        w.sidebar.select("people")
        people = w.pages["people"].people
        settle(600)
        people.list.select_row(0)
        people.list.open_current()
        settle(600)
        self.shot("people")
        w.pages["people"].setCurrentWidget(w.pages["people"].cohorts)
        self.shot("cohorts")
        if dialogs:
            self.import_preview(people)
        w.sidebar.select("workplaces")
        wp = w.pages["workplaces"].workplaces
        settle(600)
        wp.list.select_row(0)
        wp.list.open_current()
        settle(600)
        self.shot("workplaces")
        if dialogs:
            history = w.pages["workplaces"].history
            history.change_manager()
            settle(600)
            self.shot("change-manager", history.dialog)
            history.dialog.reject()
        w.sidebar.select("contracts")
        contracts = w.pages["contracts"].contracts
        settle(600)
        contracts.list.select_row(0)
        contracts.list.open_current()
        settle(600)
        self.shot("contracts")
        w.sidebar.select("workplaces")
        w.pages["workplaces"].setCurrentWidget(w.pages["workplaces"].board)
        settle(800)
        self.shot("onboarding-board")
        w.sidebar.select("funding")
        settle(1000)
        self.shot("grants")
        activity = w.pages["funding"].activity
        w.pages["funding"].setCurrentWidget(activity)
        settle(800)
        activity.show_figures()
        settle(1500)
        self.shot("activity-report")
        activity.views.setCurrentWidget(activity.charts)
        settle(500)
        self.shot("activity-charts")
        w.sidebar.select("training")
        settle(1000)
        self.shot("applicants")
        w.pages["training"].setCurrentWidget(w.pages["training"].course)
        settle(1000)
        self.shot("course-days")
        if dialogs:
            w.sidebar.select("today")
            w.open_search()
            w.search.field.setText("avd")
            settle(800)
            self.shot("search", w.search)
            w.search.hide()

        self.open_as("supervisor")
        w = self.window
        w.sidebar.select("supervision")
        area = w.pages["supervision"]
        settle(1000)
        self.shot("supervision")
        if dialogs:
            area.overview.log_session()
            settle(600)
            self.shot("supervision-log", area.overview.dialog)
            area.overview.dialog.reject()
        area.tabs.setCurrentWidget(area.month)
        settle(800)
        self.shot("supervision-month")
        area.tabs.setCurrentWidget(area.checkins)
        settle(800)
        self.shot("supervision-checkins")

        self.open_as("evaluator")
        self.window.sidebar.select("evaluation")
        settle(800)
        self.shot("evaluation")

        self.open_as("admin")
        for name in ("consents", "settings"):
            self.window.sidebar.select(name)
            settle(1500)
            self.shot(name)
        self.close()

    def import_preview(self, people) -> None:
        """The import wizard's preview: a Swedish Excel CSV (Windows-1252, semicolons) with two bad rows."""
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
        self.shot("import-preview", wizard)
        wizard.reject()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--lang", choices=LANGS, action="append")
    parser.add_argument("--size", type=int, choices=tuple(SIZES), action="append")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="peerdesk-screenshots-"))
    os.environ["PEERDESK_DATA_DIR"] = str(home)  # never the person's own settings or database
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    QCoreApplication.setOrganizationName("PeerDeskScreenshots")
    QCoreApplication.setApplicationName("PeerDeskScreenshots")
    app = QApplication(sys.argv[:1])
    from PySide6.QtCore import QSettings

    QSettings().clear()  # no splitter or window state from an earlier run
    from peerdesk.i18n import set_language
    from peerdesk.ui.common.style import install_qt_translator

    db = demo_database(home)
    for lang in args.lang or LANGS:
        set_language(lang)
        install_qt_translator(lang)
        for i, width in enumerate(args.size or tuple(SIZES)):
            Shooter(db, out, lang, width).run(dialogs=(i == 0))
    db.dispose()
    app.quit()


if __name__ == "__main__":
    main(sys.argv[1:])
    # Several windows made and dropped in one process: skip the interpreter's final garbage
    # collection, where PySide6 has been seen to abort ("bool_dealloc") after all shots are saved.
    sys.stdout.flush()
    os._exit(0)
