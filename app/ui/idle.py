"""Locks the console after a period without keyboard or mouse input; what the lock screen shows of the queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.hit_grouping import QueueCounts
from app.ui.context import UiContext
from app.ui.theme import font_pt, palette
from app.workers.signals import AppSignals

logger = logging.getLogger(__name__)

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, minutes: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.idle)
        self.paused = False

    def start(self) -> None:
        self.paused = False
        self.timer.start()

    def pause(self) -> None:
        self.paused = True
        self.timer.stop()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.paused and event.type() in _ACTIVITY:
            self.timer.start()
        return False


class LockSummary(QLabel):
    """Shown on the lock screen: urgent hits nobody has claimed, and every open hit (grouped).

    The console stays alive behind the lock, so hits keep arriving and chiming; this line follows
    them (hits raised here or elsewhere, claims, hot-list changes) and is refreshed every 30 s for
    hits going stale.
    """

    def __init__(self, load: Callable[[], Awaitable[QueueCounts]], signals: AppSignals,
                 stale_after: timedelta, parent: QWidget | None = None) -> None:
        super().__init__("Counting open hits...", parent)
        self.setObjectName("LockSummary")
        self.setAccessibleName("Hits waiting")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._load = load
        self._stale_after = stale_after
        self._busy = False
        self._again = False
        self.counts: QueueCounts | None = None
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(250)  # a burst of hits: one count
        self._soon.timeout.connect(self.refresh)
        self._every = QTimer(self)
        self._every.setInterval(30_000)
        self._every.timeout.connect(self.refresh)
        self._every.start()
        self._signals = signals
        for signal in (signals.hit_raised, signals.hit_notified, signals.changed):
            signal.connect(self._schedule)
        self.refresh()

    def _schedule(self, *_args: object) -> None:
        self._soon.start()

    def refresh(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        task = asyncio.ensure_future(self._refresh())
        task.add_done_callback(lambda t: t.cancelled() or t.exception() is None
                               or logger.warning("lock screen count failed: %s", t.exception()))

    async def _refresh(self) -> None:
        try:
            counts = await self._load()
        finally:
            self._busy = False
        self.show_counts(counts)
        if self._again:
            self._again = False
            self._soon.start()

    def show_counts(self, counts: QueueCounts) -> None:
        self.counts = counts
        p = palette()
        urgent = counts.urgent_waiting
        head = (f"<span style='color:{p.error}; font-size:{font_pt() * 1.5:g}pt'><b>\u26a0 {urgent} URGENT "
                f"hit{'s' if urgent != 1 else ''} waiting</b></span> (not claimed)" if urgent
                else "No urgent hits waiting")
        stale = counts.stale_text(self._stale_after)
        self.setText(f"{head}<br><b>{counts.open}</b> open, <b>{counts.unacknowledged}</b> unacknowledged"
                     + (f", {stale}" if stale else "") + ". New hits still sound while the console is locked.")
        self.setAccessibleDescription(f"{urgent} urgent hits waiting, {counts.open} open, "
                                      f"{counts.unacknowledged} unacknowledged" + (f", {stale}" if stale else ""))

    def stop(self) -> None:
        """Stop following (the lock ended)."""
        self._soon.stop()
        self._every.stop()
        for signal in (self._signals.hit_raised, self._signals.hit_notified, self._signals.changed):
            signal.disconnect(self._schedule)


def lock_summary(ui: UiContext, parent: QWidget | None = None) -> LockSummary:
    """The lock screen's queue line for the signed-in user (counts read on the DB executor, not recorded)."""
    stale_after = timedelta(minutes=ui.settings.queue.stale_after_min)

    async def load() -> QueueCounts:
        return await ui.call(ui.services.hits.hits.queue_counts, ui.actor, stale_after)

    return LockSummary(load, ui.signals, stale_after, parent)
