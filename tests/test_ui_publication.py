"""Publishing from the window: the evaluator clicks Publish, reads what publishing means, confirms,
and sees the version; the report built afterwards says so, and a draft says it is a draft."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM
from tests.test_ui_evaluation import open_evaluation_page


def _build(qtbot, page, target, monkeypatch) -> list[str]:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    with qtbot.waitSignal(page.report_opened, timeout=30000):
        qtbot.mouseClick(page.build_button, Qt.MouseButton.LeftButton)
    page.preview.close()
    page.wait()
    return [p.extract_text() for p in PdfReader(str(target)).pages]


def test_the_evaluator_publishes_a_round_and_sees_its_version(qtbot, sqlite_db, tmp_path, monkeypatch):
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    page, ops = open_evaluation_page(qtbot, sqlite_db)
    page.tabs.setCurrentIndex(2)
    assert page.edition.text() == "Draft – not published" and page.publish_button.isVisible()
    draft = _build(qtbot, page, tmp_path / "draft.pdf", monkeypatch)
    assert all("UTKAST" in p for p in draft)  # the stamp on every page (the report in Swedish, as chosen)

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a: asked.append(text) or QMessageBox.StandardButton.No)
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)  # the person says No: nothing happens
    assert "frozen" in asked[0] and "withdraw" in asked[0] and "cannot be undone" in asked[0]
    assert page.edition.text() == "Draft – not published"
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.edition.text().startswith("Version 1, published"), timeout=20000)
    assert "published as version 1" in page.report_status.text()
    with sqlite_db.session(SYSTEM) as s:
        assert s.scalar(select(m.Publication.version)) == 1

    published = _build(qtbot, page, tmp_path / "published.pdf", monkeypatch)
    assert "Version 1, publicerad" in published[0] and not any("UTKAST" in p for p in published)
    ops.wait()


def test_the_consent_register_lists_the_publication_that_used_a_consent(qtbot, sqlite_db):
    from peerdesk.services import publication
    from peerdesk.services.auth import login
    from peerdesk.ui.consents.consents_page import ConsentsPage
    from peerdesk.ui.operations import Operations

    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        publication.publish(s, 3)
        used = s.scalar(select(m.ReportRunConsent.consent_id).join(m.ReportRun, m.ReportRun.id == m.ReportRunConsent.run_id)
                        .where(m.ReportRun.kind == "publication").order_by(m.ReportRunConsent.consent_id).limit(1))
    page = ConsentsPage()
    qtbot.addWidget(page)
    page.show()
    ops = Operations(sqlite_db, login(sqlite_db, "admin", "demo"), page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.attach(ops)
    qtbot.waitUntil(lambda: any(r.id == used for r in page.model.rows), timeout=10000)
    page.table.selectRow(next(i for i, r in enumerate(page.model.rows) if r.id == used))
    qtbot.mouseClick(page.reports_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Published round report, round 3, version 1" in page.status.text(), timeout=10000)
    ops.wait()
