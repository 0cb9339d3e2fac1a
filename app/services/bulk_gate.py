"""Dispatcher actions first: long database jobs pause between their chunks while interactive work runs.

SQLite has one write lock and Python one interpreter lock: a hot-list import that writes chunk
after chunk leaves a dispatcher's claim waiting on a busy handler that keeps missing its turn.
The interactive database worker marks each unit of work with :meth:`BulkGate.interactive`; bulk
jobs call :meth:`BulkGate.pause_for_interactive` between chunks and wait while any is running
or queued. Plain threading: the same gate serves the GUI's executor, the CLI and the tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class BulkGate:
    """Counts interactive units of work in flight; bulk jobs wait for zero between their chunks."""

    def __init__(self) -> None:
        self._busy = 0
        self._cond = threading.Condition()
        self._local = threading.local()  # ``inside``: this thread is running an interactive unit

    def enter(self) -> None:
        """An interactive unit of work is queued or running."""
        with self._cond:
            self._busy += 1

    def leave(self) -> None:
        """It finished."""
        with self._cond:
            self._busy -= 1
            if self._busy <= 0:
                self._busy = 0
                self._cond.notify_all()

    @contextmanager
    def interactive(self) -> Iterator[None]:
        """Mark the body as interactive work."""
        self.enter()
        try:
            with self.running_interactive():
                yield
        finally:
            self.leave()

    @contextmanager
    def running_interactive(self) -> Iterator[None]:
        """The body runs an interactive unit (already counted by :meth:`enter`) on this thread."""
        depth = getattr(self._local, "inside", 0)
        self._local.inside = depth + 1
        try:
            yield
        finally:
            self._local.inside = depth

    def pause_for_interactive(self, timeout: float = 5.0) -> None:
        """Between two chunks of a bulk job: wait until no interactive work is in flight (at most ``timeout``).

        A job that runs as interactive work itself (on the interactive worker) does not pause: the
        work it would wait for is its own, or queued behind it on the same thread.
        """
        if getattr(self._local, "inside", 0):
            return
        with self._cond:
            if self._busy:
                self._cond.wait_for(lambda: self._busy == 0, timeout)


#: The process's gate (one database, one set of workers per process).
GATE = BulkGate()
