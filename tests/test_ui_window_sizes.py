"""Every screen works in a 1024x640 window, in Swedish and in English: nothing forces the window wider,
nothing scrolls sideways, every button can be reached, long names neither push Save off-screen nor get cut.

The test walks the areas of the sidebar and every tab inside them (so a new page is covered without a new
test), with a user holding every role (so every button a role can see is there) and the demo office loaded,
in which one person, one ward, one manager and one cohort have 100-character names.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QWidget,
)
from sqlalchemy import select

from peerdesk import models as m
from peerdesk.models import Role
from peerdesk.services import demo
from peerdesk.services.access import SYSTEM, Actor
from peerdesk.ui.main_window import AREAS, MainWindow
from peerdesk.ui.operations import Operations

WIDTH, HEIGHT = 1024, 640
LONG = "Långt namn " + "x" * 89  # 100 characters: the longest a name may be (models.base limits)
assert len(LONG) == 100


@pytest.fixture
def long_named_office(sqlite_db):
    """The demo office, where the first person, ward, manager and cohort have 100-character names."""
    with sqlite_db.begin(SYSTEM) as s:
        demo.load_demo(s)
        s.scalars(select(m.PeerSupporter).order_by(m.PeerSupporter.id)).first().last_name = LONG
        s.scalars(select(m.Workplace).order_by(m.Workplace.id.desc())).first().name = LONG
        s.scalars(select(m.Manager).order_by(m.Manager.id)).first().name = LONG
        s.scalars(select(m.Cohort).order_by(m.Cohort.id)).first().name = LONG
        sqlite_db.admin_id = s.scalars(select(m.User.id).where(m.User.username == "admin")).one()
    return sqlite_db


@pytest.fixture(params=["sv", "en"])
def lang(request, monkeypatch):
    from peerdesk import i18n

    monkeypatch.setattr(i18n, "_current", request.param)
    return request.param


@pytest.fixture
def window(qtbot, long_named_office, lang):
    from peerdesk.ui.operations import ALL_POOLS

    win = MainWindow()
    win._may_close = True  # a test that failed halfway leaves typing behind: no "save changes?" box at close
    qtbot.addWidget(win)
    win.resize(WIDTH, HEIGHT)
    win.show()
    ops = Operations(long_named_office, Actor(long_named_office.admin_id, "admin", frozenset(Role)), win)
    with qtbot.waitSignal(win.today.loaded, timeout=15000):
        win.attach(ops, "head")
    settle(win)
    yield win
    assert ops.wait(10000), "a background job was left running"
    ALL_POOLS.discard(ops.pool)


def settle(window) -> None:
    """Let the background jobs answer and the layouts settle, as they have when a person looks."""
    for _ in range(3):
        window.ops.wait(10000)
        QApplication.processEvents()


def views(root: QWidget, path: str):
    """Each view under `root`: itself, then each tab of its tab widgets (recursively), made current in turn."""
    yield path
    tabs = [tw for tw in root.findChildren(QTabWidget) if _nearest_tabs(tw.parentWidget(), root) is None]
    for tw in tabs:
        for i in range(tw.count()):
            if not tw.isTabVisible(i) or not tw.isTabEnabled(i):
                continue
            tw.setCurrentIndex(i)
            QApplication.processEvents()
            yield from views(tw.widget(i), f"{path}/{tw.tabText(i)}")


def _nearest_tabs(widget, root):
    while widget is not None and widget is not root:
        if isinstance(widget, QTabWidget):
            return widget
        widget = widget.parentWidget()
    return None


def visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """The part of `widget` a person can see: its rectangle cut by every ancestor's, in window coordinates."""
    rect = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        rect = rect.intersected(QRect(parent.mapTo(window, parent.rect().topLeft()), parent.size()))
        parent = parent.parentWidget()
    return rect.intersected(window.rect())


def problems(window: MainWindow, where: str) -> list[str]:
    """What a person at a 1024x640 window would stumble on in the current view."""
    found = []
    hint = window.minimumSizeHint()
    if hint.width() > WIDTH or hint.height() > HEIGHT:
        found.append(f"{where}: the window needs at least {hint.width()}x{hint.height()}")
    if window.width() != WIDTH:
        found.append(f"{where}: the window became {window.width()} wide")
    page = window.stack.currentWidget()
    for area in [page, *page.findChildren(QScrollArea)]:
        if not isinstance(area, QScrollArea):
            continue
        bar = area.horizontalScrollBar()
        if area.isVisible() and bar.isVisible() and bar.maximum() > 0:
            inner = area.widget()
            found.append(f"{where}: {type(inner).__name__} {inner.objectName()!r} scrolls sideways "
                         f"({inner.minimumSizeHint().width()} > {area.viewport().width()})")
    for button in page.findChildren(QAbstractButton):
        if not isinstance(button, (QPushButton, QToolButton)) or not button.isVisible():
            continue
        if _inside_item_view(button):
            continue  # rows of a list scroll into view
        scroll_down_to(button)
        seen = visible_rect(button, window)
        if seen.width() < button.width() or seen.height() < button.height():
            found.append(f"{where}: button {button.text() or button.toolTip()!r} is cut to {seen.width()}x{seen.height()} "
                         f"of {button.width()}x{button.height()}")
    return found


def scroll_down_to(widget) -> None:
    """A form taller than the window scrolls down to its buttons — as a person would, never sideways."""
    scroll = _scroll_area_of(widget)
    if scroll is not None and scroll.widget() is not None:
        y = widget.mapTo(scroll.widget(), widget.rect().topLeft()).y()
        bar = scroll.verticalScrollBar()
        if not bar.value() <= y <= bar.value() + scroll.viewport().height() - widget.height():
            bar.setValue(y - scroll.viewport().height() + widget.height())


def _scroll_area_of(widget):
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def _inside_item_view(widget) -> bool:
    from PySide6.QtWidgets import QAbstractItemView

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView):
            return True
        parent = parent.parentWidget()
    return False


def open_long_records(page: QWidget, window) -> None:
    """Open a record of every register list shown — the one with the long name where there is one — so the
    detail form is filled as a person sees it."""
    from peerdesk.ui.common.panel import RegisterPanel

    for panel in page.findChildren(RegisterPanel):
        model = panel.list.model
        if panel.isVisible() and model.rowCount() and panel.form.record_id is None:
            rows = [r for r in range(model.rowCount()) for c in range(model.columnCount())
                    if LONG in str(model.index(r, c).data() or "")]
            panel.list.select_row(rows[0] if rows else 0)
            panel.list.open_current()
    settle(window)


def test_every_page_fits_a_1024x640_window(qtbot, window, lang):
    found = []
    for area in AREAS:
        if area not in window._visible:
            continue
        window.sidebar.select(area)
        settle(window)
        page = window.stack.currentWidget()
        for where in views(page, f"{lang}:{area}"):
            open_long_records(page, window)
            found += problems(window, where)
    assert not found, "\n".join(found)


def test_today_shows_whole_ward_names_at_1024(qtbot, window):
    """The list of alerts gives the name column the room it needs: a ward's name is read in full, and only a
    name too long for any window is cut — with the whole of it in the tooltip."""
    from PySide6.QtWidgets import QTreeWidgetItemIterator

    tree = window.today.tree
    assert window.width() == WIDTH
    shown = 0
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        item = it.value()
        it += 1
        if item.parent() is None or item.isFirstColumnSpanned():
            continue
        text = item.text(0)
        cell = tree.visualRect(tree.indexFromItem(item, 0))  # the column less the indent
        # The text as it is drawn: wrapped at word boundaries within the cell's width less its margins.
        needed = tree.fontMetrics().boundingRect(QRect(0, 0, cell.width() - 8, 10000), Qt.TextFlag.TextWordWrap, text)
        if LONG in text:
            assert item.toolTip(0) == text
            continue
        assert needed.width() <= cell.width() - 8 and needed.height() <= cell.height(), \
            f"{text!r} needs {needed.width()}x{needed.height()} px, has {cell.width()}x{cell.height()}"
        shown += "Avdelning 12" in text
    assert shown, "no alert for Avdelning 12 on Today"


def test_a_100_character_name_keeps_save_and_undo_in_reach(qtbot, window, lang):
    """A person types a very long name and saves: the form stays as wide as the window gives it, and Save
    and Undo stay where they can be clicked."""
    window.sidebar.select("people")
    settle(window)
    panel = window.pages["people"].people
    panel.list.select_row(0)
    panel.list.open_current()
    settle(window)
    form = panel.form
    name = form.widgets["first_name"]
    name.clear()
    qtbot.keyClicks(name, LONG)
    with qtbot.waitSignal(form.saved, timeout=15000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    settle(window)
    # The heading shows what fits, ending in "…", and the whole name when the pointer rests on it.
    title = panel.title
    assert LONG in title.text() and title.shown_text().endswith("…") and title.toolTip() == title.text()
    qtbot.keyClicks(name, " Jr")  # a change, so Undo has something to undo
    for button in (form.save_button, form.cancel_button):
        assert button.isVisible()
        scroll_down_to(button)
        seen = visible_rect(button, window)
        assert (seen.width(), seen.height()) == (button.width(), button.height()), (button.text(), seen)
    assert window.width() == WIDTH
    assert not problems(window, f"{lang}:people")
    qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    assert not form.is_dirty()
