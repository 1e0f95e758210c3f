"""The office's list of session topics: add one (Swedish and English name), retire or restore one.
Retired topics leave the choice list; sessions that used them keep them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from peerdesk.i18n import language, t
from peerdesk.ui.common.dialog_form import error_label
from peerdesk.ui.operations import alive, is_user_error


class TopicsDialog(QDialog):
    def __init__(self, ops, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(t("ui.topics.title"))
        self.setAccessibleName(t("ui.topics.title"))
        layout = QVBoxLayout(self)
        hint = QLabel(t("ui.topics.hint"))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setAccessibleName(t("ui.topics.title"))
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.name_sv = QLineEdit()
        self.name_en = QLineEdit()
        form.addRow(t("ui.topics.name_sv"), self.name_sv)
        form.addRow(t("ui.topics.name_en"), self.name_en)
        layout.addLayout(form)
        self.add_button = QPushButton(t("ui.topics.add"))
        layout.addWidget(self.add_button)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self.add)
        self.list.itemChanged.connect(self._toggled)
        self.resize(420, 460)
        self.reload()

    def reload(self) -> None:
        from peerdesk.services import supervision

        self.ops.query(supervision.all_topics, alive(self, self._loaded))

    def _loaded(self, topics) -> None:
        en = language() == "en"
        self.list.blockSignals(True)
        self.list.clear()
        for tid, sv, en_name, active in topics:
            item = QListWidgetItem(en_name if en else sv)
            item.setData(Qt.ItemDataRole.UserRole, tid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if active else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def names(self) -> dict[str, bool]:
        return {self.list.item(i).text(): self.list.item(i).checkState() == Qt.CheckState.Checked for i in range(self.list.count())}

    def _failed(self, exc) -> None:
        self.error.setText(str(exc) if is_user_error(exc) else t("ui.today.form.failed"))
        self.error.show()
        self.reload()

    def _toggled(self, item) -> None:
        from peerdesk.services import supervision

        tid, active = item.data(Qt.ItemDataRole.UserRole), item.checkState() == Qt.CheckState.Checked
        self.ops.mutate(lambda s: supervision.set_topic_active(s, tid, active), {"topics"}, None, alive(self, self._failed))

    def add(self) -> None:
        from peerdesk.services import supervision

        sv, en = self.name_sv.text().strip(), self.name_en.text().strip()
        self.error.hide()

        def done(_r):
            self.name_sv.clear()
            self.name_en.clear()
            self.reload()

        self.ops.mutate(lambda s: supervision.add_topic(s, sv, en) and None, {"topics"}, alive(self, done), alive(self, self._failed))
