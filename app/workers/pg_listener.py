"""LISTEN for hit changes made on other consoles and turn them into Qt signals (QtCore only).

A plain thread blocks in :meth:`PgNotificationListener.wait` (autocommit psycopg connection,
STACK.md 4.9) and emits :attr:`PgListener.notified` and ``AppSignals.hit_notified`` with each :class:`HitNotification`;
Qt queues the emission to the receivers' (GUI) thread. It also broadcasts ``Changes(hits=True)``
on the AppSignals hub. A lost connection is retried every few seconds and reported on
:attr:`PgListener.connection_changed` (False while down).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes
from app.domain.notifications import (
    CHANGES_CHANNEL,
    CHANNEL,
    READS_CHANNEL,
    HitNotification,
    ReadsStored,
    parse_changes,
)
from app.persistence.notifications import PgNotificationListener
from app.workers.signals import AppSignals

logger = logging.getLogger(__name__)


class PgListener(QObject):
    """Hit notifications from the shared PostgreSQL database.

    Args:
        dsn: database URL or libpq DSN (the password included, from the keyring).
        signals: the hub to broadcast ``Changes(hits=True)`` on (optional).
        workstation: this console's name; its own notifications are flagged, not dropped.
        channel: notification channel.

    """

    #: one HitNotification (kind: hit, claim, release, step)
    notified = Signal(object)
    #: True when (re)connected, False when the connection was lost
    connection_changed = Signal(bool)
    #: Changes made by another process of the center (hot lists, cameras ...)
    changes_notified = Signal(object)

    def __init__(self, dsn: str, signals: AppSignals | None = None, workstation: str = "",
                 channel: str = CHANNEL, retry_s: float = 3.0) -> None:
        super().__init__()
        self._listener = PgNotificationListener(dsn, channel, also=(READS_CHANNEL, CHANGES_CHANNEL))
        self._signals = signals
        self.workstation = workstation
        self._retry_s = retry_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()

    def start(self) -> None:
        """Start listening on a background thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pg-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the thread and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        up: bool | None = None
        while not self._stop.is_set():
            try:
                self._listener.connect()
                if up is not True:
                    up = True
                    self.connected.set()
                    self.connection_changed.emit(True)
                notes = self._listener.wait_raw(0.25)
            except Exception as exc:  # noqa: BLE001 - any failure: report, wait, reconnect
                if up is not False:
                    logger.warning("hit notifications unavailable: %s", exc)
                    up = False
                    self.connected.clear()
                    self.connection_changed.emit(False)
                self._listener.close()
                self._stop.wait(self._retry_s)
                continue
            for channel, payload in notes:
                self._dispatch(channel, payload)
        self._listener.close()

    def _dispatch(self, channel: str, payload: str) -> None:
        if channel == READS_CHANNEL:
            reads = ReadsStored.parse(payload)
            if reads is not None and self._signals is not None:
                self._signals.reads_stored.emit(reads)
        elif channel == CHANGES_CHANNEL:
            parsed = parse_changes(payload)
            if parsed is not None and parsed[0] != self.workstation:  # our own were broadcast when made
                self.changes_notified.emit(parsed[1])
                if self._signals is not None:
                    self._signals.changed.emit(parsed[1])
        else:
            note = HitNotification.parse(payload)
            if note is not None:
                self._deliver(note)

    def _deliver(self, note: HitNotification) -> None:
        self.notified.emit(note)
        if self._signals is not None:
            self._signals.hit_notified.emit(note)
            self._signals.changed.emit(Changes(hits=True))
