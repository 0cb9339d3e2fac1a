"""Hits sound even when nobody is signed in (002 IV.J.1: all hits sound an alert in the communications center).

While the console shows the sign-in screen (or nobody has signed in yet) a hit stored here
(``AppSignals.hit_raised``) or announced by another console (``AppSignals.hit_notified``, kind
``hit``) plays the chime of its priority band at once, and the most urgent waiting band is
replayed every ``remind_ms`` until someone signs in. At sign-in :meth:`StandbyChimes.signed_in`
returns the hits that arrived meanwhile; the console then shows and announces them.
Covert hits chime without showing anything (the chime says nothing about the hit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.alerts import ChimeBand, ChimeSink, band_for_priority
from app.workers.signals import AppSignals

logger = logging.getLogger(__name__)
REMIND_MS = 60_000


class StandbyChimes(QObject):
    """Chimes hits while ``signed_in_now()`` is False; create on the GUI thread."""

    chimed = Signal(int)  # hit id (tests, indicators)

    def __init__(self, signals: AppSignals, signed_in_now: Callable[[], bool],
                 make_chimes: Callable[[], ChimeSink], remind_ms: int = REMIND_MS) -> None:
        super().__init__()
        self._signed_in_now = signed_in_now
        self._make_chimes = make_chimes
        self._chimes: ChimeSink | None = None
        self._failed = False
        self.missed: dict[int, int] = {}  # hit id -> priority, arrived while nobody was signed in
        self._signals = signals
        self._remind = QTimer(self)
        self._remind.setInterval(remind_ms)
        self._remind.timeout.connect(self._reminder)
        self._running = False

    def start(self) -> None:
        if not self._running:
            self._signals.hit_raised.connect(self._on_hit)
            self._signals.hit_notified.connect(self._on_note)
            self._running = True

    def stop(self) -> None:
        if self._running:
            self._signals.hit_raised.disconnect(self._on_hit)
            self._signals.hit_notified.disconnect(self._on_note)
            self._running = False
        self._remind.stop()

    def signed_in(self) -> tuple[int, ...]:
        """Someone signed in: the reminder stops; returns the ids of the hits that arrived meanwhile."""
        self._remind.stop()
        missed, self.missed = tuple(self.missed), {}
        return missed

    # ---- incoming -------------------------------------------------------------------------------
    def _on_hit(self, hit: object) -> None:
        hit_id, priority = getattr(hit, "id", None), getattr(hit, "priority", None)
        if hit_id is not None and priority is not None:
            self._arrived(int(hit_id), int(priority))

    def _on_note(self, note: object) -> None:
        if getattr(note, "kind", "") == "hit" and getattr(note, "priority", None) is not None:
            self._arrived(int(note.hit_id), int(note.priority))  # type: ignore[attr-defined]

    def _arrived(self, hit_id: int, priority: int) -> None:
        if self._signed_in_now() or hit_id in self.missed:
            return
        self.missed[hit_id] = priority
        self._play(band_for_priority(priority))
        self.chimed.emit(hit_id)
        if not self._remind.isActive():
            self._remind.start()

    def _reminder(self) -> None:
        if self._signed_in_now() or not self.missed:
            self._remind.stop()
            return
        self._play(band_for_priority(min(self.missed.values())))

    def _play(self, band: ChimeBand) -> None:
        if self._chimes is None and not self._failed:
            try:
                self._chimes = self._make_chimes()
            except Exception:  # noqa: BLE001 - no sound device must not stop hits being stored
                logger.exception("the standby chime player could not be created")
                self._failed = True
                self._signals.banner.emit("AUDIO PROBLEM: hits cannot sound while nobody is signed in.")
        if self._chimes is not None:
            self._chimes.play(band)
