"""Recruitment in the window: the administrator, logged in at the login dialog, opens Recruitment and
training, sees the applicants and where each stands, accepts an interviewed applicant into the third
cohort, and finds the new peer supporter in the People area in that cohort."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from peerdesk.models import Role
from peerdesk.services import accounts, demo
from peerdesk.services.access import SYSTEM
from peerdesk.services.demo_recruitment import THIRD_COHORT_NAME
from tests.test_i18n_labels import swedish  # noqa: F401 - fixture
from tests.test_ui_accounts import log_in, open_area, visible_texts, window  # noqa: F401 - fixtures


@pytest.fixture
def office(sqlite_db, monkeypatch, tmp_path):
    monkeypatch.setenv("PEERDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PEERDESK_USER", raising=False)
    monkeypatch.delenv("PEERDESK_PASSWORD", raising=False)
    with sqlite_db.begin(SYSTEM) as s:
        accounts.create_user(s, "ada", "Ada Admin", "ada password", [Role.ADMINISTRATOR])
        demo.load_demo(s)
    return sqlite_db


def _cell(page, row: int, column: str) -> str:
    from peerdesk.ui.training.applicants_page import COLUMNS

    return page.model.index(row, COLUMNS.index(column)).data()


def _row_of(page, name: str) -> int:
    names = [_cell(page, r, "name") for r in range(page.model.rowCount())]
    assert name in names, names
    return names.index(name)


def test_the_administrator_accepts_an_interviewed_applicant_into_the_third_cohort(qtbot, office, window, monkeypatch):
    log_in(qtbot, window, office, "ada", "ada password")
    assert window.sidebar.items["training"].text() == "Recruitment and training"
    area = open_area(qtbot, window, "training")
    page = area.applicants
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=15000)
    # Where each stands, in words.
    lova = _row_of(page, "Lova Ekberg")
    assert _cell(page, lova, "stage") == "interviewed"
    assert _cell(page, _row_of(page, "Vera Holmqvist"), "stage") == "story received"
    assert _cell(page, _row_of(page, "Tilde Bergman"), "cohort_name") == THIRD_COHORT_NAME
    assert _cell(page, lova, "interviewers") == "Samordnare Demo, Administratör Demo"
    assert page.count.text() == "6 applicants"
    # Only the interviewed: the stage filter.
    page.stage.setCurrentIndex(page.stage.findData("interviewed"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert _cell(page, 0, "name") == "Lova Ekberg"
    # Open her, Decide…: "Accept into cohort", the third cohort, confirm.
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.decide_button.isEnabled()
    qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    form = page.decide_form
    qtbot.waitUntil(form.isVisible)
    assert "Lova Ekberg" in form.context.text()
    assert form.decision.currentText() == "Accept into cohort"
    assert [form.cohort.itemText(i) for i in range(form.cohort.count())] == [THIRD_COHORT_NAME]  # the ended ones are not offered
    asked = []

    def confirm(parent, title, text, *buttons):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", confirm)
    qtbot.keyClicks(form.reason, "Bra intervju")
    with qtbot.waitSignal(window.ops.data_changed, timeout=10000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert asked and "Lova Ekberg" in asked[0] and THIRD_COHORT_NAME in asked[0]
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
    notice = f"Lova Ekberg has been accepted into {THIRD_COHORT_NAME} and is now in People as a peer supporter in training."
    assert page.status.text() == notice
    assert notice in visible_texts(window)  # also in the status bar
    # The list says so: she is no longer among the interviewed, and is accepted into the cohort.
    page.stage.setCurrentIndex(page.stage.findData("accepted"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    lova = _row_of(page, "Lova Ekberg")
    assert _cell(page, lova, "stage") == "accepted" and _cell(page, lova, "cohort_name") == THIRD_COHORT_NAME
    # The People area: the new peer supporter, in training, in the third cohort.
    people = open_area(qtbot, window, "people")
    qtbot.keyClicks(people.people.list.filter, "Ekberg")
    qtbot.waitUntil(lambda: "Ekberg" in visible_texts(window) and THIRD_COHORT_NAME in visible_texts(window), timeout=10000)
    texts = visible_texts(window)
    assert "Lova" in texts and "in training" in texts.lower()


def test_the_applicants_list_at_1024x640_in_swedish(qtbot, office, swedish, window):
    log_in(qtbot, window, office, "ada", "ada password")
    area = open_area(qtbot, window, "training")
    page = area.applicants
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=15000)
    assert window.width() <= 1024 and window.height() <= 640
    assert page.new_button.isVisible() and page.decide_button.isVisible()
    assert page.decide_button.geometry().bottom() <= page.height()
    assert window.sidebar.items["training"].text() == "Rekrytering och utbildning"
    assert _cell(page, _row_of(page, "Lova Ekberg"), "stage") == "intervjuad"
    assert page.count.text() == "6 sökande"
    import os

    folder = os.environ.get("PEERDESK_SHOTS")
    if folder:
        window.grab().save(os.path.join(folder, "applicants_sv.png"))
    # The decision dialog, in Swedish, for the interviewed applicant.
    lova = _row_of(page, "Lova Ekberg")
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(page.model.index(lova, 0)).center())
    qtbot.mouseClick(page.decide_button, Qt.MouseButton.LeftButton)
    form = page.decide_form
    qtbot.waitUntil(form.isVisible)
    assert form.decision.currentText() == "Anta till kull" and form.save_button.text() == "Besluta"
    if folder:
        form.grab().save(os.path.join(folder, "decide_sv.png"))
    form.reject()
