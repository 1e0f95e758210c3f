"""Edit a study and its consent-form template (information text in Swedish and English), with a preview."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField, with_note

SCOPES = ("interviews", "focus_groups", "questionnaires")



class StudyDialog(QDialog):
    saved = Signal(int)
    previewed = Signal(str)

    def __init__(self, ops, values: dict | None = None, parent=None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.values = values or {}
        self.setWindowTitle(t("ui.study.title"))
        self.resize(720, 640)
        form = QFormLayout(self)
        self.name = QLineEdit(self.values.get("name") or "")
        self.organisation = QLineEdit(self.values.get("organisation") or "")
        self.contact = QLineEdit(self.values.get("contact") or "")
        self.start = DateField(self.values.get("start_date") or dt.date.today(), required=True)
        self.end = DateField(self.values.get("end_date") or dt.date.today().replace(year=dt.date.today().year + 1))
        form.addRow(t("field.name"), self.name)
        form.addRow(t("field.organisation"), self.organisation)
        form.addRow(t("ui.study.contact"), self.contact)
        dates = QHBoxLayout()
        dates.addWidget(with_note(self.start))
        dates.addWidget(QLabel("–"), 0, Qt.AlignmentFlag.AlignTop)
        dates.addWidget(with_note(self.end))
        form.addRow(t("ui.study.period"), dates)
        scopes = QHBoxLayout()
        self.scopes = {}
        for sc in SCOPES:
            cb = QCheckBox(t(f"pdf.consent.scope.{sc}"))
            cb.setChecked(self.values.get(f"scope_{sc}", True))
            self.scopes[sc] = cb
            scopes.addWidget(cb)
        form.addRow(t("field.scope"), scopes)
        self.text_sv = QPlainTextEdit(self.values.get("consent_text_sv") or "")
        self.text_en = QPlainTextEdit(self.values.get("consent_text_en") or "")
        form.addRow(t("ui.study.text_sv"), self.text_sv)
        form.addRow(t("ui.study.text_en"), self.text_en)
        self.error = QLabel()
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.preview_sv = QPushButton(t("ui.study.preview_sv"))
        self.preview_en = QPushButton(t("ui.study.preview_en"))
        buttons.addButton(self.preview_sv, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.preview_en, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.preview_sv.clicked.connect(lambda: self.preview("sv"))
        self.preview_en.clicked.connect(lambda: self.preview("en"))
        form.addRow(buttons)

    @staticmethod
    def _date(field: DateField):
        """The date, or the text as typed when it is none (the service then names the field)."""
        return field.date() if field.check() else field.text()

    def fields(self) -> dict:
        out = dict(name=self.name.text(), organisation=self.organisation.text(), contact=self.contact.text(),
                   start_date=self._date(self.start), end_date=self._date(self.end),
                   consent_text_sv=self.text_sv.toPlainText().strip() or None, consent_text_en=self.text_en.toPlainText().strip() or None)
        out.update({f"scope_{sc}": cb.isChecked() for sc, cb in self.scopes.items()})
        return out

    def preview(self, lang: str) -> None:
        """The form as it will print, from the text as it stands now (saved or not); nothing is recorded."""
        from peerdesk.reports.consent_forms import FormBatch, FormPage, build_consent_forms

        v = self.fields()
        page = FormPage(form_number=t("ui.study.sample_number"), study_name=v["name"] or "…", organisation=v["organisation"] or "…",
                        contact=v["contact"] or None, start_date=v["start_date"], end_date=v["end_date"],
                        info_text=(v[f"consent_text_{lang}"] or ""), scopes=tuple(sc for sc in SCOPES if v[f"scope_{sc}"]),
                        valid_until=v["end_date"])
        from peerdesk.ui.common.printing import discard, preview_pdf, private_pdf_path

        path = str(private_pdf_path("consent-form-preview"))

        def shown(_pages):
            # In the app (a sample number: no Print or Save); the private file goes when it closes.
            self.preview_dialog = preview_pdf(self, path, t("ui.consents.preview"), printable=False)
            if self.preview_dialog is None:
                discard(path)
            else:
                self.preview_dialog.finished.connect(lambda _r: discard(path))
            self.previewed.emit(path)

        self.ops.run(lambda: build_consent_forms(FormBatch(lang, [page]), path), shown,
                     lambda exc: (discard(path), self._failed(exc)))

    def _failed(self, exc) -> None:
        self.error.setText(getattr(exc, "message", t("ui.consents.failed")))

    def save(self) -> None:
        from peerdesk.models import Study
        from peerdesk.services import records

        for field in (self.start, self.end):
            if not field.check():
                field.setFocus()
                return
        fields = self.fields()
        study_id, version = self.values.get("id"), self.values.get("version")

        def work(s):
            if study_id is None:
                return records.create(s, Study, **fields).id
            return records.update(s, Study, study_id, version, original=self.values.get("original"), **fields).id

        def done(new_id):
            self.saved.emit(new_id)
            self.accept()

        self.ops.mutate(work, {"studies"}, done, self._failed)
