"""Give the chosen peer supporters another supervisor. The history stays; access to their
session notes moves to the new supervisor (the service enforces it)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QVBoxLayout

from peerdesk.i18n import t
from peerdesk.ui.common.dialog_form import error_label, save_cancel
from peerdesk.ui.operations import alive, is_user_error


class ReassignDialog(QDialog):
    def __init__(self, ops, peer_ids: list[int], names: list[str], parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.peer_ids = peer_ids
        self.setWindowTitle(t("ui.supervision.reassign.title"))
        self.setAccessibleName(t("ui.supervision.reassign.title"))
        layout = QVBoxLayout(self)
        shown = ", ".join(names[:6]) + (" …" if len(names) > 6 else "")
        text = QLabel(t("ui.supervision.reassign.text", n=len(peer_ids), names=shown))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.to = QComboBox()
        self.to.setAccessibleName(t("ui.supervision.reassign.to"))
        label = QLabel(t("ui.supervision.reassign.to"))
        label.setBuddy(self.to)
        layout.addWidget(label)
        layout.addWidget(self.to)
        self.error = error_label()
        layout.addWidget(self.error)
        self.buttons = save_cancel(self, self.save, t("ui.supervision.reassign.save"))
        layout.addWidget(self.buttons)
        from peerdesk.services import supervisor_assignment

        ops.query(supervisor_assignment.supervisors, alive(self, self._got))

    def _got(self, supervisors) -> None:
        for uid, name in supervisors:
            self.to.addItem(name, uid)

    def save(self) -> None:
        from peerdesk.services import supervisor_assignment

        uid = self.to.currentData()
        if uid is None:
            return
        ids = list(self.peer_ids)

        def failed(exc):
            self.error.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
            self.error.show()

        self.ops.mutate(lambda s: supervisor_assignment.reassign(s, ids, uid), {"people"}, lambda _n: self.accept(), failed)
