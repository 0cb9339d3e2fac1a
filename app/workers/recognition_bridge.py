"""Runs recognition for this workstation's cameras and feeds every read to durable ingest.

Threads: every read is journalled where it is made, before anything else can lose it: by the
recognition child process (``RuntimeCallbacks.journal_dir``) or, for the in-process runtime, in
the runtime's own thread inside :meth:`RecognitionBridge.submit`. Only then does it enter a
bounded queue (a full queue blocks the sender: back-pressure, never an unbounded backlog in
memory) drained in batches by one ingest thread (never the GUI thread), which stores and matches
the reads (:class:`~app.services.spool.DurableIngest`, live reads before any backlog) and only
then emits ``AppSignals.hit_raised`` per hit. A journal that cannot be written raises the alarm
(``alarm`` signal: banner and chime; the access record is written by the ingest). Camera health and (already throttled) preview frames go
straight to ``AppSignals.camera_health`` / ``camera_preview`` (queued to the GUI thread by Qt).
The spool status reaches ``AppSignals.banner`` whenever its text changes.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.domain.changes import Changes
from app.services.cameras import CameraService
from app.services.spool import DurableIngest
from app.workers.signals import AppSignals
from recognition.config import CameraConfig, DemoSourceConfig, RuntimeConfig
from recognition.runtime import (
    PipelineFactory,
    RecognitionProcess,
    RecognitionRuntime,
    RuntimeCallbacks,
    RuntimeFault,
    model_pipeline,
    oracle_pipeline,
)
from recognition.types import CameraHealth, PlateRead

logger = logging.getLogger(__name__)


class Runtime(Protocol):
    """What the bridge needs of RecognitionRuntime / RecognitionProcess."""

    def start(self) -> None: ...
    def stop(self, timeout: float = 10.0) -> None: ...


RuntimeFactory = Callable[[RuntimeCallbacks], Runtime]


def demo_cameras(count: int = 2, plates: Sequence[str] = (), realtime: bool = True) -> tuple[CameraConfig, ...]:
    """Synthetic cameras for ``--demo`` (seeded with hot-list plates so hits happen within a minute)."""
    names = [("Demo Main St", "NB", "Main St & 5th Ave"), ("Demo Harbor Blvd", "SB", "Harbor Blvd at Pier 3"),
             ("Demo Route 9", "EB", "Route 9 mile 12"), ("Demo Airport Rd", "WB", "Airport Rd gate")]
    return tuple(
        CameraConfig(id=f"demo-{i + 1}", name=names[i % 4][0], direction=names[i % 4][1], location=names[i % 4][2],
                     source=DemoSourceConfig(seed=i + 1, plates=tuple(plates), seeded_share=0.3, realtime=realtime))
        for i in range(count)
    )


def runtime_factory(cameras: CameraService, demo: bool = False, demo_plates: Sequence[str] = (),
                    use_models: bool = True, child_process: bool = False,
                    pipeline: PipelineFactory | None = None,
                    configs: tuple[CameraConfig, ...] | None = None) -> tuple[RuntimeFactory, RuntimeConfig]:
    """Build the runtime factory for this workstation's cameras (or demo cameras with ``demo``).

    Args:
        cameras: camera administration (configs and keyring logins).
        demo: add synthetic cameras when this workstation owns none.
        demo_plates: plates the demo traffic carries sometimes (the demo hot list).
        use_models: the shipped OpenVINO models; False uses the demo oracle (tests, no models).
        child_process: run recognition in a child process (keeps the GUI process light).
        pipeline: explicit pipeline factory (overrides ``use_models``).
        configs: the cameras to run (default: the ones this workstation owns; a node passes its leases).

    """
    configs = cameras.runtime_cameras() if configs is None else configs
    if demo and not configs:
        configs = demo_cameras(plates=demo_plates)
    factory = pipeline or (model_pipeline if use_models else oracle_pipeline)
    config = RuntimeConfig(cameras=configs)
    if child_process:
        config = config.model_copy(update={"preview": config.preview.model_copy(update={"jpeg": True})})
        logins = {c.id: cameras.credentials(c.id) for c in configs}

        def make(callbacks: RuntimeCallbacks) -> Runtime:
            return RecognitionProcess(config, factory, callbacks,  # type: ignore[arg-type]
                                      credentials={k: v for k, v in logins.items() if v},
                                      demo_plates=tuple(demo_plates))
    else:
        def make(callbacks: RuntimeCallbacks) -> Runtime:
            return RecognitionRuntime(config, factory, callbacks, credentials=cameras.credentials,
                                      demo_plates=tuple(demo_plates))
    return make, config


class RecognitionBridge(QObject):
    """Recognition runtime -> durable ingest -> Qt signals.

    Args:
        ingest: durable ingest (spool + read store).
        signals: the app's signal hub.
        make_runtime: builds the runtime from callbacks (see :func:`runtime_factory`); None to
            only ingest reads handed to :meth:`submit` (consoles that run no cameras).
        replay_every_s: how often the ingest thread retries a spooled backlog when idle.

    """

    #: app.services.read_store.IngestResult of every stored read
    read_stored = Signal(object)
    #: app.services.spool.SpoolStatus when it changes
    spool_changed = Signal(object)
    #: recognition.runtime.RuntimeFault
    fault = Signal(object)
    #: the alarm text when reads are at risk (journal unwritable, reads lost); "" when it clears
    alarm = Signal(str)

    def __init__(self, ingest: DurableIngest, signals: AppSignals, make_runtime: RuntimeFactory | None = None,
                 replay_every_s: float = 2.0, queue_size: int = 1000, batch_size: int = 200) -> None:
        super().__init__()
        self.ingest = ingest
        self.signals = signals
        self._make_runtime = make_runtime
        self._runtime: Runtime | None = None
        self._queue: queue.Queue[tuple[PlateRead, Path | None] | None] = queue.Queue(queue_size)
        self._batch_size = batch_size
        self._alarm = False
        self._thread: threading.Thread | None = None
        self._replay_every_s = replay_every_s
        self._banner = ""
        self._stop = threading.Event()
        self._checkpointer: threading.Thread | None = None
        self.received = 0
        self.stored = 0
        self.health: dict[str, CameraHealth] = {}  # latest per camera (a node reports it with its heartbeat)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the ingest thread (replaying what a previous run left spooled), then the runtime."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._ingest_loop, name="read-ingest", daemon=True)
            self._thread.start()
            self._checkpointer = threading.Thread(target=self._checkpoint_loop, name="spool-checkpoint", daemon=True)
            self._checkpointer.start()
        if self._make_runtime is not None and self._runtime is None:
            self._runtime = self._make_runtime(self._callbacks())
            self._runtime.start()

    def replace_runtime(self, make_runtime: RuntimeFactory | None, timeout: float = 10.0) -> None:
        """Stop the running recognition (if any) and start ``make_runtime``'s; ingest goes on throughout."""
        if self._runtime is not None:
            self._runtime.stop(timeout)
            self._runtime = None
        self.health.clear()
        self._make_runtime = make_runtime
        if make_runtime is not None and self._thread is not None:
            self._runtime = make_runtime(self._callbacks())
            self._runtime.start()

    def _callbacks(self) -> RuntimeCallbacks:
        return RuntimeCallbacks(on_read=self.submit, on_health=self._on_health,
                                on_preview=self.signals.camera_preview.emit, on_fault=self._on_fault,
                                journal_dir=str(self.ingest.spool.root), on_journalled=self.submit_journalled)

    def _on_health(self, health: CameraHealth) -> None:
        self.health[health.camera_id] = health
        self.signals.camera_health.emit(health)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the runtime, then finish ingesting what was already received."""
        if self._runtime is not None:
            self._runtime.stop(timeout)
            self._runtime = None
        self.ingest.close_journal(timeout)  # reads waiting for their batch's fsync are handed on first
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None
            self._stop.set()
            if self._checkpointer is not None:
                self._checkpointer.join(timeout)
                self._checkpointer = None
            self._safely(lambda: (self.ingest.checkpoint(), [])[1])

    def submit(self, read: PlateRead) -> None:
        """Journal one read (group commit), then hand it to the ingest thread once it is durable.

        Thread-safe. Blocks while the journal's or the ingest's queue is full (back-pressure on
        recognition); when the journal cannot be written the read is held in the ingest's bounded
        memory buffer instead (and handed over with no file).
        """
        self.ingest.journal_async(read, self._enqueue)

    def submit_journalled(self, read: PlateRead, path: str | None) -> None:
        """Hand over a read the recognition child journalled at ``path`` (None: it could not: keep it)."""
        if path is None:
            self.ingest.hold(read)
        self._enqueue(read, Path(path) if path else None)

    def _enqueue(self, read: PlateRead, path: Path | None) -> None:
        self.received += 1
        self._queue.put((read, path))  # a read held in memory (path None) only wakes the ingest thread

    @property
    def backlog(self) -> int:
        """Reads journalled but not yet handed to the database."""
        return self._queue.qsize()

    # -- ingest thread ---------------------------------------------------------------------------
    def _ingest_loop(self) -> None:
        self._safely(lambda: self.ingest.replay(force=True))
        last_replay = time.monotonic()
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=self._replay_every_s)
            except queue.Empty:
                status = self.ingest.status()
                if status.pending or status.buffered:
                    self._safely(self.ingest.replay)
                else:
                    self._safely(lambda: [])  # the banner follows the disk space and the journal
                last_replay = time.monotonic()
                continue
            batch: list[tuple[PlateRead, Path | None]] = []
            item = first
            while True:  # everything already queued goes in one transaction
                if item is None:
                    stopping = True
                    break
                if item[1] is not None:
                    batch.append(item)
                if len(batch) >= self._batch_size:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            self._safely(lambda b=batch: self.ingest.ingest(b, checkpoint=False))
            if time.monotonic() - last_replay > self._replay_every_s and self.ingest.status().pending:
                self._safely(self.ingest.replay)
                last_replay = time.monotonic()
        self._safely(self.ingest.replay)

    def _checkpoint_loop(self) -> None:
        """Images and database made durable about once a second, beside (not in) the hit's path."""
        while not self._stop.wait(self.ingest.checkpoint_every_s):
            try:
                self.ingest.checkpoint()
            except Exception:  # noqa: BLE001 - logged; the journals stay until a checkpoint succeeds
                logger.exception("spool checkpoint failed")

    def _safely(self, call: Callable[[], list]) -> None:
        try:
            results = call()
        except Exception as exc:  # a worker exception always reaches the UI
            logger.exception("read ingest failed")
            self.fault.emit(RuntimeFault(None, f"read ingest failed: {exc}"))
            results = []
        for result in results:
            self.stored += 1
            self.read_stored.emit(result)
            for hit in result.hits:
                self.signals.hit_raised.emit(hit)
            if result.hits:
                self.signals.changed.emit(Changes(hits=True))
        status = self.ingest.status()
        if status.text != self._banner:
            self._banner = status.text
            self.signals.banner.emit(status.text)
            self.spool_changed.emit(status)
        if status.alarm != self._alarm:
            self._alarm = status.alarm
            self.alarm.emit(status.text if status.alarm else "")

    def _on_fault(self, fault: RuntimeFault) -> None:
        logger.warning("recognition fault (%s): %s", fault.camera_id or "runtime", fault.message)
        self.fault.emit(fault)
