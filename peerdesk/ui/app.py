"""Starting the window: paint first, then open the database, then load the pages.

`--exit-when-painted` exits 0 once the window has painted; `--exit-when-ready`
exits 0 once the start page shows real data — so anyone can time startup.
Nothing heavy (SQLAlchemy, keyring, Alembic) is imported before the first paint.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from peerdesk.ui import pyside_import_hook

pyside_import_hook.install()  # before our other imports: each one pays PySide's hook

from peerdesk.i18n import t  # noqa: E402


class _PaintWatcher(QObject):
    def __init__(self, callback) -> None:
        super().__init__()
        self.callback = callback
        self.fired = False

    def eventFilter(self, obj, event) -> bool:
        if not self.fired and event.type() == QEvent.Type.Paint:
            self.fired = True
            QTimer.singleShot(0, self.callback)
        return False


def _show_error(parent, text: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(parent, t("ui.error.title"), text)


def show_failure(parent, exc: BaseException) -> None:
    """A readable message for a PeerDesk error; for anything else a reference, details in the local log."""
    from peerdesk.errors import PeerDeskError

    if isinstance(exc, PeerDeskError):
        _show_error(parent, exc.message)
        return
    from PySide6.QtWidgets import QMessageBox

    from peerdesk.crashlog import record

    QMessageBox.critical(parent, t("ui.crash.title"), t("error.unexpected", ref=record(exc)))


def _install_crash_dialog(window) -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        exc.__traceback__ = tb
        show_failure(window, exc)

    sys.excepthook = hook


def start_session_services(window, ops) -> None:
    """After login: the inactivity lock and, on SQLite, the scheduled backup."""
    from peerdesk.services.settings import get_setting

    def with_settings(values):
        if ops is not window.ops:  # the user left before the settings came
            return
        window.session.install_lock(values["security.lock_after_minutes"])
        if ops.db.target.is_sqlite:
            from peerdesk.storage.backup import scheduled_backup

            ops.run(lambda: scheduled_backup(ops.db, values["backup.interval_hours"], values["backup.keep"]))

    keys = ("security.lock_after_minutes", "backup.interval_hours", "backup.keep")
    ops.query(lambda s: {k: get_setting(s, k) for k in keys}, with_settings)


def attach_session(window, db, actor, schema: str | None = None):
    """Give the window to a logged-in user: their operations, pages, lock and scheduled backup."""
    from peerdesk.ui.operations import Operations

    if schema is None:
        from peerdesk.storage.schema import HEAD_REVISION

        schema = HEAD_REVISION  # an open database is always at the current schema
    ops = Operations(db, actor, window)
    ops.failed.connect(lambda exc: show_failure(window, exc))
    window.attach(ops, schema)
    start_session_services(window, ops)
    return ops


def _first_run(window, target):
    """Create the database, its administrator and (optionally) the demo office."""
    from peerdesk.errors import PeerDeskError
    from peerdesk.storage.opening import open_current
    from peerdesk.ui.setup.first_run import FirstRunDialog
    from peerdesk.ui.setup.unlock_dialog import ask_passphrase

    dialog = FirstRunDialog(str(target.path), window)
    while dialog.exec():
        values = dialog.values()
        try:
            opened = open_current(create=True, ask=ask_passphrase, target=target)
        except PeerDeskError as exc:
            dialog.show_error(exc.message)
            continue
        try:
            from peerdesk.services import accounts, demo
            from peerdesk.models import Role

            from peerdesk.services.access import SYSTEM

            # Creating the first administrator is the bootstrap step done before anyone can log in.
            with opened.db.begin(SYSTEM) as s:
                accounts.create_user(s, values["username"], values["display_name"], values["password"], [Role.ADMINISTRATOR])
                if values["demo"]:
                    demo.load_demo(s)
        except PeerDeskError as exc:
            # Nothing was written (the transaction rolled back); the file is new and empty of data.
            dialog.show_error(exc.message, getattr(exc, "field", None))
            opened.db.dispose()
            from peerdesk.storage.opening import _discard_new

            _discard_new(target.path)
            continue
        if opened.recovery_key:  # a new key in the keyring: shown once, confirmed before anything else
            from peerdesk.ui.setup.recovery_dialog import RecoveryKeyDialog

            RecoveryKeyDialog(opened.recovery_key, str(target.path), window).exec()
        from peerdesk.services.auth import login

        opened.actor = login(opened.db, values["username"], values["password"])
        return opened
    return None


def log_in(window, db):
    """The logged-in Actor: from PEERDESK_USER/PEERDESK_PASSWORD (scripts, timing runs) or the login dialog."""
    import os

    from peerdesk.errors import PeerDeskError
    from peerdesk.services.auth import login
    from peerdesk.ui.setup.login_dialog import LoginDialog

    user, password = os.environ.get("PEERDESK_USER"), os.environ.get("PEERDESK_PASSWORD")
    if user and password:
        try:
            actor = login(db, user, password)
            if not actor.must_change_password:
                return actor
            # A one-time password: the login dialog asks for it again and then for the person's own.
        except PeerDeskError as exc:
            _show_error(window, exc.message)
    dialog = LoginDialog(db, window, username=user or "")
    return dialog.actor if dialog.exec() else None


def open_database_for(window):
    """Open (or on first start, create) the configured database; None if the person gave up."""
    from peerdesk.errors import PeerDeskError
    from peerdesk.storage.config import current_target
    from peerdesk.storage.opening import open_current
    from peerdesk.ui.setup.unlock_dialog import ask_passphrase

    try:
        target = current_target()
        if target.is_sqlite and not target.path.exists():
            return _first_run(window, target)
        _status(window, t("ui.status.opening"))  # once after an update the file may be converted: seconds
        opened = open_current(ask=ask_passphrase, target=target)
        if opened.stored_key_wrong:
            _offer_key_replacement(window, opened)
        return opened
    except PeerDeskError as exc:
        _show_error(window, exc.message)
        return None
    finally:
        _status(window, "")


def _offer_key_replacement(window, opened) -> None:
    """The keyring's key was wrong and the typed one opened the file: offer to keep the typed one."""
    from PySide6.QtWidgets import QMessageBox

    from peerdesk.errors import PeerDeskError
    from peerdesk.storage.opening import replace_stored_key

    raw = opened.given_key is not None and opened.given_key.raw_hex is not None
    answer = QMessageBox.question(window, t("ui.key.replace_title"), t("ui.key.replace_question" if raw else "ui.key.forget_question"))
    if answer == QMessageBox.StandardButton.Yes:
        try:
            replace_stored_key(opened)
        except PeerDeskError as exc:  # the keyring refused (locked): the office still opens
            _show_error(window, exc.message)


def _status(window, text: str) -> None:
    """A status-bar line painted at once (the database opens on this thread, before the event loop runs)."""
    if window is None:
        return
    bar = window.statusBar()
    if text:
        bar.showMessage(text)
    else:
        bar.clearMessage()
    bar.repaint()


def _apply_saved_language() -> None:
    """PEERDESK_LANG (scripts) wins; else the language chosen in Settings; else the system's."""
    import os

    from peerdesk.i18n import set_language
    from peerdesk.ui.common.style import saved_language

    lang = saved_language()
    if lang and os.environ.get("PEERDESK_LANG", "").lower() not in ("sv", "en"):
        set_language(lang)


def start_office(window):
    """What a person meets once the window has painted: the first-run dialog (no database yet) or the
    login dialog, then the window for the logged-in user. The Actor, or None if they gave up.
    The scenario tests start here too, so they take the path a person takes."""
    opened = open_database_for(window)
    if opened is None:
        return None
    actor = getattr(opened, "actor", None) or log_in(window, opened.db)
    if actor is None:
        opened.db.dispose()
        return None
    attach_session(window, opened.db, actor, _schema_label(opened))
    return actor


def _clean_leftovers() -> None:
    """Half-written outputs and print/preview files that a killed run left (storage/safe_output.py)."""
    try:
        from peerdesk.storage.safe_output import clean_stale

        clean_stale()
    except OSError:
        pass


def run(argv: list[str]) -> int:
    exit_when_painted = "--exit-when-painted" in argv
    exit_when_ready = "--exit-when-ready" in argv
    qt_argv = [a for a in argv if not a.startswith("--exit-when")]
    QCoreApplication.setOrganizationName("PeerDesk")
    QCoreApplication.setApplicationName("PeerDesk")
    app = QApplication.instance() or QApplication(qt_argv)
    _apply_saved_language()

    from peerdesk.ui.main_window import MainWindow

    window = MainWindow()

    def after_paint() -> None:
        if exit_when_painted:
            app.exit(0)
            return
        from peerdesk.i18n import language
        from peerdesk.ui.common.style import install_qt_translator

        install_qt_translator(language())  # Qt's own texts (dialog buttons); none is on the first paint
        _clean_leftovers()
        if exit_when_ready:
            window.today.loaded.connect(lambda: app.exit(0))
        if start_office(window) is None:
            app.exit(1)

    _install_crash_dialog(window)
    watcher = _PaintWatcher(after_paint)
    window.installEventFilter(watcher)
    window.show()
    code = app.exec()
    window.removeEventFilter(watcher)
    if window.ops is not None:  # leaving (--exit-when-ready): drop queued loads, let a running job finish
        window.ops.pool.clear()
        window.ops.wait()
        from peerdesk.storage.anchors import write_quietly

        write_quietly(window.ops.db, "close")  # the audit trail's state at the close, kept outside the database
    if exit_when_painted or exit_when_ready:
        _end_timing_run(window, code)
    return code


def _end_timing_run(window, code: int) -> None:
    """A timing run ends at the moment it measured. The database is closed cleanly and the logs
    flushed; then the process leaves without the interpreter's teardown, which spends ~0.15 s freeing
    widgets and modules one by one (py-spy) — time that is not startup."""
    import logging
    import os

    if window.ops is not None:
        window.ops.db.dispose()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _schema_label(opened) -> str:
    from peerdesk.storage.schema import HEAD_REVISION

    return HEAD_REVISION


def main() -> int:
    return run(sys.argv)
