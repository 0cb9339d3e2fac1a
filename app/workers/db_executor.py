"""Database work off the GUI thread, awaited through qasync: one worker for interactive work, one for bulk jobs.

Every dispatcher action (claim, verify, search ...) runs on the ``db`` thread, in order. Long jobs
(hot-list imports, retention purges, exports) run on their own ``db-bulk`` thread with their own
database connection (the engine's pool hands each thread its own), so a million-row import never
queues a claim behind it; between its chunks a bulk job waits while interactive work is queued or
running (:mod:`app.services.bulk_gate`: SQLite's single write lock and Python's interpreter lock
go to the dispatcher first). The same API serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from app.services.bulk_gate import GATE

T = TypeVar("T")


def _gated(fn: Callable[..., T], args: tuple, kwargs: dict) -> Callable[[], T]:
    def unit() -> T:
        with GATE.running_interactive():  # a bulk job run here must not pause for its own mark
            return fn(*args, **kwargs)
    return unit


class DbExecutor:
    """The interactive ``db`` worker and the ``db-bulk`` worker."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db")
        self._bulk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-bulk")

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a short unit of work on the interactive worker and await it."""
        loop = asyncio.get_running_loop()
        GATE.enter()  # from the moment it is queued: bulk jobs pause at their next chunk
        try:
            return await loop.run_in_executor(self._pool, _gated(fn, args, kwargs))
        finally:
            GATE.leave()

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue a short unit of work on the interactive worker."""
        GATE.enter()
        future = self._pool.submit(_gated(fn, args, kwargs))
        future.add_done_callback(lambda _f: GATE.leave())
        return future

    async def run_bulk(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a long job (import, purge, export) on the bulk worker and await it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._bulk, functools.partial(fn, *args, **kwargs))

    def submit_bulk(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue a long job on the bulk worker."""
        return self._bulk.submit(fn, *args, **kwargs)

    def shutdown(self) -> None:
        """Finish queued work, then stop both workers."""
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._bulk.shutdown(wait=True, cancel_futures=False)
