"""Register forms save with Ctrl+S; the status bar says so and offers Undo, which puts the old values
back in the database (issue 15, item 4)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from tests.test_ui_registers import (WAIT, _own_settings, demo_db, demo_template, finish, open_row, open_window,  # noqa: F401
                                     type_into, wait_loaded)


def region_of(db, first_name: str) -> str | None:
    with db.begin(SYSTEM) as s:
        return s.scalar(select(m.PeerSupporter.region).where(m.PeerSupporter.first_name == first_name))


def test_ctrl_s_saves_a_register_form_and_the_status_bar_offers_an_undo_that_works(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list, 17)
    open_row(qtbot, panel)
    form = panel.form
    first = form.widgets["first_name"].text()
    old_region = region_of(demo_db, first)
    type_into(qtbot, form.widgets["region"], "Norra regionen")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.keyClick(form.widgets["region"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert region_of(demo_db, first) == "Norra regionen"

    from peerdesk.ui.common.saved_notice import SavedNotice

    notice = window.statusBar().findChild(SavedNotice)
    assert notice is not None and notice.isVisible()
    assert notice.label.text() == f"Saved: {panel.title.text()}." and notice.undo_button.isVisible()
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(notice.undo_button, Qt.MouseButton.LeftButton)
    assert region_of(demo_db, first) == old_region
    assert form.widgets["region"].text() == (old_region or "") and not form.is_dirty()
    assert notice.label.text().startswith("Change undone") and not notice.undo_button.isVisible()
    finish(window)


def test_a_register_date_is_kept_as_typed_and_an_empty_optional_date_stays_empty(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list, 17)
    open_row(qtbot, panel)
    form = panel.form
    first = form.widgets["first_name"].text()
    type_into(qtbot, form.widgets["certified_on"], "1/3/2026")
    qtbot.keyClick(form.widgets["certified_on"], Qt.Key.Key_Tab)
    assert form.widgets["certified_on"].text() == "2026-03-01"  # shown the Swedish (ISO) way once left
    type_into(qtbot, form.widgets["left_on"], "")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.keyClick(form.widgets["region"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with demo_db.begin(SYSTEM) as s:
        person = s.scalar(select(m.PeerSupporter).where(m.PeerSupporter.first_name == first))
        assert str(person.certified_on) == "2026-03-01" and person.left_on is None
    finish(window)
