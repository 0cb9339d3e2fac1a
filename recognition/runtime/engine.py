"""In-process recognition runtime: a capture thread per camera, shared inference worker(s).

Measured on 2 cores (notes/runtime.md): one process with a capture thread per camera and one
inference worker beats a process per camera, so this is the default; :mod:`.process` runs the
same runtime in a child process to keep the GUI process responsive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from recognition.config import CameraConfig, RuntimeConfig
from recognition.pipeline import Pipeline
from recognition.runtime.events import RuntimeCallbacks, RuntimeFault
from recognition.runtime.preview import PreviewThrottle
from recognition.sources import CaptureSource, create_source
from recognition.sources.opencv import Credentials
from recognition.types import CameraHealth, PlateRead

logger = logging.getLogger(__name__)

#: Builds the pipeline of one inference worker; gets the running sources (the demo oracle uses them).
PipelineFactory = Callable[[Mapping[str, CaptureSource]], Pipeline]
#: Returns the credentials of a camera id (the app reads them from the OS keyring).
CredentialsLookup = Callable[[str], "Credentials | tuple[str, str] | None"]


@dataclass(slots=True)
class RuntimeStats:
    """Counters for benchmarks and diagnostics (not thread-safe snapshots; read after stop)."""

    frames: int = 0
    reads: int = 0
    errors: int = 0
    process_ms: list[float] = field(default_factory=list)
    read_latency_ms: list[float] = field(default_factory=list)  # emission time - last sighting
    frame_to_read_ms: list[float] = field(default_factory=list)  # emission - capture of the completing frame
    wait_ms: list[float] = field(default_factory=list)  # age of each frame when the worker took it (queueing)
    started: float = 0.0
    stopped: float = 0.0
    cpu_started: float = 0.0  # process CPU time (every thread: capture decoding, inference, OpenVINO's)
    cpu_stopped: float = 0.0

    @property
    def cpu_ms_per_frame(self) -> float:
        """Process CPU time per processed frame between start and stop (0 before any frame)."""
        return 1000.0 * (self.cpu_stopped - self.cpu_started) / self.frames if self.frames else 0.0


class RecognitionRuntime:
    """Runs N cameras through shared detector/reader pipelines and publishes events.

    Args:
        config: Cameras, tracker, preview and health settings.
        pipeline_factory: Called once per inference worker.
        callbacks: Receivers of reads, health, previews and faults.
        credentials: Looks up a camera's login when its source needs one.
        demo_plates: Extra plate texts for demo sources (the app's demo hot list).
        workers: Inference threads; cameras are split between them (None: ``config.workers``). The
            pipeline factory must share only thread-safe models between workers.

    """

    def __init__(
        self,
        config: RuntimeConfig,
        pipeline_factory: PipelineFactory,
        callbacks: RuntimeCallbacks | None = None,
        *,
        credentials: CredentialsLookup | None = None,
        demo_plates: tuple[str, ...] = (),
        workers: int | None = None,
    ) -> None:
        self.config = config
        self._factory = pipeline_factory
        self._callbacks = callbacks or RuntimeCallbacks()
        self._credentials = credentials
        self._demo_plates = demo_plates
        self._workers = max(1, workers if workers is not None else config.workers)
        self._sources: dict[str, CaptureSource] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._faults: dict[str, str] = {}
        self._prepared = False
        self.stats = RuntimeStats()

    # -- lifecycle -----------------------------------------------------------------------------
    def prepare(self) -> None:
        """Create the sources (not started) and build the pipelines (loads and compiles models)."""
        if self._prepared:
            return
        self._stop.clear()
        for camera in self.config.cameras:
            if camera.enabled:
                self._create_camera(camera)
        ids = list(self._sources)
        for w in range(self._workers):
            mine = ids[w :: self._workers]
            if not mine and w > 0:
                continue
            try:
                pipeline = self._factory(dict(self._sources))
            except Exception as exc:
                logger.exception("cannot build the recognition pipeline")
                self._fault(None, f"cannot build the recognition pipeline: {exc}")
                continue
            thread = threading.Thread(target=self._infer_loop, args=(pipeline, mine), name=f"infer-{w}", daemon=True)
            self._threads.append(thread)
        self._threads.append(threading.Thread(target=self._health_loop, name="camera-health", daemon=True))
        self._prepared = True

    def start(self) -> None:
        """Start capture, inference and health threads (calls :meth:`prepare` if needed)."""
        self.prepare()
        self.stats = RuntimeStats(started=time.monotonic(), cpu_started=time.process_time())
        for camera_id, source in list(self._sources.items()):
            try:
                source.start()
            except Exception as exc:  # one bad camera never stops the others
                logger.exception("camera %s: cannot start", camera_id)
                self._fault(camera_id, f"cannot start: {exc}")
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every thread and camera; idempotent."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        self._prepared = False
        for source in self._sources.values():
            source.stop()
        for source in self._sources.values():
            self._publish_health(source.health())
        self._sources.clear()
        self.stats.stopped = time.monotonic()
        self.stats.cpu_stopped = time.process_time()

    def health(self) -> list[CameraHealth]:
        """Health of every camera that was started (faulty configs show as offline)."""
        result = [s.health() for s in self._sources.values()]
        result += [CameraHealth(cid, "offline", last_error=msg) for cid, msg in self._faults.items()]
        return result

    @property
    def sources(self) -> Mapping[str, CaptureSource]:
        """The running sources by camera id."""
        return dict(self._sources)

    # -- internals -----------------------------------------------------------------------------
    def _create_camera(self, camera: CameraConfig) -> None:
        lookup = self._credentials
        hook = (lambda cid=camera.id: lookup(cid)) if lookup is not None else None
        try:
            source = create_source(camera, credentials=hook, demo_plates=self._demo_plates)
        except Exception as exc:  # one bad camera never stops the others
            logger.exception("camera %s: cannot create its source", camera.id)
            self._faults[camera.id] = str(exc)
            self._fault(camera.id, f"cannot start: {exc}")
            return
        self._sources[camera.id] = source

    def _infer_loop(self, pipeline: Pipeline, camera_ids: list[str]) -> None:
        preview = PreviewThrottle(self.config.preview)
        finished: set[str] = set()
        while not self._stop.is_set():
            busy = False
            for cid in camera_ids:
                source = self._sources.get(cid)
                if source is None:
                    continue
                frame = source.get(0.0)
                if frame is None:
                    if cid not in finished and not source.running:
                        finished.add(cid)  # a finite source ended: its last pass is complete
                        self._emit_reads(pipeline.flush(cid))
                    continue
                busy = True
                self.stats.wait_ms.append((time.time() - frame.ts) * 1000.0)
                t0 = time.perf_counter()
                try:
                    # Passes over by time alone are published before this frame's detection and
                    # reading, not one frame's processing later (frame_to_read, notes/speed.md).
                    self._emit_reads(pipeline.tracker(frame.camera_id).expire(frame.ts), frame.ts)
                    result = pipeline.process(frame)
                except Exception as exc:  # a bad frame or model error must not stop the loop
                    self.stats.errors += 1
                    logger.exception("camera %s: frame %d failed", cid, frame.seq)
                    self._fault(cid, f"recognition failed: {exc}")
                    continue
                self.stats.frames += 1
                self.stats.process_ms.append((time.perf_counter() - t0) * 1000.0)
                self._emit_reads(result.reads, frame.ts)
                if self._callbacks.on_preview is not None and preview.due(cid, frame.ts):
                    self._call(self._callbacks.on_preview, preview.build(frame, result.observations))
            if not busy:
                self._stop.wait(0.003)
        self._emit_reads(pipeline.flush())

    def _emit_reads(self, reads: list[PlateRead] | tuple[PlateRead, ...], frame_ts: float | None = None) -> None:
        now = time.time()
        for read in reads:
            self.stats.reads += 1
            self.stats.read_latency_ms.append((now - read.last_seen) * 1000.0)
            if frame_ts is not None:
                self.stats.frame_to_read_ms.append((now - frame_ts) * 1000.0)
            if self._callbacks.on_read is not None:
                self._call(self._callbacks.on_read, read)

    def _health_loop(self) -> None:
        while not self._stop.wait(self.config.health_interval_s):
            for source in list(self._sources.values()):
                self._publish_health(source.health())

    def _publish_health(self, health: CameraHealth) -> None:
        if self._callbacks.on_health is not None:
            self._call(self._callbacks.on_health, health)

    def _fault(self, camera_id: str | None, message: str) -> None:
        if self._callbacks.on_fault is not None:
            self._call(self._callbacks.on_fault, RuntimeFault(camera_id, message))

    @staticmethod
    def _call(callback: Callable[[object], None], value: object) -> None:
        try:
            callback(value)
        except Exception:
            logger.exception("runtime subscriber failed")
