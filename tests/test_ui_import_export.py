"""The import wizard and the Export button as a coordinator uses them."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QWizard
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.services.access import SYSTEM
from tests.test_ui_registers import (  # noqa: F401  (fixtures)
    WAIT,
    _own_settings,
    demo_db,
    demo_template,
    finish,
    keys,
    open_window,
    wait_loaded,
)


def _file(path):
    book = Workbook()
    sh = book.active
    sh.append(["Arbetsplats", "Förvaltning", "Vårdform", "Region"])
    sh.append(["Avdelning Åsa", "Psykiatri Väst", "Slutenvård", "VGR"])  # row 2: fine
    sh.append(["Avdelning Rymd", "Psykiatri Väst", "rymdstation", "VGR"])  # row 3: unknown kind
    sh.append(["Mottagning Öberg", None, "Öppenvård", "VGR"])  # row 4: organisation missing
    book.save(path)


def _row_of(page, number):
    return next(r for r, row in enumerate(page.rows) if row.number == number)


def test_import_wizard_map_preview_fix_skip_and_commit(qtbot, demo_db, tmp_path, monkeypatch):
    path = tmp_path / "avdelningar.xlsx"
    _file(path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window = open_window(qtbot, demo_db)
    window.sidebar.select("workplaces")
    panel = window.pages["workplaces"].workplaces
    wait_loaded(qtbot, panel.list, 14)
    assert panel.list.import_button.isVisible()
    qtbot.mouseClick(panel.list.import_button, Qt.MouseButton.LeftButton)
    wizard = panel.list.wizard
    qtbot.waitUntil(wizard.isVisible, timeout=WAIT)
    assert wizard.file_page.kind.currentData() == "workplaces"
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # no file yet
    with qtbot.waitSignal(wizard.sheet_loaded, timeout=WAIT):
        qtbot.mouseClick(wizard.file_page.choose, Qt.MouseButton.LeftButton)
    assert "3 rows" in wizard.file_page.info.text()

    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    combos = wizard.map_page.combos
    assert [c.currentData() for c in combos] == ["name", "organisation", "kind", "region"]  # guessed from Swedish headers

    page = wizard.preview_page
    with qtbot.waitSignal(page.checked, timeout=WAIT):
        qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    finish_button = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish_button.isEnabled()
    last = page.table.columnCount() - 1
    assert page.table.item(_row_of(page, 2), last).text() == "new"
    assert "Kind: not a valid choice" in page.table.item(_row_of(page, 3), last).text()
    assert "Organisation" in page.table.item(_row_of(page, 4), last).text()
    assert "1 new" in page.summary.text() and "2 with problems" in page.summary.text()
    with demo_db.session(SYSTEM) as s:  # the preview wrote nothing
        assert s.scalar(select(m.Workplace.id).where(m.Workplace.name == "Avdelning Åsa")) is None

    # Fix row 4 by typing the organisation into its cell; skip row 3.
    r4, org_column = _row_of(page, 4), 2 + page.fields.index("organisation")
    page.table.setCurrentCell(r4, org_column)
    page.table.editItem(page.table.item(r4, org_column))
    editor = page.table.findChild(QLineEdit)
    qtbot.waitUntil(lambda: editor is not None and editor.isVisible(), timeout=WAIT)
    keys(qtbot, editor, "Psykiatri Öst")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.rows[r4].values["organisation"] == "Psykiatri Öst", timeout=WAIT)  # committed when the editor closes
    page.table.item(_row_of(page, 3), 0).setCheckState(Qt.CheckState.Checked)  # the Skip box
    with qtbot.waitSignal(page.checked, timeout=WAIT):
        qtbot.mouseClick(page.recheck, Qt.MouseButton.LeftButton)
    assert "2 new" in page.summary.text() and "1 skipped" in page.summary.text()
    assert finish_button.isEnabled()

    with qtbot.waitSignal(wizard.imported, timeout=WAIT):
        qtbot.mouseClick(finish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT)
    wait_loaded(qtbot, panel.list, 16)
    keys(qtbot, panel.list.filter, "öberg")
    wait_loaded(qtbot, panel.list, 1)
    assert panel.list.model.shown(0)[:2] == ("Mottagning Öberg", "Psykiatri Öst")
    with demo_db.session(SYSTEM) as s:
        assert s.scalar(select(m.Workplace.id).where(m.Workplace.name == "Avdelning Rymd")) is None
    finish(window)


def test_export_button_writes_the_list_as_filtered_and_sorted(qtbot, demo_db, tmp_path, monkeypatch):
    target = tmp_path / "personer.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = open_window(qtbot, demo_db)
    window.sidebar.select("people")
    lst = window.pages["people"].people.list
    wait_loaded(qtbot, lst, 17)
    lst.set_status("active")  # the status filter, as chosen in the list's combo box
    lst.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # a click on "First name", twice
    qtbot.waitUntil(lambda: 0 < lst.model.rowCount() < 17 and lst.model.descending, timeout=WAIT)
    wait_loaded(qtbot, lst)
    shown = [lst.model.shown(r)[:2] for r in range(lst.model.rowCount())]
    assert shown == sorted(shown, key=lambda r: r[1], reverse=True)
    with qtbot.waitSignal(lst.exported, timeout=WAIT):
        qtbot.mouseClick(lst.export_button, Qt.MouseButton.LeftButton)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert [r[:2] for r in rows[1:]] == shown
    assert "exported" in lst.count.text()
    finish(window)


def test_the_administrator_exports_everything_from_settings(qtbot, demo_db, tmp_path, monkeypatch):
    import zipfile

    target = tmp_path / "kontoret.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window = open_window(qtbot, demo_db, "admin")
    window.sidebar.select("settings")
    area = window.pages["settings"]
    qtbot.mouseClick(area.export_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "tables" in area.export_all_status.text(), timeout=WAIT)
    with zipfile.ZipFile(target) as zf:
        assert "schema.json" in zf.namelist()
    finish(window)
    coordinator = open_window(qtbot, demo_db, "coordinator")
    coordinator.sidebar.select("settings")
    assert getattr(coordinator.pages["settings"], "export_all_button", None) is None
    finish(coordinator)


def test_the_column_mapping_is_remembered_for_the_next_file_of_that_kind(qtbot, demo_db, tmp_path, monkeypatch):
    path = tmp_path / "chefer.csv"
    path.write_text("Vem;Titel\nBritt Öhman;Avdelningschef\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window = open_window(qtbot, demo_db)
    window.sidebar.select("workplaces")
    lst = window.pages["workplaces"].managers.list

    def to_mapping():
        qtbot.mouseClick(lst.import_button, Qt.MouseButton.LeftButton)
        wizard = lst.wizard
        with qtbot.waitSignal(wizard.sheet_loaded, timeout=WAIT):
            qtbot.mouseClick(wizard.file_page.choose, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        return wizard

    wizard = to_mapping()
    combo = wizard.map_page.combos[0]
    assert combo.currentData() is None  # "Vem" says nothing
    combo.setCurrentIndex(combo.findData("name"))
    with qtbot.waitSignal(wizard.preview_page.checked, timeout=WAIT):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.preview_page.preview.count("new") == 1
    wizard.reject()
    again = to_mapping()
    assert [c.currentData() for c in again.map_page.combos] == ["name", "title"]
    again.reject()
    finish(window)
