from peerdesk.ui import none_refcount as _none_refcount

_none_refcount.install()  # before any widget: PySide 6.12 on Python 3.11 loses a reference to None per void call
