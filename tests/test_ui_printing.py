"""Printing as an office does it: Print opens the print dialog and the pages go through Qt's own
printing (here its PDF printer, read back with pypdf); Preview shows the pages inside the app;
Save as PDF proposes a meaningful name and writes there, never into the current folder; and the
pre-filled form for a person chosen by typing part of the name."""

from __future__ import annotations

import datetime as dt
import os
import stat

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.i18n import t
from peerdesk.models import Role
from peerdesk.services import accounts
from peerdesk.services.access import SYSTEM
from peerdesk.services.auth import login
from peerdesk.ui.common import printing
from peerdesk.ui.consents.consents_page import ConsentsPage
from peerdesk.ui.operations import Operations
from tests import factories as f


def _page(qtbot, db):
    with db.begin(SYSTEM) as s:
        accounts.create_user(s, "boss", "Boss", "admin password", [Role.ADMINISTRATOR])
        st = f.study(s, name="Utvärdering 2025–2027")
        ward = f.workplace(s, name="Avdelning 21, psykosvård")
        f.peer(s, first="Åsa", last="Öberg")
        f.peer(s, first="Bo", last="Ek")
        f.manager(s, name="Maj Chefsdotter")
        ids = st.id, ward.id
    page = ConsentsPage()
    qtbot.addWidget(page)
    page.resize(1024, 640)
    page.show()
    ops = Operations(db, login(db, "boss", "admin password"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    page.study.setCurrentIndex(page.study.findData(ids[0]))
    page.workplace.setCurrentIndex(page.workplace.findData(ids[1]))
    return page, ops


def _print_to_pdf(monkeypatch, target, seen):
    """The print dialog, accepted as a person would with 'Print to file (PDF)' chosen: Qt's PDF printer."""

    def accept(dialog):
        printer = dialog.printer()
        seen.append((printer.docName(), printer.fullPage()))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(150)  # a small file for the test; an office printer gets its own (up to 600 dpi)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)


def _temp_pdfs():
    import tempfile

    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("peerdesk-print-")}


def test_print_opens_the_print_dialog_and_prints_every_form(qtbot, sqlite_db, tmp_path, monkeypatch):
    page, ops = _page(qtbot, sqlite_db)
    page.copies.setValue(10)
    target, seen = tmp_path / "printer-output.pdf", []
    _print_to_pdf(monkeypatch, target, seen)
    made = []
    real_private = printing.private_pdf_path

    def private(stem="peerdesk"):
        path = real_private(stem)
        made.append((path, stat.S_IMODE(os.stat(path.parent).st_mode), stat.S_IMODE(os.stat(path).st_mode)))
        return path

    monkeypatch.setattr("peerdesk.ui.consents.consents_page.private_pdf_path", private)
    before = _temp_pdfs()
    cwd_before = set(os.listdir(os.getcwd()))
    with qtbot.waitSignal(page.printed, timeout=60000) as printed:
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    result = printed.args[0]
    pages = PdfReader(target).pages
    assert len(pages) == 10 == len(result.form_numbers)
    # The job's name in the print queue says what it is; the pages are the whole sheet.
    assert seen == [(f"{t('file.consent_forms')}-Utvärdering-2025-2027-Avdelning-21-psykosvård-{dt.date.today().isoformat()}", True)]
    assert "10 blanketter skickades till skrivaren" in page.status.text() or "10 forms sent to the printer" in page.status.text()
    # The generated PDF lived in a private folder (0700, file 0600) and is gone afterwards.
    (path, dir_mode, file_mode), = made
    assert (dir_mode, file_mode) == (0o700, 0o600) and not path.exists() and not path.parent.exists()
    from peerdesk.storage.config import data_dir

    # in the data folder's private print folder (emptied at the next start), never the system temp folder
    assert path.parent.parent == data_dir() / "print"
    assert _temp_pdfs() == before and set(os.listdir(os.getcwd())) == cwd_before
    with sqlite_db.session(SYSTEM) as s:
        assert len(s.scalars(select(m.ConsentForm.id)).all()) == 10
    ops.wait()


def test_cancelling_the_print_dialog_records_no_form(qtbot, sqlite_db, monkeypatch):
    page, ops = _page(qtbot, sqlite_db)
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    ops.wait()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.ConsentForm.id)) is None


def test_save_as_pdf_proposes_a_meaningful_name_and_writes_nothing_in_the_cwd(qtbot, sqlite_db, tmp_path, monkeypatch):
    page, ops = _page(qtbot, sqlite_db)
    page.copies.setValue(3)
    proposed, target = [], tmp_path / "chosen" / "forms.pdf"
    target.parent.mkdir()

    def ask(parent, title, default, filters):
        proposed.append(default)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    cwd_before = set(os.listdir(os.getcwd()))
    with qtbot.waitSignal(page.printed, timeout=30000):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    (default,) = proposed
    assert os.path.basename(default) == f"{t('file.consent_forms')}-Utvärdering-2025-2027-Avdelning-21-psykosvård-{dt.date.today().isoformat()}.pdf"
    assert os.path.isabs(default) and os.path.dirname(default) != os.getcwd()
    assert len(PdfReader(target).pages) == 3
    assert set(os.listdir(os.getcwd())) == cwd_before
    # The next save proposes the folder used last time.
    assert printing.last_folder() == target.parent
    ops.wait()


def test_preview_shows_the_form_inside_the_app(qtbot, sqlite_db, monkeypatch):
    page, ops = _page(qtbot, sqlite_db)
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    with qtbot.waitSignal(page.previewed, timeout=20000) as previewed:
        qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    dialog = previewed.args[0]
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.page_count == 1 and dialog.count.text() in ("1 sida", "1 page")
    assert not dialog.print_button.isVisible()  # a sample number is never handed out
    assert opened == []  # no external viewer
    zoom = dialog.view.zoomFactor()
    qtbot.mouseClick(dialog.zoom_in, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomFactor() > zoom
    dialog.close()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.ConsentForm.id)) is None
    ops.wait()


def test_prefilled_form_for_a_person_chosen_by_typing_part_of_the_name(qtbot, sqlite_db, tmp_path, monkeypatch):
    page, ops = _page(qtbot, sqlite_db)
    page.person.setFocus()
    qtbot.keyClicks(page.person.lineEdit(), "berg")  # part of "Åsa Öberg"
    popup = page.person.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())] == ["Åsa Öberg (Peer supporter)"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert page.person.currentText() == "Åsa Öberg (Peer supporter)"
    with qtbot.waitSignal(page.previewed, timeout=20000) as previewed:
        qtbot.mouseClick(page.prefill_preview_button, Qt.MouseButton.LeftButton)
    dialog = previewed.args[0]
    assert dialog.page_count == 1 and dialog.print_button.isVisible()
    with sqlite_db.session(SYSTEM) as s:
        form = s.scalars(select(m.ConsentForm)).one()
        assert form.informant_role == m.InformantRole.PEER_SUPPORTER
    number = form.form_number
    assert number in page.status.text()
    # Print from the preview: the form with the name printed on it.
    target, seen = tmp_path / "one.pdf", []
    _print_to_pdf(monkeypatch, target, seen)
    with qtbot.waitSignal(dialog.printed, timeout=20000):
        qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    (printed,) = PdfReader(target).pages
    assert "Åsa Öberg" not in seen[0][0]  # the print queue never shows who signs
    # The printed page is an image of the form; the saved PDF has its text: the name and the number.
    proposed = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, default, filters: proposed.append(default) or (str(tmp_path / "saved.pdf"), filters))
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    text = " ".join(PdfReader(tmp_path / "saved.pdf").pages[0].extract_text().split())
    assert "Åsa Öberg" in text and number in text
    assert os.path.basename(proposed[0]) == f"{t('file.consent_form')}-Utvärdering-2025-2027-{number}-{dt.date.today().isoformat()}.pdf"
    dialog.close()
    ops.wait()


def test_a_name_that_matches_no_one_says_so(qtbot, sqlite_db):
    page, ops = _page(qtbot, sqlite_db)
    qtbot.keyClicks(page.person.lineEdit(), "Nobody")
    qtbot.mouseClick(page.prefill_print_button, Qt.MouseButton.LeftButton)
    assert page.status.text() in ("Ingen peer supporter, chef eller namngiven informant har det namnet.",
                                  "No peer supporter, manager or named informant has that name.")
    ops.wait()


def test_an_unreadable_pdf_gives_a_message_not_silence(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"not a pdf")
    assert printing.preview_pdf(None, bad, "x") is None
    assert printing.print_pdf(None, bad) is None
    assert len(shown) == 2 and all(shown)


def test_the_supervision_summary_is_shown_in_the_app_and_prints_the_same_way(qtbot, sqlite_db, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from peerdesk.ui.supervision.summary_dialog import SummaryDialog

    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "coord", "Coordinator", "coordinator password", [Role.COORDINATOR])
        f.peer(s, first="Åsa", last="Öberg")
    ops = Operations(sqlite_db, login(sqlite_db, "coord", "coordinator password"))
    dialog = SummaryDialog(ops, dt.date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    proposed = dialog.path.text()
    assert os.path.isabs(proposed) and os.path.dirname(proposed) != os.getcwd()
    assert os.path.basename(proposed) == f"{t('ui.supervision.summary.file')}-2026-12-02.pdf"
    dialog.path.setText(str(tmp_path / "summary.pdf"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(dialog, "preview", None) is not None, timeout=20000)
    pages = len(PdfReader(tmp_path / "summary.pdf").pages)
    assert dialog.preview.isVisible() and dialog.preview.page_count == pages >= 1
    target, seen = tmp_path / "printed.pdf", []
    _print_to_pdf(monkeypatch, target, seen)
    with qtbot.waitSignal(dialog.preview.printed, timeout=20000):
        qtbot.mouseClick(dialog.preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(target).pages) == pages
    dialog.preview.close()
    ops.wait()
