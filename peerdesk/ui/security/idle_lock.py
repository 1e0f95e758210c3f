"""Automatic lock after inactivity: a cover over the whole window that hides every piece of
data until the logged-in user types their password again."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from peerdesk.errors import PeerDeskError
from peerdesk.i18n import t

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class LockCover(QFrame):
    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget, username: str) -> None:
        super().__init__(parent)
        self.setObjectName("LockCover")
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(t("ui.lock.title"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        title.setFont(font)
        layout.addWidget(title)
        self.username = username
        self.text = QLabel(t("ui.lock.text", user=username))
        self.text.setWordWrap(True)
        layout.addWidget(self.text)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(t("ui.login.password"))
        self.password.setMaximumWidth(320)
        layout.addWidget(self.password)
        self.error = QLabel()
        self.error.hide()
        layout.addWidget(self.error)
        self.button = QPushButton(t("ui.lock.unlock"))
        self.button.setMaximumWidth(320)
        layout.addWidget(self.button)
        self.switch_button = QPushButton(t("ui.session.switch_user"))  # someone else at this desk
        self.switch_button.setMaximumWidth(320)
        layout.addWidget(self.switch_button)
        layout.addStretch(2)
        self.button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        parent.installEventFilter(self)
        self.hide()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.password.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.password.clear()
        self.password.setFocus()

    def cover(self, manual: bool = False) -> None:
        self.text.setText(t("ui.lock.text_manual" if manual else "ui.lock.text", user=self.username))
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.password.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.parentWidget().rect())
        return False


class IdleLock(QObject):
    """Locks `window` after `minutes` without keyboard or mouse input anywhere in the app."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: QWidget, ops, minutes: float) -> None:
        super().__init__(window)
        self.window = window
        self.ops = ops
        self.cover = LockCover(window, ops.actor.username)
        self.cover.unlock_requested.connect(self._try_unlock)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.timeout.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.cover.isVisible()

    def lock(self, manual: bool = False) -> None:
        for dialog in QApplication.topLevelWidgets():  # open dialogs may show data too
            if dialog is not self.window and dialog.isVisible() and dialog.isModal():
                dialog.hide()
        self.cover.cover(manual)
        self.locked.emit()

    def _try_unlock(self, password: str) -> None:
        from peerdesk.services.auth import login

        username = self.ops.actor.username
        self.ops.run(lambda: login(self.ops.db, username, password), self._unlocked, lambda exc: self.cover.show_error(
            exc.message if isinstance(exc, PeerDeskError) else t("error.login_failed")))

    def _unlocked(self, _actor) -> None:
        self.release()

    def release(self) -> None:
        """Take the cover away (the right password was given, here or in the switch-user dialog)."""
        self.cover.password.clear()
        self.cover.error.hide()
        self.cover.hide()
        self.timer.start()
        self.unlocked.emit()

    def dispose(self) -> None:
        """The user is leaving (log out, switch user): no more timer, event filter or cover."""
        self.timer.stop()
        QApplication.instance().removeEventFilter(self)
        self.window.removeEventFilter(self.cover)
        self.cover.hide()
        self.cover.deleteLater()
        self.deleteLater()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and not self.is_locked:
            self.timer.start()
        return False
