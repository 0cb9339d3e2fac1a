"""OpenVINO plumbing shared by every detector backend: load once, infer sync or async.

A detector subclass supplies :meth:`OpenVinoDetector._prepare` (frame -> input tensor plus what
is needed to map boxes back) and :meth:`OpenVinoDetector._decode` (raw output -> detections).
The base class owns the compiled model, one infer request per calling thread for :meth:`detect`,
and an :class:`openvino.AsyncInferQueue` for :meth:`submit` / :meth:`detect_many`, so several
cameras can keep the CPU busy with one compiled model.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import openvino as ov

from recognition.detect.errors import ModelLoadError
from recognition.types import BBox, PlateDetection

logger = logging.getLogger(__name__)

_CORE: ov.Core | None = None
_CORE_LOCK = threading.Lock()

DetectionsCallback = Callable[[list[PlateDetection]], None]


def core() -> ov.Core:
    """Process-wide OpenVINO core (creating one costs tens of milliseconds)."""
    global _CORE
    with _CORE_LOCK:
        if _CORE is None:
            _CORE = ov.Core()
        return _CORE


def read_model(path: Path) -> ov.Model:
    """Read an ONNX or IR model, turning every failure into :class:`ModelLoadError`."""
    if not path.is_file():
        raise ModelLoadError(f"detector model not found: {path}")
    try:
        return core().read_model(str(path))
    except (RuntimeError, OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read detector model {path}: {exc}".splitlines()[0]) from exc


def compile_model(
    model: ov.Model, name: str, device: str, threads: int, precision: str, hint: str = "LATENCY"
) -> ov.CompiledModel:
    """Compile for ``device`` with a performance hint; errors become :class:`ModelLoadError`."""
    props: dict[str, Any] = {"PERFORMANCE_HINT": hint}
    if device == "CPU":
        if threads:
            props["INFERENCE_NUM_THREADS"] = threads
        if precision == "f32":
            props["INFERENCE_PRECISION_HINT"] = "f32"
    try:
        return core().compile_model(model, device, props)
    except (RuntimeError, ValueError) as exc:
        raise ModelLoadError(
            f"cannot compile detector model {name} on {device}: {exc}".splitlines()[0]
        ) from exc


class StaticShapes:
    """Copies of a dynamic-shape model compiled for the input shapes it is given again and again.

    OpenVINO's CPU plugin runs a model compiled for one fixed input shape 20-30 % faster than the
    same model compiled with a dynamic shape (the PP-OCRv4 detector at 1440x800, 960x544 and the
    640-wide zoom mosaics; notes/speed.md, session 26). Compiling costs ~0.25 s, so a shape gets its
    copy once it has been met ``after`` times, and at most ``limit`` shapes get one (no eviction: a
    stream of ever-new sizes never recompiles); every other shape uses the dynamic model.
    ``background``: the copy is compiled on a short-lived thread while the dynamic model keeps
    serving that shape, so no live frame waits for a compile (video); otherwise the call that makes
    it due compiles it (stills). Thread-safe; each calling thread gets its own infer request per copy.
    """

    def __init__(self, model: ov.Model, compile_fn: Callable[[ov.Model], ov.CompiledModel], *, after: int = 3,
                 limit: int = 8, background: bool = False) -> None:
        if after < 1 or limit < 0:
            raise ValueError("after >= 1 and limit >= 0 required")
        self._model = model
        self._compile = compile_fn
        self.after = after
        self.limit = limit
        self.background = background
        self._seen: dict[tuple[int, ...], int] = {}
        self._compiled: dict[tuple[int, ...], ov.CompiledModel] = {}
        self._pending: dict[tuple[int, ...], threading.Thread] = {}
        self._failed: set[tuple[int, ...]] = set()  # background compiles that failed: never tried again
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        """Input shapes that have a static copy."""
        with self._lock:  # a background compile may add one meanwhile
            return tuple(self._compiled)

    def request(self, shape: tuple[int, ...]) -> ov.InferRequest | None:
        """The calling thread's infer request of the copy for ``shape`` (compiled now when due), or None."""
        shape = tuple(int(v) for v in shape)
        compiled = self._compiled.get(shape)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(shape)
                if compiled is None:
                    if shape in self._pending or shape in self._failed:
                        return None
                    seen = self._seen[shape] = self._seen.get(shape, 0) + 1
                    if seen < self.after or len(self._compiled) + len(self._pending) >= self.limit:
                        return None
                    model = self._model.clone()
                    model.reshape({0: ov.PartialShape(list(shape))})
                    if self.background:
                        thread = threading.Thread(target=self._compile_aside, args=(shape, model),
                                                  name="detector-static-compile", daemon=True)
                        self._pending[shape] = thread
                        thread.start()
                        return None
                    compiled = self._compiled[shape] = self._compile(model)
                    logger.info("detector compiled for input shape %s", shape)
        requests = getattr(self._local, "requests", None)
        if requests is None:
            requests = self._local.requests = {}
        request = requests.get(shape)
        if request is None:
            request = requests[shape] = compiled.create_infer_request()
        return request

    def _compile_aside(self, shape: tuple[int, ...], model: ov.Model) -> None:
        try:
            compiled = self._compile(model)
        except Exception:  # noqa: BLE001 - the dynamic model keeps serving the shape
            logger.warning("detector copy for input shape %s not compiled; the dynamic model serves it", shape,
                           exc_info=True)
            with self._lock:
                self._pending.pop(shape, None)
                self._failed.add(shape)
            return
        with self._lock:
            self._compiled[shape] = compiled
            self._pending.pop(shape, None)
        logger.info("detector compiled for input shape %s (in the background)", shape)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background compiles started so far; True when none is left running."""
        with self._lock:
            threads = list(self._pending.values())
        for thread in threads:
            thread.join(timeout)
        return not any(t.is_alive() for t in threads)


def as_bgr(image: np.ndarray | None) -> np.ndarray | None:
    """Return a usable HxWx3 uint8 view of ``image``, or None for empty/unsupported frames."""
    if image is None or not isinstance(image, np.ndarray) or image.size == 0:
        return None
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 8:
        return None
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    return image


class OpenVinoDetector(ABC):
    """Base of the OpenVINO plate detectors (implements the PlateDetector protocol)."""

    def __init__(
        self, compiled: ov.CompiledModel, roi: tuple[float, float, float, float] | None = None
    ) -> None:
        self._compiled = compiled
        self._roi = roi
        self._output = compiled.output(0)
        self._local = threading.local()
        self._queue: ov.AsyncInferQueue | None = None
        self._queue_lock = threading.Lock()

    @abstractmethod
    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, Any]:
        """Input tensor for ``image`` plus whatever :meth:`_decode` needs to map boxes back."""

    @abstractmethod
    def _decode(self, output: np.ndarray, image_shape: tuple[int, int], meta: Any) -> list[PlateDetection]:
        """Turn the model's first output into detections (frame pixels, best first)."""

    def _request(self) -> ov.InferRequest:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._compiled.create_infer_request()
            self._local.request = request
        return request

    def _region(self, frame: np.ndarray) -> tuple[np.ndarray, int, int]:
        """The part of ``frame`` to search (the configured region of interest) and its offset."""
        if self._roi is None:
            return frame, 0, 0
        h, w = frame.shape[:2]
        x, y, rw, rh = self._roi
        x0, y0 = int(x * w), int(y * h)
        x1, y1 = max(x0 + 8, min(w, round((x + rw) * w))), max(y0 + 8, min(h, round((y + rh) * h)))
        return frame[y0:y1, x0:x1], x0, y0

    @staticmethod
    def _shift(detections: list[PlateDetection], dx: int, dy: int) -> list[PlateDetection]:
        if not dx and not dy:
            return detections
        return [
            PlateDetection(BBox(d.box.x + dx, d.box.y + dy, d.box.w, d.box.h), d.score) for d in detections
        ]

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """Plates in a BGR frame, best first; an empty or unusable frame gives ``[]``."""
        frame = as_bgr(image)
        if frame is None:
            return []
        region, dx, dy = self._region(frame)
        tensor, meta = self._prepare(region)
        result = self._request().infer({0: tensor})
        return self._shift(self._decode(np.asarray(result[self._output]), region.shape[:2], meta), dx, dy)

    def _async_queue(self) -> ov.AsyncInferQueue:
        with self._queue_lock:
            if self._queue is None:
                queue = ov.AsyncInferQueue(self._compiled, 0)
                queue.set_callback(self._on_done)
                self._queue = queue
            return self._queue

    def _on_done(self, request: ov.InferRequest, userdata: tuple[Any, ...]) -> None:
        shape, meta, offset, callback = userdata
        try:
            detections = self._decode(np.array(request.get_output_tensor(0).data), shape, meta)
            detections = self._shift(detections, *offset)
        except Exception:  # a callback must never kill OpenVINO's worker thread
            logger.exception("decoding detector output failed")
            detections = []
        callback(detections)

    def submit(self, image: np.ndarray, callback: DetectionsCallback) -> None:
        """Start detection without waiting; ``callback(detections)`` runs on an OpenVINO thread.

        Blocks only while every infer request is busy. Call :meth:`wait` to drain.
        """
        frame = as_bgr(image)
        if frame is None:
            callback([])
            return
        region, dx, dy = self._region(frame)
        tensor, meta = self._prepare(region)
        self._async_queue().start_async({0: tensor}, (region.shape[:2], meta, (dx, dy), callback))

    def wait(self) -> None:
        """Block until every submitted frame has been decoded and its callback has run."""
        if self._queue is not None:
            self._queue.wait_all()

    def detect_many(self, images: Sequence[np.ndarray]) -> list[list[PlateDetection]]:
        """Detect on several frames at once through the async queue (one result per frame)."""
        results: list[list[PlateDetection]] = [[] for _ in images]

        def keep(index: int) -> DetectionsCallback:
            def _store(dets: list[PlateDetection]) -> None:
                results[index] = dets

            return _store

        for i, image in enumerate(images):
            self.submit(image, keep(i))
        self.wait()
        return results
