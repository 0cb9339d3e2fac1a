"""Holds the live hot-list matcher and rebuilds its index from the database.

The index is immutable; a rebuild makes a new one and swaps it in, so matching never pauses.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

from app.persistence.repositories.hotlists import HotListRepository
from app.services.context import ServiceContext
from app.services.hotlist_index_prebuilt import PrebuiltIndex
from recognition.match import HotListIndex, MatchConfig, Matcher

logger = logging.getLogger(__name__)


class HotListIndexHolder:
    """The one Matcher of a console; ``rebuild()`` after imports, approvals and expiries."""

    def __init__(self, ctx: ServiceContext, config: MatchConfig | None = None) -> None:
        self.ctx = ctx
        self.matcher = Matcher(HotListIndex(()), config or MatchConfig())
        self._lock = threading.Lock()  # one rebuild at a time; matching never takes it
        self.last_build_s = 0.0

    def rebuild(self, prebuilt: PrebuiltIndex | None = None) -> int:
        """Build a fresh index of every entry that may alert now and swap it in; returns its size.

        ``prebuilt``: a source just imported, indexed by the parser child; only the other sources'
        entries are then read from the database.
        """
        with self._lock:
            t0 = time.perf_counter()
            now = self.ctx.clock.now()
            use = prebuilt if prebuilt is not None and prebuilt.usable_at(now) else None
            with self.ctx.uow(read_only=True) as uow:  # a snapshot: no write lock while millions of rows stream
                repo = HotListRepository(uow.s)
                if use is None:
                    index = _index_of(repo.active_for_index_batches(now))
                else:
                    others = _index_of(repo.active_for_index_batches(now, exclude_source_id=use.source_id))
                    index = HotListIndex.merged(others, use.index)
            self.matcher.swap(index)
            self.last_build_s = time.perf_counter() - t0
            logger.info("hot-list index rebuilt: %d entries in %.2f s", len(index), self.last_build_s)
            return len(index)

    def build_for_source(self, source_id: int, prebuilt: PrebuiltIndex | None = None) -> HotListIndex:
        """Index of one source only (for the retroactive check after its import)."""
        now = self.ctx.clock.now()
        if prebuilt is not None and prebuilt.source_id == source_id and prebuilt.usable_at(now):
            return prebuilt.index
        with self.ctx.uow(read_only=True) as uow:
            return _index_of(HotListRepository(uow.s).active_for_index_batches(now, source_id))


YOUNG_COLLECT_EVERY = 20
"""Batches (of 5,000 rows) between two young-generation collections while the collector is paused."""


def _index_of(batches) -> HotListIndex:  # noqa: ANN001
    """Columns straight from the driver's row batches (``zip(*rows)``: one C call a batch, no per-row Python).

    No per-entry object outlives its batch: memory stays ~27 bytes per entry for a national list.
    The automatic cyclic GC is paused meanwhile: the millions of short-lived row tuples (no cycles:
    reference counting frees them) kept triggering full collections of the console's whole heap, each a
    ~200 ms hold of the interpreter lock that froze the GUI thread (bench/console.py trace). The pause is
    process-wide, so the other threads' cyclic garbage (dispatcher actions run on while the index builds)
    would pile up for the whole rebuild (22 s for a national list) and be scanned in one pass at its
    end (~115 ms for 50 k objects after a 1 M-row rebuild): the young generations are collected every
    ``YOUNG_COLLECT_EVERY`` batches instead, between two batches (no row of ours is alive then).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return HotListIndex.from_column_chunks(tuple(zip(*rows, strict=True)) for rows in _young_collected(batches))
    finally:
        if was_enabled:
            gc.enable()


def _young_collected(batches):  # noqa: ANN001, ANN202
    """``batches`` with a collection of generations 0 and 1 after every ``YOUNG_COLLECT_EVERY`` of them."""
    for n, rows in enumerate(batches, 1):
        if rows:
            yield rows
        del rows  # the batch's tuples are freed before the collection, not scanned by it
        if n % YOUNG_COLLECT_EVERY == 0:
            gc.collect(1)
