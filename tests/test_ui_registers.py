"""The registers as a person uses them: filter, open a row, edit, save, see what is wrong, cancel; conflicts; roles."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from peerdesk.services.access import SYSTEM
from peerdesk.storage.config import DatabaseTarget
from peerdesk.storage.database import open_database
from peerdesk.ui.main_window import MainWindow
from peerdesk.ui.operations import Operations
from tests.conftest import TEST_KEY

WAIT = 10000


@pytest.fixture(autouse=True)
def _own_settings(tmp_path, monkeypatch):
    """QSettings in a temp folder: tests never read or write the developer's window state."""
    QCoreApplication.setOrganizationName("PeerDeskTests")
    QCoreApplication.setApplicationName("PeerDeskTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    from peerdesk import i18n

    monkeypatch.setattr(i18n, "_current", "en")
    yield


@pytest.fixture(scope="module")
def demo_template(sqlite_template, tmp_path_factory):
    from peerdesk.services import demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(sqlite_template, path)
    db = open_database(DatabaseTarget("sqlite", path=path), TEST_KEY)
    with db.begin(SYSTEM) as s:
        demo.load_demo(s)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path):
    path = tmp_path / "peerdesk.db"
    shutil.copy(demo_template, path)
    db = open_database(DatabaseTarget("sqlite", path=path), TEST_KEY)
    yield db
    db.dispose()


def actor_for(db, username: str):
    from peerdesk.services.auth import login

    return login(db, username, "demo")


def open_window(qtbot, db, username: str = "coordinator") -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    ops = Operations(db, actor_for(db, username), window)
    with qtbot.waitSignal(window.overview.loaded, timeout=WAIT):
        window.attach(ops, "0002")
    return window


def wait_loaded(qtbot, lst, n: int | None = None) -> None:
    """Until the list shows `n` rows (or any number) and its first page is on screen."""
    model = lst.model

    def ready():
        if n is not None and model.rowCount() != n:
            return False
        return model.rowCount() == 0 or model.shown(0) is not None

    qtbot.waitUntil(ready, timeout=WAIT)


def keys(qtbot, widget, text: str) -> None:
    """Type `text`: key by key where QTest can (ASCII); å, ä, ö arrive as an input method would deliver them."""
    widget.setFocus()
    for part in __import__("re").findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if part.isascii():
            qtbot.keyClicks(widget, part)
        else:
            widget.insert(part)


def type_into(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    keys(qtbot, widget, text)


def finish(window) -> None:
    window.ops.wait()
    QCoreApplication.processEvents()


def open_row(qtbot, panel, row: int = 0) -> None:
    with qtbot.waitSignal(panel.form.loaded, timeout=WAIT):
        panel.list.focus_table()
        panel.list.select_row(row)
        qtbot.keyClick(panel.list.table, Qt.Key.Key_Return)


def test_people_register_filter_open_edit_save_invalid_and_cancel(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    area = window.pages["people"]
    panel = area.people
    assert window.stack.currentWidget() is area
    wait_loaded(qtbot, panel.list, 17)

    # Filter as you type (Å, Ö too), then open the row with Enter.
    keys(qtbot, panel.list.filter, "öberg")
    wait_loaded(qtbot, panel.list, 1)
    assert panel.list.model.shown(0)[:2] == ("Öberg", "Åsa")
    assert panel.list.count.text() == "1 row"
    open_row(qtbot, panel)
    form = panel.form
    assert form.widgets["first_name"].text() == "Åsa"
    assert panel.title.text() == "Åsa Öberg"

    # The whole person on one page: cohort, placements, contracts, supervision summary (no notes).
    history = panel.history
    qtbot.waitUntil(lambda: history.isVisible() and history.cohort.text() == "Kull 1", timeout=WAIT)
    assert "Avdelning 21" in history.placements.texts()[0][0]
    assert history.contracts.isVisible() and len(history.contracts.texts()) == 2
    assert "sessions, last on" in history.supervision.text()
    assert not history.consents.isVisible()  # a coordinator does not read consents

    # Edit and save: the list shows the change.
    type_into(qtbot, form.widgets["region"], "Norra regionen")
    assert form.is_dirty()
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (panel.list.model.shown(0) or ("",) * 6)[4] == "Norra regionen", timeout=WAIT)
    assert not form.is_dirty()

    # An impossible personal identity number: the message is next to the field, the typing stays.
    type_into(qtbot, form.widgets["personal_number"], "19900101-1234")
    type_into(qtbot, form.widgets["phone"], "070-000 00 00")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    error = form.errors["personal_number"]
    assert error.isVisible() and "check digit" in error.text()
    assert form.widgets["personal_number"].text() == "19900101-1234"
    assert form.widgets["phone"].text() == "070-000 00 00"

    # Left without a date: that message sits under "Left on".
    form.widgets["personal_number"].clear()
    form.widgets["status"].setCurrentIndex(form.widgets["status"].findData("left"))
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors["left_on"].isVisible() and not form.errors["personal_number"].isVisible()

    # Cancel: back to what is saved.
    qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    assert form.widgets["phone"].text() != "070-000 00 00"
    assert form.widgets["status"].currentData() == "placed"
    assert not form.is_dirty() and not form.errors["left_on"].isVisible()

    from peerdesk import models as m

    with demo_db.session(SYSTEM) as s:
        p = s.query(m.PeerSupporter).filter_by(last_name="Öberg").one()
        assert p.region == "Norra regionen" and p.personal_number is None
    finish(window)


def test_new_person_missing_name_then_saved(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list, 17)
    qtbot.mouseClick(panel.list.new_button, Qt.MouseButton.LeftButton)
    form = panel.form
    assert form.isEnabled() and panel.title.text() == "New record"
    qtbot.keyClicks(form.widgets["first_name"], "Test")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors["last_name"].text() == "Last name is required."
    qtbot.keyClicks(form.widgets["last_name"], "Person")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, panel.list, 18)
    assert form.record_id is not None and panel.title.text() == "Test Person"
    finish(window)


def test_conflict_shows_what_changed_and_reload_or_reapply(qtbot, demo_db):
    from peerdesk import models as m
    from peerdesk.services import records

    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list, 17)
    keys(qtbot, panel.list.filter, "Öberg")
    wait_loaded(qtbot, panel.list, 1)
    open_row(qtbot, panel)
    form = panel.form
    person_id = form.record_id

    def colleague_changes(**changes):
        with demo_db.begin(SYSTEM) as s:
            obj = records.get(s, m.PeerSupporter, person_id)
            records.update(s, m.PeerSupporter, person_id, obj.version, **changes)

    colleague_changes(last_name="Öberg-Lind")
    type_into(qtbot, form.widgets["phone"], "070-123 45 67")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.banner.isVisible()
    assert "Last name" in form.banner.text.text() and "Öberg-Lind" in form.banner.text.text()
    assert form.widgets["phone"].text() == "070-123 45 67"  # nothing of mine is lost yet
    with qtbot.waitSignal(form.loaded, timeout=WAIT):
        qtbot.mouseClick(form.banner.reload_button, Qt.MouseButton.LeftButton)
    assert not form.banner.isVisible()
    assert form.widgets["last_name"].text() == "Öberg-Lind"
    assert form.widgets["phone"].text() != "070-123 45 67"

    # Second time: re-apply my change on top of theirs — both are kept.
    colleague_changes(region="Södra regionen")
    type_into(qtbot, form.widgets["phone"], "070-765 43 21")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "Region" in form.banner.text.text()
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(form.banner.reapply_button, Qt.MouseButton.LeftButton)
    with demo_db.session(SYSTEM) as s:
        p = s.get(m.PeerSupporter, person_id)
        assert (p.region, p.phone, p.last_name) == ("Södra regionen", "070-765 43 21", "Öberg-Lind")
    assert form.widgets["region"].text() == "Södra regionen"
    finish(window)


def test_unsaved_changes_prompt_when_opening_another_row(qtbot, demo_db, monkeypatch):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    panel = window.pages["people"].people
    wait_loaded(qtbot, panel.list, 17)
    open_row(qtbot, panel, 0)
    first_id = panel.form.record_id
    type_into(qtbot, panel.form.widgets["region"], "Ändrad")
    asked = []

    def answer(button):
        def fake(*args, **kwargs):
            asked.append(args[2])
            return button
        return fake

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    panel.list.select_row(1)
    qtbot.keyClick(panel.list.table, Qt.Key.Key_Return)
    assert asked and "not saved" in asked[0]
    assert panel.form.record_id == first_id and panel.form.widgets["region"].text() == "Ändrad"

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    with qtbot.waitSignal(panel.form.loaded, timeout=WAIT):
        qtbot.keyClick(panel.list.table, Qt.Key.Key_Return)
    assert panel.form.record_id != first_id
    finish(window)


def test_workplaces_kind_filter_history_and_change_manager(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("workplaces")
    area = window.pages["workplaces"]
    panel = area.workplaces
    wait_loaded(qtbot, panel.list, 14)  # nine wards, and five more being won over (services/demo_onboarding.py)
    panel.list.set_status("municipal")
    wait_loaded(qtbot, panel.list, 3)
    assert {panel.list.model.shown(r)[2] for r in range(3)} == {"Municipal"}
    panel.list.set_status(None)
    qtbot.keyClicks(panel.list.filter, "Avdelning 21")
    wait_loaded(qtbot, panel.list, 1)
    open_row(qtbot, panel)
    history = area.history
    qtbot.waitUntil(lambda: history.isVisible() and len(history.tenures.texts()) == 2, timeout=WAIT)
    current_manager = history.tenures.texts()[0][0]
    assert history.tenures.texts()[0][2] == "ongoing"
    assert panel.list.model.shown(0)[5] == current_manager  # the list shows the current manager too
    assert "Öberg, Åsa" in [row[0] for row in history.placements.texts()]

    qtbot.mouseClick(history.change_button, Qt.MouseButton.LeftButton)
    dialog = history.dialog
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.start, "2001-01-01")  # before the current manager started: refused, dialog stays
    qtbot.keyClicks(dialog.new_name, "Nadia Ny")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert "must start after" in dialog.error.text() and dialog.isVisible()
    import datetime as dt

    today = dt.date.today().isoformat()
    type_into(qtbot, dialog.start, today)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(history.tenures.texts()) == 3, timeout=WAIT)
    rows = history.tenures.texts()
    assert rows[0][:3] == ["Nadia Ny", today, "ongoing"]
    assert rows[1][0] == current_manager and rows[1][2] == (dt.date.today() - dt.timedelta(days=1)).isoformat()
    qtbot.waitUntil(lambda: (panel.list.model.shown(0) or ("",) * 6)[5] == "Nadia Ny", timeout=WAIT)
    finish(window)


def test_contract_period_overlap_and_end_before_start(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("contracts")
    area = window.pages["contracts"]
    panel = area.contracts
    qtbot.waitUntil(lambda: panel.list.model.rowCount() > 0, timeout=WAIT)  # the area loads when first shown
    wait_loaded(qtbot, panel.list)
    before = panel.list.model.rowCount()
    qtbot.mouseClick(panel.list.new_button, Qt.MouseButton.LeftButton)
    form = panel.form
    qtbot.waitUntil(lambda: form.widgets["peer_supporter_id"].count() > 10, timeout=WAIT)
    person = form.widgets["peer_supporter_id"]
    person.setCurrentIndex(person.findText("Öberg, Åsa"))
    keys(qtbot, form.widgets["employer"], "Föreningen Brukarkraft")
    qtbot.keyClicks(form.widgets["start_date"], "2025-06-01")
    qtbot.keyClicks(form.widgets["end_date"], "2025-01-01")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.errors["end_date"].isVisible() and "cannot be before" in form.errors["end_date"].text()
    type_into(qtbot, form.widgets["end_date"], "2025-12-31")
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.errors["end_date"].isVisible()
    assert "overlaps" in form.errors["start_date"].text()
    assert form.widgets["employer"].text() == "Föreningen Brukarkraft"
    # A period after the running ones is fine (Åsa is permanent from ~8 months ago: choose another person).
    person.setCurrentIndex(person.findText("Demir, Yusuf"))
    type_into(qtbot, form.widgets["start_date"], "2040-01-01")
    type_into(qtbot, form.widgets["end_date"], "2040-06-30")
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, panel.list, before + 1)
    finish(window)


def test_placement_created_from_the_contracts_area(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("contracts")
    area = window.pages["contracts"]
    area.setCurrentWidget(area.placements)
    panel = area.placements
    wait_loaded(qtbot, panel.list, 10)
    qtbot.mouseClick(panel.list.new_button, Qt.MouseButton.LeftButton)
    form = panel.form
    qtbot.waitUntil(lambda: form.widgets["workplace_id"].count() > 5, timeout=WAIT)
    form.widgets["peer_supporter_id"].setCurrentIndex(form.widgets["peer_supporter_id"].findText("Demir, Yusuf"))
    form.widgets["workplace_id"].setCurrentIndex(form.widgets["workplace_id"].findText("Boendestöd Norrby"))
    qtbot.keyClicks(form.widgets["start_date"], "2030-02-01")
    form.widgets["extent_percent"].setValue(0)
    with qtbot.waitSignal(form.failed, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "between 1 and 100" in form.errors["extent_percent"].text()
    form.widgets["extent_percent"].setValue(40)
    with qtbot.waitSignal(form.saved, timeout=WAIT):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    wait_loaded(qtbot, panel.list, 11)
    finish(window)


def test_roles_decide_what_is_shown(qtbot, demo_db):
    window = open_window(qtbot, demo_db, "supervisor")
    hidden = {a for a, item in window.sidebar.items.items() if item.isHidden()}
    assert hidden == {"consents", "evaluation", "funding", "training"}
    panel = window.pages["people"].people
    assert not panel.list.new_button.isVisible() and not panel.form.save_button.isVisibleTo(panel)
    assert window.pages["contracts"].contracts is None  # supervisors do not read contracts
    window.sidebar.select("people")  # an area loads when first shown
    wait_loaded(qtbot, panel.list, 17)
    open_row(qtbot, panel)
    assert "personal_number" in panel.form.widgets and panel.form.widgets["first_name"].isReadOnly()
    finish(window)

    evaluator = open_window(qtbot, demo_db, "evaluator")
    shown = {a for a, item in evaluator.sidebar.items.items() if not item.isHidden()}
    assert shown == {"today", "consents", "evaluation", "settings"}
    assert "people" not in evaluator.pages and "workplaces" not in evaluator.pages
    finish(evaluator)


def test_every_register_model_passes_the_model_tester(qtbot, qtmodeltester, demo_db):
    from peerdesk.services.registers import REGISTERS
    from peerdesk.ui.common.table_model import RegisterModel

    ops = Operations(demo_db, SYSTEM)
    for name, reg in REGISTERS.items():
        model = RegisterModel(ops, name, reg.columns)
        with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
            model.reload()
        assert model.rowCount() > 0, name
        qtmodeltester.check(model, force_py=True)
        model.sort(1, Qt.SortOrder.DescendingOrder)
        with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
            pass
        qtmodeltester.check(model, force_py=True)
    ops.wait()


def test_sorting_and_filtering_happen_in_sql(qtbot, demo_db):
    from peerdesk.ui.common.table_model import RegisterModel

    ops = Operations(demo_db, SYSTEM)
    model = RegisterModel(ops, "people", ("last_name", "first_name", "status", "cohort_id", "region", "certified_on"))
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
        model.reload()
    names = [model.shown(r)[0] for r in range(model.rowCount())]
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
        model.sort(0, Qt.SortOrder.DescendingOrder)
    assert [model.shown(r)[0] for r in range(model.rowCount())] == list(reversed(names))
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
        model.set_filter("kull 3", "in_training")
    assert model.rowCount() == 6 and {model.shown(r)[3] for r in range(6)} == {"Kull 3"}  # two of them from the applicants
    ops.wait()


def test_a_list_arrives_with_its_first_page_in_one_job(qtbot, demo_db):
    """Ids and the first visible page come back together: the list paints after one worker round trip."""
    from peerdesk.ui.common.table_model import RegisterModel

    ops = Operations(demo_db, SYSTEM)
    jobs = []
    query = ops.query
    ops.query = lambda fn, *a, **kw: (jobs.append(fn), query(fn, *a, **kw))[1]
    model = RegisterModel(ops, "people", ("last_name", "first_name", "status", "cohort_id", "region", "certified_on"))
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT):
        model.reload()
    assert len(jobs) == 1 and model.rowCount() > 0
    assert all(model.shown(r) is not None for r in range(model.rowCount()))  # the demo's people fit in one page
    assert model.index(0, 0).data() == model.shown(0)[0] and len(jobs) == 1  # painting asks for nothing more
    with qtbot.waitSignal(model.page_loaded, timeout=WAIT):  # an empty result is loaded too
        model.set_filter("no such name", None)
    assert model.rowCount() == 0 and len(jobs) == 2
    ops.wait()


def test_fitting_the_columns_of_a_big_list_reads_only_the_first_page(qtbot, monkeypatch):
    """The first time a list is shown its columns fit the rows on screen; no more pages are read to measure them."""
    from peerdesk.ui.common import table_model
    from peerdesk.ui.common.register_list import RegisterList

    pages = []
    monkeypatch.setattr(table_model, "_ids", lambda *args: lambda s: (
        list(range(1, 5001)), {i: (f"2026-01-{i % 28 + 1:02d}", "individual", 60, 1) for i in range(1, 201)}))
    monkeypatch.setattr(table_model, "_rows", lambda name, ids: pages.append(ids[0]) or (lambda s: {}))

    class Ops:  # answers at once, on the GUI thread
        def query(self, fn, on_done=None, on_error=None):
            on_done(fn(None))

    lst = RegisterList(Ops(), "sessions", ("held_on", "form", "duration_minutes", "participants"), descending=True)
    qtbot.addWidget(lst)
    lst.resize(800, 500)
    lst.show()
    lst.reload()
    qtbot.waitUntil(lambda: not lst._fit_columns)  # fitted, once the first page was there
    lst.table.viewport().repaint()
    assert pages == [] and lst.table.horizontalHeader().sectionSize(0) < 200


def test_a_lists_column_layout_is_kept_once_the_list_is_hidden(qtbot, demo_db):
    from peerdesk.ui.common.register_list import RegisterList

    ops = Operations(demo_db, SYSTEM)
    columns = ("last_name", "first_name", "status", "cohort_id", "region", "certified_on")
    lst = RegisterList(ops, "people", columns)
    qtbot.addWidget(lst)
    lst.show()
    with qtbot.waitSignal(lst.model.page_loaded, timeout=WAIT):
        lst.reload()
    lst.table.horizontalHeader().resizeSection(1, 217)
    lst.hide()  # saved now, not only a moment after the last change
    again = RegisterList(ops, "people", columns)
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().sectionSize(1) == 217
    ops.wait()


def test_global_search_opens_the_person(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.search
    assert search is not None and search.isVisible()
    qtbot.keyClicks(search.field, "samir")
    qtbot.waitUntil(lambda: search.results.count() == 1, timeout=WAIT)
    panel = window.pages["people"].people
    with qtbot.waitSignal(panel.form.loaded, timeout=WAIT):
        qtbot.keyClick(search.field, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.pages["people"]
    assert panel.form.widgets["first_name"].text() == "Samir"
    finish(window)


def test_language_switch_in_settings_rebuilds_the_pages(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    assert window.sidebar.items["workplaces"].text() == "Workplaces"
    window.sidebar.select("settings")
    combo = window.pages["settings"].language
    combo.setCurrentIndex(combo.findData("sv"))
    qtbot.waitUntil(lambda: window.sidebar.items["workplaces"].text() == "Arbetsplatser", timeout=WAIT)
    assert QSettings().value("ui/language") == "sv"
    assert window.stack.currentWidget() is window.pages["settings"]
    people = window.pages["people"].people
    assert people.list.new_button.text() == "Ny"
    assert people.form.save_button.text() == "Spara"
    window.sidebar.select("people")  # a rebuilt area loads when shown
    wait_loaded(qtbot, people.list, 17)
    assert people.list.model.headerData(0, Qt.Orientation.Horizontal) == "Efternamn"
    finish(window)


def test_badges_and_accessible_names(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.set_badge("workplaces", 3)
    item = window.sidebar.items["workplaces"]
    assert window.sidebar.badge("workplaces") == 3
    assert item.data(Qt.ItemDataRole.AccessibleTextRole) == "Workplaces: 3 need attention"
    window.set_badges({"workplaces": 0})
    assert item.data(Qt.ItemDataRole.AccessibleTextRole) == "Workplaces"
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QSpinBox, QTableView

    for page in window.pages.values():
        for cls in (QLineEdit, QComboBox, QSpinBox, QTableView, QAbstractButton):
            for widget in page.findChildren(cls):
                if widget.parent() is not None and type(widget.parent()).__name__ in ("QComboBox", "QSpinBox", "QTabBar",
                                                                                        "QLineEdit", "QScrollBar"):
                    continue
                if type(widget).__name__ in ("QToolButton",) or not widget.focusPolicy():
                    continue
                assert widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text()), \
                    (type(widget).__name__, widget.objectName())
    finish(window)


def test_closing_with_unsaved_changes_asks_first(qtbot, demo_db, monkeypatch):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("workplaces")
    panel = window.pages["workplaces"].workplaces
    wait_loaded(qtbot, panel.list, 14)
    open_row(qtbot, panel)
    type_into(qtbot, panel.form.widgets["specialty"], "ny inriktning")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.close()
    assert window.isVisible()  # Cancel: the window stays with the typing
    assert panel.form.widgets["specialty"].text() == "ny inriktning"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)  # saved, then closed
    from peerdesk import models as m

    with demo_db.session(SYSTEM) as s:
        assert s.query(m.Workplace).filter_by(specialty="ny inriktning").count() == 1


def test_column_layout_and_window_geometry_are_kept(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    lst = window.pages["people"].people.list
    wait_loaded(qtbot, lst, 17)
    lst.table.horizontalHeader().resizeSection(1, 321)
    window.resize(701, 555)
    window.close()
    again = open_window(qtbot, demo_db)
    assert again.pages["people"].people.list.table.horizontalHeader().sectionSize(1) == 321
    assert (again.width(), again.height()) == (701, 555)
    finish(again)


def test_keyboard_only_filter_down_enter_and_area_shortcuts(qtbot, demo_db):
    window = open_window(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT)
    qtbot.keyClick(window.sidebar, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Ctrl+3: Workplaces
    area = window.pages["workplaces"]
    assert window.stack.currentWidget() is area
    panel = area.workplaces
    wait_loaded(qtbot, panel.list, 14)
    panel.list.filter.setFocus()
    qtbot.keyClicks(panel.list.filter, "bostad")
    wait_loaded(qtbot, panel.list, 1)
    qtbot.keyClick(panel.list.filter, Qt.Key.Key_Down)
    assert panel.list.table.hasFocus() and panel.list.table.currentIndex().row() == 0
    with qtbot.waitSignal(panel.form.loaded, timeout=WAIT):
        qtbot.keyClick(panel.list.table, Qt.Key.Key_Return)
    assert panel.form.widgets["name"].text() == "Bostad Först Älvstaden"
    finish(window)
