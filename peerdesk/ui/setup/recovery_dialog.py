"""The recovery key of a new database, shown once: the person writes it down and types its last group back.

The database and its administrator already exist when this shows, and the key is never shown again,
so there is no Cancel: Esc or the window's close button only say why the key matters and keep the
dialog open. "Save recovery sheet…" writes the one-page PDF (reports/recovery_sheet.py) to a file
the person chooses; `write_sheet(path)` is there for a Print button too.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.i18n import t
from peerdesk.ui.common.fit import fit_height
from peerdesk.ui.common.style import error_style


class RecoveryKeyDialog(QDialog):
    def __init__(self, recovery: str, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery = recovery
        self.database = database
        self.created = dt.date.today()
        self.setWindowTitle(t("ui.recovery.title"))
        layout = QVBoxLayout(self)
        intro = QLabel(t("ui.recovery.intro"))
        intro.setWordWrap(True)
        intro.setMinimumWidth(560)  # wrapped text needs a width to size its height from
        layout.addWidget(intro)

        from peerdesk.reports.recovery_sheet import key_lines

        self.key_label = QLabel("\n".join(key_lines(recovery)))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.6)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.key_label.setAccessibleName(t("ui.recovery.key"))
        self.key_label.setStyleSheet("padding: 8px; border: 1px solid palette(mid);")
        layout.addWidget(self.key_label)

        sheet_row = QHBoxLayout()
        self.save_sheet_button = QPushButton(t("ui.recovery.save_sheet"))
        self.save_sheet_button.clicked.connect(self.save_sheet)
        sheet_row.addWidget(self.save_sheet_button)
        self.sheet_status = QLabel()
        self.sheet_status.setWordWrap(True)
        sheet_row.addWidget(self.sheet_status, 1)
        layout.addLayout(sheet_row)

        ask = QLabel(t("ui.recovery.confirm_label"))
        ask.setWordWrap(True)
        layout.addWidget(ask)
        self.last_group = QLineEdit()
        self.last_group.setAccessibleName(t("ui.recovery.confirm_label"))
        self.last_group.setMaxLength(20)
        ask.setBuddy(self.last_group)
        layout.addWidget(self.last_group)
        self.hint = QLabel()
        error_style(self.hint)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName(t("ui.form.error_for", field=t("ui.recovery.confirm_label")))
        self.hint.hide()
        layout.addWidget(self.hint)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(t("ui.recovery.confirm"))
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.last_group.textChanged.connect(self._check)
        self.last_group.setFocus()

    def confirmed(self) -> bool:
        from peerdesk.storage.keys import confirms_recovery

        return confirms_recovery(self.last_group.text(), self.recovery)

    def _check(self) -> None:
        ok = self.confirmed()
        self.ok_button.setEnabled(ok)
        self.ok_button.setDefault(ok)
        typed = self.last_group.text().replace(" ", "").replace("-", "")
        if ok or len(typed) < 8:  # no scolding while the person is still typing
            self.hint.hide()
        else:
            self._say(t("ui.recovery.wrong_group"))

    def _say(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.show()
        fit_height(self)

    def accept(self) -> None:
        if self.confirmed():  # Enter in the field lands here too: only the right group closes the dialog
            super().accept()

    def reject(self) -> None:
        """Esc and the close button: the key is never shown again, so say so and stay."""
        self._say(t("ui.recovery.must_confirm"))
        self.last_group.setFocus()

    def write_sheet(self, path: str) -> None:
        from peerdesk.reports.recovery_sheet import build_recovery_sheet
        from peerdesk.storage.safe_output import output_file

        with output_file(path) as temp:  # the key on paper: private (0600) and complete, or nothing
            build_recovery_sheet(self.recovery, self.database, self.created, temp)

    def save_sheet(self) -> None:
        from pathlib import Path

        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        from peerdesk.reports.recovery_sheet import default_file_name

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        default = str(Path(folder) / default_file_name(self.created))
        path, _ = QFileDialog.getSaveFileName(self, t("ui.recovery.save_sheet_title"), default, t("ui.recovery.pdf_filter"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        from peerdesk.errors import PeerDeskError

        try:
            self.write_sheet(path)
        except PeerDeskError as exc:  # which: no such folder, not allowed, the disk is full
            self.sheet_status.setText(exc.message)
            return
        except OSError:
            self.sheet_status.setText(t("ui.recovery.sheet_failed", path=path))
            return
        self.sheet_status.setText(t("ui.recovery.sheet_saved", path=path))
        self.last_group.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_height(self)
