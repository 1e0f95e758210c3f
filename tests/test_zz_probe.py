from tests.test_ui_window_sizes import *  # noqa
def test_probe(qtbot, window, lang):
    tree = window.today.tree
    print("widths", window.width(), tree.width(), [tree.columnWidth(i) for i in range(5)], window.today.overview.width(), window.sidebar.width())
    from PySide6.QtWidgets import QTreeWidgetItemIterator
    it = QTreeWidgetItemIterator(tree)
    while it.value():
        item = it.value(); it += 1
        r = tree.visualRect(tree.indexFromItem(item, 0))
        print(repr(item.text(0)[:50]), r.width(), r.height(), tree.fontMetrics().horizontalAdvance(item.text(0)))
    window.grab().save(f"/tmp/ws_today_{lang}.png")
