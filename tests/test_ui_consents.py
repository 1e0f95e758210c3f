"""The administrator's flow: choose study and ward, print 10 blank forms, register a returned one by its number."""

from __future__ import annotations

import datetime as dt
import os

from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import accounts, consent_use
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.consents.consents_page import ConsentsPage, WithdrawDialog
from peerdesk.ui.operations import Operations
from tests import factories as f
from tests.test_ui_start import when_modal


def _setup(db):
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [Role.ADMINISTRATOR])
        st = f.study(s, name="Utvärdering 2025–2027")
        f.workplace(s, name="Avdelning 7, beroendevård")
        ward = f.workplace(s, name="Avdelning 21, psykosvård")
        return st.id, ward.id


def test_admin_prints_ten_blank_forms_and_registers_a_returned_one(qtbot, qtmodeltester, sqlite_db, tmp_path, monkeypatch):
    study_id, ward_id = _setup(sqlite_db)
    admin = login(sqlite_db, "boss", "admin password")
    page = ConsentsPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, admin, page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)

    # Choose study and ward, ten copies, print.
    page.study.setCurrentIndex(page.study.findData(study_id))
    page.workplace.setCurrentIndex(page.workplace.findData(ward_id))
    page.copies.clear()
    qtbot.keyClicks(page.copies, "10")
    target = tmp_path / "avd21.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.printed, timeout=20000) as printed:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)  # Print goes to a printer: tests/test_ui_printing.py
    result = printed.args[0]
    pages = PdfReader(target).pages
    assert len(pages) == 10 and len(result.form_numbers) == 10
    assert all(n in p.extract_text() and "Avdelning 21, psykosvård" in p.extract_text() for n, p in zip(result.form_numbers, pages))
    assert "10" in page.status.text() and str(target) in page.status.text()

    # A signed form comes back: type (or scan) its number and press Enter.
    number = result.form_numbers[3]
    with qtbot.waitSignal(page.form_found, timeout=10000):
        qtbot.keyClicks(page.number, number)
        qtbot.keyClick(page.number, Qt.Key.Key_Return)
    assert number in page.form_label.text() and "Avdelning 21" in page.form_label.text()
    assert page.register_button.isEnabled()
    page.role.setCurrentIndex(page.role.findData("staff"))
    qtbot.keyClicks(page.code, "P07")
    page.signed.setDate(QDate(2026, 11, 20))
    page.scope_boxes["focus_groups"].setChecked(False)
    with qtbot.waitSignal(page.loaded, timeout=10000):  # the register re-queries after the change
        with qtbot.waitSignal(page.registered, timeout=10000) as registered:
            qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    consent_id = registered.args[0]
    shown = [[page.model.index(r, c).data() for c in range(page.model.columnCount())] for r in range(page.model.rowCount())]
    assert shown[0][0] == number and shown[0][2] == "P07" and shown[0][-1] == "Active" and "Focus groups" not in shown[0][4]
    with sqlite_db.session(SYSTEM) as s:
        c = s.get(m.Consent, consent_id)
        assert (c.form_number, c.workplace_id, c.informant_code, c.signed_on, c.received_by_id) == (number, ward_id, "P07", dt.date(2026, 11, 20), admin.user_id)
        assert s.scalar(select(m.ConsentForm.consent_id).where(m.ConsentForm.form_number == number)) == consent_id
        consent_use.record_report_run(s, "round_report", [consent_id], study_id=study_id, output="omgang3.pdf")
        consent_use.record_report_run(s, "export_round", [consent_id], study_id=study_id, output="omgang3.csv")  # export-round
        s.commit()

    # Registering the same paper twice is refused with a readable message.
    with qtbot.waitSignal(page.form_found, timeout=10000):
        qtbot.keyClicks(page.number, number)
        qtbot.keyClick(page.number, Qt.Key.Key_Return)
    assert not page.register_button.isEnabled() and "already" in page.status.text()

    # Withdraw it: the page lists the report that already used the data.
    page.table.selectRow(0)

    def fill(dialog):
        dialog.date.setDate(QDate(2026, 11, 24))
        qtbot.keyClicks(dialog.reason, "Vill inte medverka")
        dialog.accept()

    when_modal(qtbot, WithdrawDialog, fill)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.withdraw_button.click()
    assert "2 earlier reports used" in page.status.text() and "Round report" in page.status.text()
    assert "Round export" in page.status.text()  # the export's kind in words, not "export_round"
    assert page.model.index(0, 8).data() == "Withdrawn 2026-11-24"
    assert page.model.rowCount() > 0
    qtmodeltester.check(page.model, force_py=True)
    ops.wait()


def test_cancelling_a_large_batch_records_nothing(qtbot, sqlite_db, tmp_path, monkeypatch):
    study_id, ward_id = _setup(sqlite_db)
    page = ConsentsPage()
    qtbot.addWidget(page)
    ops = Operations(sqlite_db, login(sqlite_db, "boss", "admin password"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    page.copies.setValue(1000)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "big.pdf"), "PDF (*.pdf)"))
    page.save_button.click()
    # The worker feeds the progress dialog; cancel it as a person would.
    from PySide6.QtWidgets import QProgressDialog

    qtbot.waitUntil(lambda: page.findChild(QProgressDialog) is not None and page.findChild(QProgressDialog).value() > 0, timeout=20000)
    from PySide6.QtWidgets import QPushButton

    qtbot.mouseClick(page.findChild(QProgressDialog).findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() != "", timeout=20000)
    assert page.status.text() == "Cancelled."
    assert not (tmp_path / "big.pdf").exists()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.ConsentForm.id)) is None
    ops.wait()


def test_admin_erases_a_manager_after_reading_exactly_what_goes(qtbot, sqlite_db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from peerdesk.services.records import create
    from peerdesk.ui.consents.data_rights_page import DataRightsPage

    study_id, ward_id = _setup(sqlite_db)
    with sqlite_db.begin(SYSTEM) as s:
        mgr = f.manager(s, name="Chef Raderasson")
        create(s, m.ManagerTenure, workplace_id=ward_id, manager_id=mgr.id, start_date=dt.date(2025, 1, 1))
        create(s, m.Consent, study_id=study_id, informant_role="manager", manager_id=mgr.id, signed_on=dt.date(2025, 2, 1))
        mgr_id = mgr.id
    page = DataRightsPage()
    qtbot.addWidget(page)
    ops = Operations(sqlite_db, login(sqlite_db, "boss", "admin password"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    page.person.setCurrentIndex(page.person.findData(f"manager:{mgr_id}"))

    # The register extract: PDF and JSON side by side.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "utdrag.pdf"), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.done, timeout=10000):
        page.extract_button.click()
    assert "Chef Raderasson" in PdfReader(tmp_path / "utdrag.pdf").pages[0].extract_text()
    assert (tmp_path / "utdrag.json").exists()
    assert page.preview.isVisible() and page.preview.page_count >= 1  # shown in the app, Print… there
    page.preview.close()

    asked = []

    def answer(reply):
        def question(parent, title, text, *a, **k):
            asked.append(text)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    with qtbot.waitSignal(page.done, timeout=10000):
        page.erase_button.click()
    assert "Consents: 1" in asked[0] and "Manager tenures: 1" in asked[0] and "removed entirely" in asked[0]
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Manager, mgr_id) is not None  # cancelled: nothing happened
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(page.done, timeout=10000):
        page.erase_button.click()
    assert "erased" in page.status.text()
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Manager, mgr_id) is None
        assert s.scalar(select(m.Consent.id).where(m.Consent.manager_id == mgr_id)) is None
    ops.wait()


def test_admin_edits_the_template_and_previews_it_before_saving(qtbot, sqlite_db, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from peerdesk.ui.consents.study_dialog import StudyDialog

    study_id, _ward = _setup(sqlite_db)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    page = ConsentsPage()
    qtbot.addWidget(page)
    ops = Operations(sqlite_db, login(sqlite_db, "boss", "admin password"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    page.study.setCurrentIndex(page.study.findData(study_id))
    page.study_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(page, "study_dialog", None), StudyDialog) and page.study_dialog.isVisible(), timeout=10000)
    dialog = page.study_dialog
    assert dialog.name.text() == "Utvärdering 2025–2027"
    dialog.text_sv.setPlainText("Föreningen driver utvärderingen. Medverkan är frivillig.")
    with qtbot.waitSignal(dialog.previewed, timeout=10000) as previewed:
        dialog.preview_sv.click()
    assert "Föreningen driver utvärderingen." in PdfReader(previewed.args[0]).pages[0].extract_text()
    assert opened == []  # shown inside the app, not by an external viewer that may be missing
    assert dialog.preview_dialog.isVisible() and dialog.preview_dialog.page_count == 1
    dialog.preview_dialog.close()
    qtbot.waitUntil(lambda: not os.path.exists(previewed.args[0]))  # the private file goes with it
    with qtbot.waitSignal(page.loaded, timeout=10000):
        with qtbot.waitSignal(dialog.saved, timeout=10000):
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    with sqlite_db.session(SYSTEM) as s:
        assert s.get(m.Study, study_id).consent_text_sv == "Föreningen driver utvärderingen. Medverkan är frivillig."
        assert s.scalar(select(m.ConsentForm.id)) is None  # a preview records nothing
    ops.wait()


def test_the_consents_area_in_the_main_window(qtbot, sqlite_db):
    from peerdesk.ui.main_window import MainWindow

    _setup(sqlite_db)
    window = MainWindow()
    qtbot.addWidget(window)
    ops = Operations(sqlite_db, login(sqlite_db, "boss", "admin password"), window)
    window.attach(ops, "0005")
    window.sidebar.select("consents")
    area = window.pages["consents"]
    assert window.stack.currentWidget() is area
    qtbot.waitUntil(lambda: area.consents.study.count() == 1, timeout=10000)
    assert area.rights is not None and area.tabs.count() == 2  # an administrator also gets data-subject rights
    ops.wait()
