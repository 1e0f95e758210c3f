"""The administrator's consent page: print numbered forms for a ward visit, register the signed
forms that come back by their number (scan or type), and keep the consent register —
withdrawal with date and reason, undo, and the reports that already used a withdrawn consent.

Slots only collect input and hand services to `ops`; the PDF is built in the worker, which
feeds a progress dialog and stops when the person cancels (nothing is recorded then).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.ui.common.printing import ask_pdf_path, choose_printer, discard, file_name, preview_pdf, print_pdf, private_pdf_path
from peerdesk.ui.common.rows_model import RowsModel
from peerdesk.i18n import t
from peerdesk.ui.common.date_field import DateField, with_note
from peerdesk.ui.common.fit import FlowLayout

ROLES = ("staff", "patient", "manager", "peer_supporter", "client", "case_manager")
# models.StaffProfession and PROFESSION_ROLES: the profession is asked only of staff and case managers.
PROFESSIONS = ("nurse", "assistant_nurse", "social_worker", "dietitian", "occupational_therapist", "psychologist", "physician", "other")
PROFESSION_ROLES = ("staff", "case_manager")
SCOPES = ("interviews", "focus_groups", "questionnaires")
COLUMNS = ("form_number", "informant_role", "informant", "study_name", "scopes", "signed_on", "valid_until", "received_by", "status")



class ConsentModel(RowsModel):
    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, "ui.consents.col.", parent)

    def text(self, row, column: str) -> str:
        value = getattr(row, column)
        if column == "informant_role":
            return t(f"pdf.consent.role.{value}")
        if column == "scopes":
            return ", ".join(t(f"pdf.consent.scope.{sc}") for sc in value)
        if column == "status":
            text = t(f"ui.consents.status.{value}")
            return f"{text} {row.withdrawn_on.isoformat()}" if row.withdrawn_on else text
        return super().text(row, column)


class _Progress(QObject):
    """Lives on the GUI thread; the worker calls `report`, the dialog gets the steps queued."""

    step = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cancel = threading.Event()

    def report(self, done: int, total: int) -> bool:
        self.step.emit(done, total)
        return not self.cancel.is_set()


def _report_text(run) -> str:
    """A report that used a consent, in words: "Omgångsrapport 2026-03-01" (its kind translated, its date local)."""
    from peerdesk.i18n import catalogue, format_date, local_time

    if run.kind == "publication":  # "Publicerad omgångsrapport, omgång 4, version 2, 2026-12-01"
        return t("ui.consents.report_kind.publication_of", round=run.round_number, version=run.version,
                 date=format_date(local_time(run.produced_at).date()))
    key = f"ui.consents.report_kind.{run.kind}"
    kind = t(key) if key in catalogue("en") else run.kind
    return f"{kind} {format_date(local_time(run.produced_at).date())}"


class WithdrawDialog(QDialog):
    def __init__(self, parent=None, touched=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("ui.consents.withdraw_title"))
        form = QFormLayout(self)
        self.date = DateField(dt.date.today(), required=True)
        self.reason = QLineEdit()
        form.addRow(t("field.withdrawn_on"), with_note(self.date))
        form.addRow(t("field.withdrawal_reason"), self.reason)
        # What the withdrawal reaches in the evaluation: these interviews' quotes stop printing.
        from PySide6.QtWidgets import QListWidget

        from peerdesk.services.interview_consents import touched_lines

        lines = touched_lines(touched) if touched is not None else []
        self.touched = QListWidget()
        self.touched.setAccessibleName(t("ui.consents.touched"))
        self.touched.addItems(lines or [t("ui.consents.touched_none")])
        self.touched.setMaximumHeight(120)
        self.touched.setWordWrap(True)
        form.addRow(QLabel(t("ui.consents.touched")))
        form.addRow(self.touched)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(t("ui.consents.withdraw_button"))
        buttons.accepted.connect(lambda: self.accept() if self.date.check() else self.date.setFocus())
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ConsentsPage(QWidget):
    loaded = Signal()  # choices and register shown
    printed = Signal(object)  # PrintResult (also when saved as PDF)
    previewed = Signal(object)  # the PdfPreview shown
    form_found = Signal(object)  # FormInfo
    registered = Signal(int)  # consent id
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = None
        self.form = None  # the FormInfo looked up by number
        self.last_print = None
        layout = QVBoxLayout(self)

        # 1. Print numbered blank forms for a ward visit.
        box = QGroupBox(t("ui.consents.print_title"))
        grid = QVBoxLayout(box)
        row = QHBoxLayout()
        self.study = QComboBox()
        self.study.setAccessibleName(t("field.study_id"))
        self.workplace = QComboBox()
        self.workplace.setAccessibleName(t("field.workplace_id"))
        for combo in (self.study, self.workplace):
            combo.setMinimumContentsLength(16)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        row.addWidget(QLabel(t("field.study_id")))
        row.addWidget(self.study, 1)
        row.addWidget(QLabel(t("field.workplace_id")))
        row.addWidget(self.workplace, 1)
        self.study_button = QPushButton(t("ui.consents.edit_study"))
        self.new_study_button = QPushButton(t("ui.consents.new_study"))
        row.addWidget(self.study_button)
        row.addWidget(self.new_study_button)
        grid.addLayout(row)
        row = FlowLayout()  # wraps at a narrow window instead of making it wider
        self.copies = QSpinBox()
        self.copies.setRange(1, 1000)
        self.copies.setValue(10)
        self.copies.setAccessibleName(t("field.copies"))
        self.lang = QComboBox()
        self.lang.addItem("Svenska", "sv")
        self.lang.addItem("English", "en")
        self.print_button = QPushButton(t("ui.pdf.print"))
        self.print_button.setToolTip(t("ui.consents.print_blank"))
        self.save_button = QPushButton(t("ui.pdf.save_as"))
        self.preview_button = QPushButton(t("ui.consents.preview"))
        row.addWidget(QLabel(t("field.copies")))
        row.addWidget(self.copies)
        row.addWidget(self.lang)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addWidget(self.preview_button)
        grid.addLayout(row)
        # A pre-filled form for one person: chosen by typing part of the name.
        row = QHBoxLayout()
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.person.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.person.setAccessibleName(t("ui.consents.person"))
        self.person.lineEdit().setPlaceholderText(t("ui.consents.person_hint"))
        self.person.setMinimumContentsLength(16)
        self.person.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.prefill_preview_button = QPushButton(t("ui.consents.prefill_preview"))
        self.prefill_print_button = QPushButton(t("ui.pdf.print"))
        self.prefill_save_button = QPushButton(t("ui.pdf.save_as"))
        row.addWidget(QLabel(t("ui.consents.person")))
        row.addWidget(self.person, 1)
        for b in (self.prefill_preview_button, self.prefill_print_button, self.prefill_save_button):
            row.addWidget(b)
        grid.addLayout(row)
        layout.addWidget(box)

        # 2. Register a returned, signed form by its number.
        box = QGroupBox(t("ui.consents.register_title"))
        form = QFormLayout(box)
        number_row = QHBoxLayout()
        self.number = QLineEdit()
        self.number.setPlaceholderText(t("ui.consents.number_hint"))
        self.number.setAccessibleName(t("field.form_number"))
        self.find_button = QPushButton(t("ui.consents.find"))
        number_row.addWidget(self.number, 1)
        number_row.addWidget(self.find_button)
        form.addRow(t("field.form_number"), number_row)
        self.form_label = QLabel()
        self.form_label.setWordWrap(True)
        form.addRow("", self.form_label)
        self.role = QComboBox()
        for r in ROLES:
            self.role.addItem(t(f"pdf.consent.role.{r}"), r)
        self.role.setAccessibleName(t("field.informant_role"))
        self.profession = QComboBox()
        self.profession.addItem(t("ui.consents.no_profession"), None)
        for p in PROFESSIONS:
            self.profession.addItem(t(f"profession.{p}"), p)
        self.profession.setAccessibleName(t("field.profession"))
        role_row = QHBoxLayout()
        role_row.addWidget(self.role, 1)
        role_row.addWidget(QLabel(t("field.profession")))
        role_row.addWidget(self.profession, 1)
        form.addRow(t("field.informant_role"), role_row)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()
        self.code = QLineEdit()
        self.code.setPlaceholderText(t("ui.consents.code_hint"))
        self.code.setAccessibleName(t("field.informant_code"))
        form.addRow(t("field.informant_code"), self.code)
        dates = QHBoxLayout()
        self.signed = DateField(dt.date.today(), required=True)
        self.valid_until = DateField(dt.date.today())
        self.signed.setAccessibleName(t("field.signed_on"))
        self.valid_until.setAccessibleName(t("field.valid_until"))
        dates.addWidget(with_note(self.signed))
        dates.addWidget(QLabel(t("field.valid_until")), 0, Qt.AlignmentFlag.AlignTop)
        dates.addWidget(with_note(self.valid_until))
        form.addRow(t("field.signed_on"), dates)
        scopes = QHBoxLayout()
        self.scope_boxes = {}
        for sc in SCOPES:
            cb = QCheckBox(t(f"pdf.consent.scope.{sc}"))
            cb.setChecked(True)
            self.scope_boxes[sc] = cb
            scopes.addWidget(cb)
        form.addRow(t("field.scope"), scopes)
        self.register_button = QPushButton(t("ui.consents.register"))
        self.register_button.setEnabled(False)
        form.addRow("", self.register_button)
        layout.addWidget(box)

        # 3. The consent register.
        actions = QHBoxLayout()
        actions.addWidget(QLabel(t("ui.consents.register_list")))
        actions.addStretch(1)
        self.withdraw_button = QPushButton(t("ui.consents.withdraw"))
        self.undo_button = QPushButton(t("ui.consents.undo_withdrawal"))
        self.reports_button = QPushButton(t("ui.consents.reports"))
        for b in (self.withdraw_button, self.undo_button, self.reports_button):
            actions.addWidget(b)
        layout.addLayout(actions)
        self.model = ConsentModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(t("ui.consents.register_list"))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        self.print_button.clicked.connect(self.print_blank)
        self.save_button.clicked.connect(self.save_blank)
        self.preview_button.clicked.connect(self.preview)
        self.prefill_preview_button.clicked.connect(lambda: self.prefilled("preview"))
        self.prefill_print_button.clicked.connect(lambda: self.prefilled("print"))
        self.prefill_save_button.clicked.connect(lambda: self.prefilled("save"))
        self.study_button.clicked.connect(self.edit_study)
        self.new_study_button.clicked.connect(lambda: self.open_study_dialog(None))
        self.number.returnPressed.connect(self.find_form)  # a barcode scanner types the number and Enter
        self.find_button.clicked.connect(self.find_form)
        self.register_button.clicked.connect(self.register)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.undo_button.clicked.connect(self.undo_withdrawal)
        self.reports_button.clicked.connect(self.show_reports)
        self.message.connect(self.status.setText)

    # ------------------------------------------------------------ loading
    def attach(self, ops) -> None:
        self.ops = ops
        ops.data_changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes) -> None:
        if {"consents", "studies", "workplaces"} & set(changes):
            self.refresh()

    def refresh(self) -> None:
        if self.ops is None:
            return
        from peerdesk.services import consent_forms

        def load(s):
            return (consent_forms.study_choices(s), consent_forms.workplace_choices(s), consent_forms.consent_register(s),
                    consent_forms.informant_choices(s))

        self.ops.query(load, self._show, self._failed)

    def _show(self, result) -> None:
        studies, workplaces, rows, informants = result
        keep_person = self.person.currentText()
        self.person.clear()
        for who in informants:
            self.person.addItem(t("ui.consents.person_item", name=who.name, role=t(f"pdf.consent.role.{who.kind}")), who)
        self.person.setCurrentIndex(-1)
        self.person.setEditText(keep_person)
        keep_study, keep_wp = self.study.currentData(), self.workplace.currentData()
        self.study.clear()
        for i, name in studies:
            self.study.addItem(name, i)
        self.workplace.clear()
        self.workplace.addItem(t("ui.consents.no_workplace"), None)
        for i, name in workplaces:
            self.workplace.addItem(name, i)
        for combo, value in ((self.study, keep_study), (self.workplace, keep_wp)):
            index = combo.findData(value)
            if value is not None and index >= 0:
                combo.setCurrentIndex(index)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.loaded.emit()

    def _failed(self, exc) -> None:
        from peerdesk.ui.operations import is_user_error

        text = exc.message if is_user_error(exc) else t("ui.consents.failed")
        self.message.emit(text)

    # ------------------------------------------------------------ printing
    def _names(self, *extra) -> str:
        """A meaningful default file name: what, study, ward, date (never a person's name)."""
        ward = self.workplace.currentText() if self.workplace.currentData() is not None else None
        return file_name(*extra, self.study.currentText(), ward, dt.date.today().isoformat())

    def _make(self, work, copies: int, done, path, on_fail=None) -> None:
        """Build forms in the worker (numbers recorded only if the PDF is written), with a progress
        dialog that appears only if it takes a while and cancels cleanly."""
        progress = _Progress(self)
        dialog = QProgressDialog(t("ui.consents.printing", n=copies), t("ui.cancel"), 0, copies, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # only if it takes a while
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        progress.step.connect(lambda n, total: dialog.setValue(n))
        dialog.canceled.connect(progress.cancel.set)
        buttons = (self.print_button, self.save_button, self.prefill_print_button, self.prefill_save_button, self.prefill_preview_button)
        for b in buttons:
            b.setEnabled(False)

        def finish():
            dialog.close()
            dialog.deleteLater()
            for b in buttons:
                b.setEnabled(True)

        def ok(result):
            finish()
            self.last_print = result
            done(result)

        def failed(exc):
            finish()
            if on_fail is not None:
                on_fail()
            self._failed(exc)

        self.ops.mutate(lambda s: work(s, path, progress.report), {"consent_forms"}, ok, failed)

    def _blank_work(self):
        from peerdesk.services import consent_forms

        study_id, workplace_id, copies, lang = self.study.currentData(), self.workplace.currentData(), self.copies.value(), self.lang.currentData()
        return (lambda s, path, report: consent_forms.print_blank_forms(s, study_id, workplace_id, copies, path, lang=lang, progress=report)), copies

    def _send_to_printer(self, result, path, printer) -> None:
        try:
            pages = print_pdf(self, path, printer=printer)
        finally:
            discard(path)
        if pages:
            self.message.emit(t("ui.consents.printed_to_printer", n=pages, first=result.form_numbers[0], last=result.form_numbers[-1]))
            self.printed.emit(result)

    def print_blank(self) -> None:
        """The print dialog first (cancel records nothing), then the numbered forms, printed."""
        if self.study.currentData() is None:
            self.message.emit(t("ui.consents.choose_study"))
            return
        printer = choose_printer(self, Path(self._names(t("file.consent_forms"))).stem, None)
        if printer is None:
            return
        work, copies = self._blank_work()
        path = private_pdf_path("consent-forms")
        self._make(work, copies, lambda r: self._send_to_printer(r, path, printer), path, lambda: discard(path))

    def save_blank(self) -> None:
        if self.study.currentData() is None:
            self.message.emit(t("ui.consents.choose_study"))
            return
        path = ask_pdf_path(self, t("ui.pdf.save_as"), self._names(t("file.consent_forms")))
        if not path:
            return
        work, copies = self._blank_work()

        def saved(result):
            self.message.emit(t("ui.consents.printed", n=result.pages, first=result.form_numbers[0], last=result.form_numbers[-1], path=result.path))
            self.printed.emit(result)

        self._make(work, copies, saved, path)

    def prefilled(self, how: str) -> None:
        """One form with the chosen person's name printed: preview (then print or save there), print, or save.
        The default file name carries the form number, not the name: file names end up in recent-file
        lists, print queues and synced folders, where a name would say who takes part in the study."""
        from peerdesk.services import consent_forms

        if self.study.currentData() is None:
            self.message.emit(t("ui.consents.choose_study"))
            return
        who = self.chosen_person()
        if who is None:  # chosen_person said why
            self.person.setFocus()
            return
        study_id, lang, kwargs = self.study.currentData(), self.lang.currentData(), who.print_args()

        def work(s, path, _report):
            return consent_forms.print_prefilled_form(s, study_id, path, lang=lang, **kwargs)

        def name(result):
            return file_name(t("file.consent_form"), self.study.currentText(), result.form_numbers[0], dt.date.today().isoformat())

        if how == "save":
            target = ask_pdf_path(self, t("ui.pdf.save_as"), file_name(t("file.consent_form"), self.study.currentText(),
                                                                   dt.date.today().isoformat()))
            if not target:
                return

            def saved(result):
                self.message.emit(t("ui.pdf.saved", path=result.path))
                self.printed.emit(result)

            self._make(work, 1, saved, target)
            return
        if how == "print":
            printer = choose_printer(self, Path(file_name(t("file.consent_form"), self.study.currentText())).stem, None)
            if printer is None:
                return
            path = private_pdf_path("consent-form")
            self._make(work, 1, lambda r: self._send_to_printer(r, path, printer), path, lambda: discard(path))
            return
        path = private_pdf_path("consent-form")

        def show(result):
            self.message.emit(t("ui.consents.prefilled_ready", number=result.form_numbers[0]))
            dialog = preview_pdf(self, path, t("ui.consents.prefill_title", number=result.form_numbers[0]), name(result), temporary=True)
            if dialog is not None:
                dialog.printed.connect(lambda n: self.message.emit(t("ui.pdf.printed", n=n)))
                dialog.saved.connect(lambda p: self.message.emit(t("ui.pdf.saved", path=p)))
                self.previewed.emit(dialog)

        self._make(work, 1, show, path, lambda: discard(path))

    def chosen_person(self):
        """The informant whose entry matches what is typed (the completer's choice or a unique match)."""
        from peerdesk.errors import PeerDeskError
        from peerdesk.services.consent_forms import find_informant

        text = self.person.currentText().strip()
        if not text:
            self.message.emit(t("ui.consents.choose_person"))
            return None
        index = self.person.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return self.person.itemData(index)
        choices = [self.person.itemData(i) for i in range(self.person.count())]
        try:
            return find_informant(choices, text)
        except PeerDeskError as exc:
            self.message.emit(exc.message)
            return None

    def preview(self) -> None:
        """The study's form as it will print, with a sample number: shown here, not handed out."""
        study_id = self.study.currentData()
        if study_id is None:
            self.message.emit(t("ui.consents.choose_study"))
            return
        from peerdesk.services import consent_forms

        path = private_pdf_path("consent-form-preview")
        lang = self.lang.currentData()

        def show(result):
            dialog = preview_pdf(self, result.path, t("ui.consents.preview"), temporary=True, printable=False)
            if dialog is not None:
                self.previewed.emit(dialog)

        def failed(exc):
            discard(path)
            self._failed(exc)

        self.ops.query(lambda s: consent_forms.preview_template(s, study_id, path, lang=lang), show, failed)

    def edit_study(self) -> None:
        study_id = self.study.currentData()
        if study_id is None:
            return
        from peerdesk.services import consent_forms

        self.ops.query(lambda s: consent_forms.study_details(s, study_id), self.open_study_dialog, self._failed)

    def open_study_dialog(self, values) -> None:
        from peerdesk.ui.consents.study_dialog import StudyDialog

        self.study_dialog = StudyDialog(self.ops, values, self)
        self.study_dialog.open()

    # ------------------------------------------------------------ registering a returned form
    def find_form(self) -> None:
        number = self.number.text()
        from peerdesk.services import consent_forms

        self.register_button.setEnabled(False)
        self.ops.query(lambda s: consent_forms.lookup_form(s, number), self._found, self._not_found)

    def _not_found(self, exc) -> None:
        self.form = None
        self.form_label.setText("")
        self._failed(exc)

    def _found(self, info) -> None:
        self.form = info
        where = info.workplace_name or t("ui.consents.no_workplace")
        if info.consent_id is not None:
            self.form_label.setText(t("ui.consents.form_done", number=info.form_number))
            self.message.emit(t("error.form_already_registered"))
            self.form_found.emit(info)
            return
        self.form_label.setText(t("ui.consents.form_info", number=info.form_number, study=info.study_name, workplace=where))
        if info.informant_role:
            self.role.setCurrentIndex(self.role.findData(info.informant_role))
        if info.valid_until:
            self.valid_until.setDate(info.valid_until)
        for sc, cb in self.scope_boxes.items():
            cb.setChecked(sc in info.scopes)
            cb.setEnabled(sc in info.scopes)
        self.register_button.setEnabled(True)
        self.code.setFocus()
        self.message.emit("")
        self.form_found.emit(info)

    def _role_changed(self) -> None:
        """A profession only for staff and case managers: for other roles the picker is off and empty."""
        asked = self.role.currentData() in PROFESSION_ROLES
        self.profession.setEnabled(asked)
        if not asked:
            self.profession.setCurrentIndex(0)

    def register(self) -> None:
        if self.form is None:
            return
        from peerdesk.services import consent_forms

        for field in (self.signed, self.valid_until):
            if not field.check():
                field.setFocus()
                return
        number = self.form.form_number
        fields = dict(signed_on=self.signed.date(), valid_until=self.valid_until.date(),
                      informant_role=self.role.currentData(), informant_code=self.code.text().strip() or None,
                      profession=self.profession.currentData() if self.profession.isEnabled() else None,
                      scopes=[sc for sc, cb in self.scope_boxes.items() if cb.isChecked()])

        def work(s):
            return consent_forms.register_returned(s, number, **fields).id

        def done(consent_id):
            self.form = None
            self.register_button.setEnabled(False)
            self.number.clear()
            self.code.clear()
            self.form_label.setText("")
            self.message.emit(t("cli.consent.registered", number=number, id=consent_id))
            self.number.setFocus()  # ready for the next form in the pile
            self.registered.emit(consent_id)

        self.ops.mutate(work, {"consents"}, done, self._failed)

    # ------------------------------------------------------------ withdrawal
    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def withdraw(self) -> None:
        row = self.selected()
        if row is None:
            return
        from peerdesk.services import interview_consents

        self.ops.query(lambda s: interview_consents.touched_by(s, row.id), lambda touched: self._ask_withdraw(row, touched),
                       self._failed)

    def _ask_withdraw(self, row, touched) -> None:
        """The dialog lists the interviews and quotes the consent is in, before anything is withdrawn."""
        dialog = WithdrawDialog(self, touched)
        self.withdraw_dialog = dialog
        if not dialog.exec():
            return
        on, reason = dialog.date.date(), dialog.reason.text().strip() or None
        from peerdesk.services import consent, consent_use

        def work(s):
            consent.withdraw(s, row.id, row.version, on, reason)
            return consent_use.reports_affected_by(s, row.id)

        def done(reports):
            if reports:
                text = t("ui.consents.withdrawn_reports", n=len(reports), reports=", ".join(_report_text(r) for r in reports))
            else:
                text = t("ui.consents.withdrawn")
            if touched.quotes:
                text += " " + t("ui.consents.withdrawn_quotes", n=len(touched.quotes))
            self.message.emit(text)

        self.ops.mutate(work, {"consents"}, done, self._failed)

    def undo_withdrawal(self) -> None:
        row = self.selected()
        if row is None or row.withdrawn_on is None:
            return
        if QMessageBox.question(self, t("ui.consents.undo_withdrawal"), t("ui.consents.undo_confirm")) != QMessageBox.StandardButton.Yes:
            return
        from peerdesk.services import consent

        self.ops.mutate(lambda s: consent.undo_withdrawal(s, row.id, row.version) and None, {"consents"},
                        lambda _r: self.message.emit(t("ui.consents.undone")), self._failed)

    def show_reports(self) -> None:
        row = self.selected()
        if row is None:
            return
        from peerdesk.services import consent_use

        def shown(reports):
            text = ", ".join(_report_text(r) + (f" ({r.output})" if r.output else "") for r in reports)
            self.message.emit(t("ui.consents.reports_used", n=len(reports), reports=text or "-"))

        self.ops.query(lambda s: consent_use.reports_affected_by(s, row.id), shown, self._failed)
