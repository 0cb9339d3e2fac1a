"""SQLite write turns inside one process: a dispatcher's transaction starts the moment a bulk one ends.

A hot-list copy range or an old-list removal chunk holds SQLite's write lock for tens of
milliseconds (more on a loaded machine). A dispatcher's ``BEGIN IMMEDIATE`` that meets it is
left to SQLite's busy handler, which sleeps 1, 2, 5 ... 100 ms between tries and so keeps
sleeping up to 100 ms after the lock is free: claims during a national import took up to
0.5-0.7 s. Bulk writers of this process mark their transactions with :meth:`BulkWrites.holding`;
:func:`app.persistence.engine` makes every other transaction wait on a condition for the end of
the marked one before it asks SQLite, so it gets the lock as soon as it is released (the bulk
job pauses between its chunks for queued interactive work: :mod:`app.services.bulk_gate`).
Other processes still meet the busy handler.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class BulkWrites:
    """Threads of this process inside a bulk write transaction; others wait for none to be left."""

    def __init__(self) -> None:
        self._holders: dict[int, int] = {}  # thread id -> nesting depth
        self._cond = threading.Condition()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """The body is one bulk write transaction (or several in a row) of the calling thread."""
        me = threading.get_ident()
        with self._cond:
            self._holders[me] = self._holders.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                depth = self._holders.pop(me) - 1
                if depth:
                    self._holders[me] = depth
                else:
                    self._cond.notify_all()

    def wait_for_turn(self, timeout: float = 5.0) -> bool:
        """Before a transaction of the calling thread: wait until no other thread holds a bulk one.

        A bulk holder's own transactions do not wait. Returns False when ``timeout`` passed first
        (the caller then goes on to SQLite's busy handler as before).
        """
        me = threading.get_ident()
        with self._cond:
            return self._cond.wait_for(lambda: not (self._holders.keys() - {me}), timeout)


#: The process's bulk writers (one database per process).
BULK_WRITES = BulkWrites()
