"""Data-subject requests for one person: register extract (PDF + JSON), erasure or anonymisation
after a confirmation that lists exactly what goes, and the retention (gallring) review list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import datetime as dt

from peerdesk.i18n import format_date, t


def _table_name(table: str) -> str:
    text = t(f"extract.table.{table}")
    return table if text == f"extract.table.{table}" else text


def plan_text(plan) -> str:
    """The confirmation, in words: what goes, what stays and until when, what is cleared."""
    lines = [t("ui.rights.plan_goes")]
    lines += [f"  • {_table_name(table)}: {n}" for table, n in sorted(plan.delete.items(), key=lambda kv: _table_name(kv[0]))]
    if plan.keep:
        lines.append(t("ui.rights.plan_kept"))
        lines += [f"  • {_table_name(table)}: {n} ({t('ui.rights.until', date=until)})" for table, (n, until) in plan.keep.items()]
    if plan.anonymise:
        lines.append(t("ui.rights.plan_cleared", fields=", ".join(t(f"field.{f}") for f in plan.anonymise)))
    lines.append(t("ui.rights.plan_person_goes") if plan.person_row_goes else t("ui.rights.plan_person_stays"))
    lines.append(t("ui.rights.plan_final"))
    return "\n".join(lines)


class DataRightsPage(QWidget):
    loaded = Signal()
    done = Signal(object)  # result of the last action

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        layout = QVBoxLayout(self)
        from peerdesk.ui.common.date_field import DateField, with_note

        box = QGroupBox(t("ui.rights.person_title"))
        form = QFormLayout(box)
        self.person = QComboBox()
        self.person.setAccessibleName(t("field.person"))
        form.addRow(t("field.person"), self.person)
        # An informant known only by a consent (staff registered by name, a patient by code): by form number.
        self.form_number = QLineEdit()
        self.form_number.setPlaceholderText(t("ui.rights.form_number_hint"))
        self.form_number.setAccessibleName(t("ui.rights.form_number"))
        self.form_number.setClearButtonEnabled(True)
        form.addRow(t("ui.rights.form_number"), self.form_number)
        self.requested = DateField(dt.date.today(), required=True)
        self.requested.setAccessibleName(t("ui.rights.requested"))
        form.addRow(t("ui.rights.requested"), with_note(self.requested))
        self.lang = QComboBox()
        self.lang.setAccessibleName(t("ui.rights.lang"))
        self.lang.addItem("Svenska", "sv")  # each language in its own name, as in Settings
        self.lang.addItem("English", "en")
        form.addRow(t("ui.rights.lang"), self.lang)
        row = QHBoxLayout()
        self.extract_button = QPushButton(t("ui.rights.extract"))
        self.erase_button = QPushButton(t("ui.rights.erase"))
        row.addStretch(1)
        row.addWidget(self.extract_button)
        row.addWidget(self.erase_button)
        form.addRow(row)
        layout.addWidget(box)
        self.form_number.textChanged.connect(lambda text: self.erase_button.setEnabled(not text.strip()))
        self.form_number.returnPressed.connect(self.extract)

        box = QGroupBox(t("ui.rights.retention_title"))
        col = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.review_button = QPushButton(t("ui.rights.review"))
        self.purge_button = QPushButton(t("ui.rights.purge"))
        self.purge_button.setEnabled(False)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.purge_button)
        buttons.addStretch(1)
        col.addLayout(buttons)
        self.due = QListWidget()
        self.due.setAccessibleName(t("ui.rights.retention_title"))
        col.addWidget(self.due)
        layout.addWidget(box, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.extract_button.clicked.connect(self.extract)
        self.erase_button.clicked.connect(self.erase)
        self.review_button.clicked.connect(self.review)
        self.purge_button.clicked.connect(self.purge)

    def attach(self, ops) -> None:
        self.ops = ops
        self.refresh()

    def refresh(self) -> None:
        from peerdesk.services import data_rights

        self.ops.query(data_rights.person_choices, self._show, self._failed)

    def _show(self, people) -> None:
        keep = self.person.currentData()
        self.person.clear()
        for table, pid, label in people:
            self.person.addItem(f"{label} ({t(f'ui.rights.kind.{table}')})", f"{table}:{pid}")
        if keep is not None and self.person.findData(keep) >= 0:
            self.person.setCurrentIndex(self.person.findData(keep))
        self.loaded.emit()

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        self.status.setText(exc.message if is_user_error(exc) else t("ui.consents.failed"))
        self.done.emit(exc)

    def chosen(self) -> tuple[str, int] | None:
        data = self.person.currentData()
        if not data:
            return None
        table, pid = data.split(":")
        return table, int(pid)

    def extract(self) -> None:
        """The register extract for the person chosen, or for the consent whose form number is typed."""
        number = self.form_number.text().strip()
        chosen = ("consent", number) if number else self.chosen()
        if chosen is None or not self.requested.check():
            return
        from peerdesk.ui.common.printing import ask_pdf_path, file_name

        # The extract goes to the person it is about; the default name is what and when, not who.
        path = ask_pdf_path(self, t("ui.rights.extract"), file_name(t("file.register_extract"), dt.date.today().isoformat()))
        if not path:
            return
        json_path = path[:-4] + ".json" if path.lower().endswith(".pdf") else path + ".json"
        from peerdesk.services import data_rights

        table, who = chosen
        requested, lang = self.requested.date(), self.lang.currentData()

        def work(s):
            pid = data_rights.consent_by_form_number(s, who) if table == "consent" else who
            return len(data_rights.write_register_extract(s, table, pid, pdf_path=path, json_path=json_path, lang=lang,
                                                          requested_on=requested).sections)

        def shown(n):
            from pathlib import Path

            from peerdesk.ui.common.printing import preview_pdf

            self.status.setText(t("ui.rights.extracted", n=n, path=path, json=json_path))
            self.preview = preview_pdf(self, path, t("ui.rights.extract"), Path(path).name)
            self.done.emit(n)

        self.ops.mutate(work, {"audit"}, shown, self._failed)

    def erase(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        from peerdesk.services import data_rights

        table, pid = chosen
        label = self.person.currentText()

        def confirm(plan):
            answer = QMessageBox.question(self, t("ui.rights.erase_title", person=label), plan_text(plan),
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                          QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                self.status.setText(t("ui.rights.nothing_erased"))
                self.done.emit(None)
                return

            def erased(result):
                self.status.setText(t("ui.rights.erased") if result.person_row_goes else t("ui.rights.anonymised"))
                self.refresh()
                self.done.emit(result)

            self.ops.mutate(lambda s: data_rights.erase_person(s, table, pid, plan), {"people", "managers", "consents"}, erased, self._failed)

        self.ops.query(lambda s: data_rights.erasure_plan(s, table, pid), confirm, self._failed)

    def review(self) -> None:
        from peerdesk.services import retention

        def shown(groups):
            self.due.clear()
            for g in groups:
                item = QListWidgetItem(t("ui.rights.due_line", table=_table_name(g.table), records_text=t("count.records", n=len(g.ids)), days_text=t("count.days", n=g.kept_days), cutoff=format_date(g.cutoff)))
                item.setData(Qt.ItemDataRole.UserRole, (g.table, g.ids))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.due.addItem(item)
            self.purge_button.setEnabled(bool(groups))
            self.status.setText(t("ui.rights.due_none") if not groups else "")
            self.done.emit(groups)

        self.ops.query(retention.due_for_deletion, shown, self._failed)

    def purge(self) -> None:
        chosen = [self.due.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.due.count())
                  if self.due.item(i).checkState() == Qt.CheckState.Checked]
        if not chosen:
            return
        total = sum(len(ids) for _, ids in chosen)
        text = t("ui.rights.purge_confirm", n=total) + "\n" + "\n".join(f"  • {_table_name(tb)}: {len(ids)}" for tb, ids in chosen)
        if QMessageBox.question(self, t("ui.rights.purge"), text) != QMessageBox.StandardButton.Yes:
            return
        from peerdesk.services import retention

        def work(s):
            return sum(retention.delete_due(s, table, ids) for table, ids in chosen)

        def purged(n):
            self.status.setText(t("ui.rights.purged", n=n))
            self.review()

        self.ops.mutate(work, {"people", "consents", "contracts"}, purged, self._failed)
