"""A headless recognition node (`python main.py node`): capture, recognition and ingest for the
cameras the center leases to it, against the center's PostgreSQL.

Every ``heartbeat_s`` the node reports itself and its cameras' health (:meth:`CenterService.heartbeat`);
the answer is the set of cameras it holds now, and recognition is restarted only when that set changes
(failover, balancing, a camera edited). A node that cannot reach the database for longer than the lease
timeout stops its cameras: another node has them by then. SIGTERM/SIGINT stop it cleanly and hand its
cameras over at once.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from concurrent.futures import Future

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.center import CameraReport, NodeReport
from app.domain.changes import Changes
from app.runtime.app_runtime import AppRuntime
from app.services.center import CenterService
from recognition.config import CameraConfig

logger = logging.getLogger(__name__)


def _fingerprint(configs: tuple[CameraConfig, ...]) -> tuple[str, ...]:
    return tuple(sorted(c.model_dump_json() for c in configs))


class NodeRuntime(QObject):
    """Heartbeats and leases around an :class:`AppRuntime` that runs no cameras of its own.

    Args:
        runtime: the process's runtime (recognition bridge, listener, housekeeping).
        center: the lease service.
        name: node name (unique in the center).
        capacity: most cameras this node runs.
        heartbeat_s: heartbeat interval.
        lease_timeout_s: silence after which the others take this node's cameras.

    """

    #: the cameras this node runs now (tuple of CameraConfig), after every change
    cameras_changed = Signal(object)
    _assigned = Signal(object)  # heartbeat answer, from the executor thread to this object's thread
    _failed = Signal(str)

    def __init__(self, runtime: AppRuntime, center: CenterService, name: str, capacity: int = 8,
                 heartbeat_s: float = 3.0, lease_timeout_s: float = 15.0) -> None:
        super().__init__()
        self.runtime, self.center = runtime, center
        self.name, self.capacity = name, capacity
        self.heartbeat_s, self.lease_timeout_s = heartbeat_s, lease_timeout_s
        self.configs: tuple[CameraConfig, ...] = ()
        self._running: tuple[str, ...] = ()
        self._busy = False
        self._last_ok = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(int(heartbeat_s * 1000))
        self._timer.timeout.connect(self.beat)
        self._assigned.connect(self._apply)
        self._failed.connect(self._on_failure)
        self.beats = 0

    async def start(self) -> None:
        """Start the runtime (hot lists, listener, housekeeping), then heart-beat (and run cameras) at once."""
        await self.runtime.start()
        if self.runtime.listener is not None:
            self.runtime.listener.changes_notified.connect(self._remote_changes)
        self.runtime.start_recognition(())  # the ingest thread; cameras follow the first lease round
        self._timer.start()
        self.beat()

    def report(self) -> NodeReport:
        """This node and its cameras' health as of now."""
        bridge = self.runtime.bridge
        health = dict(bridge.health) if bridge is not None else {}
        cams = tuple(CameraReport(c.id, str(getattr(health.get(c.id), "state", "starting")),
                                  float(getattr(health.get(c.id), "fps_out", 0.0))) for c in self.configs)
        return NodeReport(self.name, socket.gethostname(), os.getpid(), self.capacity,
                          fps=sum(c.fps for c in cams), reads=bridge.stored if bridge is not None else 0,
                          cameras=cams)

    def beat(self) -> None:
        """One heartbeat on the DB executor (skipped while the previous one is still running)."""
        if self._busy:
            return
        self._busy = True
        future = self.runtime.executor.submit(self.center.heartbeat, self.report())
        future.add_done_callback(self._beaten)

    def _beaten(self, future: Future) -> None:
        self._busy = False
        exc = future.exception()
        if exc is not None:
            self._failed.emit(str(exc))
        else:
            self._assigned.emit(future.result())

    def _apply(self, configs: tuple[CameraConfig, ...]) -> None:
        self._last_ok = time.monotonic()
        self.beats += 1
        fingerprint = _fingerprint(configs)
        if fingerprint == self._running:
            return
        logger.info("node %s now runs %d camera(s): %s", self.name, len(configs), ", ".join(c.id for c in configs))
        self.configs, self._running = configs, fingerprint
        self.runtime.start_recognition(configs)
        self.cameras_changed.emit(configs)

    def _on_failure(self, message: str) -> None:
        silent = time.monotonic() - self._last_ok
        logger.warning("node %s heartbeat failed (%.0f s without one): %s", self.name, silent, message)
        if silent > self.lease_timeout_s and self.configs:
            logger.error("node %s lost its leases: stopping its cameras (another node runs them)", self.name)
            self.configs, self._running = (), ()
            self.runtime.start_recognition(())
            self.cameras_changed.emit(())

    def _remote_changes(self, changes: Changes) -> None:
        if changes.cameras:
            self.beat()  # an edited camera restarts with its new settings now, not at the next beat

    def stop(self) -> None:
        """Stop recognition and hand the cameras back (best effort: if the database is gone they time out)."""
        self._timer.stop()
        self.runtime.stop()
        try:
            self.center.leave(self.name)
        except Exception as exc:  # noqa: BLE001 - the lease timeout hands them over anyway
            logger.warning("node %s could not hand its cameras back: %s", self.name, exc)
