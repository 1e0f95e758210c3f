"""Background database work for the window (the Anki "operation" pattern).

A slot never touches the database: it hands a function of a Session to
`ops.query()` or `ops.mutate()`. A worker thread runs it in its own short
Session (`db.write(fn)`: `with db.begin()`, run again if the database stayed busy), and the result — plain values or dataclasses,
never ORM objects — comes back on the GUI thread. After a mutation,
`data_changed` tells every screen to re-query what it shows.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from peerdesk.errors import PeerDeskError


# Every pool ever made, so tests can check that no job is left running.
ALL_POOLS: "weakref.WeakSet[QThreadPool]" = weakref.WeakSet()


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as exc:  # delivered to the GUI thread, shown as a message there
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


class Operations(QObject):
    data_changed = Signal(object)  # the kinds that changed, e.g. {"briefings"}
    failed = Signal(object)  # an error nobody handled

    def __init__(self, db, actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor  # every job runs for the logged-in user; the services check the role
        # One worker: operations run in the order they were asked for.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        ALL_POOLS.add(self.pool)
        self._relays: set[_Relay] = set()

    def _start(self, work, on_done, on_error) -> None:
        relay = _Relay()
        self._relays.add(relay)

        def finish(result, cb=on_done):
            self._relays.discard(relay)
            if cb:
                cb(result)

        def fail(exc, cb=on_error):
            self._relays.discard(relay)
            if cb:
                cb(exc)
            else:
                self.failed.emit(exc)

        relay.done.connect(finish)
        relay.failed.connect(fail)
        self.pool.start(_Job(work, relay))

    def run(self, fn: Callable[[], Any], on_done: Callable | None = None, on_error: Callable | None = None) -> None:
        """Work that opens its own transaction (a login, a backup) off the GUI thread."""
        self._start(fn, on_done, on_error)

    def query(self, fn: Callable, on_done: Callable | None = None, on_error: Callable | None = None) -> None:
        def work():
            with self.db.session(self.actor) as s:
                return fn(s)

        self._start(work, on_done, on_error)

    def mutate(self, fn: Callable, changes: set[str], on_done: Callable | None = None, on_error: Callable | None = None) -> None:
        def work():
            # One write unit of work: it waits its turn for the database, and is run again as a whole
            # if another program kept the database busy past the timeout (Database.write).
            return self.db.write(fn, self.actor)

        def done(result):
            if on_done:
                on_done(result)
            self.data_changed.emit(set(changes))

        self._start(work, done, on_error)

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)


def alive(owner: QObject, fn: Callable | None) -> Callable | None:
    """`fn`, but dropped if `owner` was deleted meanwhile (a page rebuilt or closed while its job ran)."""
    if fn is None:
        return None
    import shiboken6

    def call(*args):
        if shiboken6.isValid(owner):
            return fn(*args)
        return None

    return call


def is_user_error(exc: BaseException) -> bool:
    return isinstance(exc, PeerDeskError)
