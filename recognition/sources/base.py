"""Capture thread shared by every source: bounded queue, drop-oldest, reconnect with backoff, health.

Concrete sources implement three small hooks (open, read one image, close). Live sources drop the
oldest frame when the consumer is slow; recorded sources (files, folders, a demo feed that is not
paced) block instead, because nothing is lost by waiting and benchmarks must see every frame.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque

import numpy as np

from recognition.config import CaptureConfig
from recognition.types import CameraHealth, CameraState, Frame

logger = logging.getLogger(__name__)


class SourceError(Exception):
    """The source could not be opened or stopped delivering frames."""


class StreamFailed(SourceError):  # noqa: N818 - reads better at the raise site
    """A recorded source cannot go on (truncated or corrupt file): the capture ends, no retry."""


class EndOfStream(Exception):  # noqa: N818 - a signal, not an error
    """A finite source (file or folder without loop) has no more frames."""


class CorruptFrame(Exception):  # noqa: N818 - a signal, not an error
    """One frame could not be decoded; the stream itself is still usable."""


class RateMeter:
    """Events per second over a sliding window."""

    def __init__(self, window_s: float = 2.0) -> None:
        """Create a meter averaging over ``window_s`` seconds."""
        self._window = window_s
        self._times: deque[float] = deque()

    def tick(self, now: float) -> None:
        """Record one event at ``now`` (monotonic seconds)."""
        self._times.append(now)
        self._trim(now)

    def rate(self, now: float) -> float:
        """Events per second over the window ending at ``now``."""
        self._trim(now)
        if len(self._times) < 2:
            return 0.0
        span = max(now - self._times[0], 1e-6)
        return (len(self._times) - 1) / span if span < self._window else len(self._times) / self._window

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self._window:
            self._times.popleft()


def as_bgr(image: np.ndarray | None) -> np.ndarray:
    """Validate a decoded image and return it as HxWx3 uint8 BGR.

    Raises:
        CorruptFrame: If the image is missing, empty or of an unusable shape or type.

    """
    if image is None or not isinstance(image, np.ndarray) or image.size == 0:
        raise CorruptFrame("empty frame")
    if image.dtype != np.uint8 or min(image.shape[:2]) < 2:
        raise CorruptFrame(f"unusable frame {image.dtype} {image.shape}")
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    raise CorruptFrame(f"unusable frame shape {image.shape}")


class CaptureSource(ABC):
    """A :class:`~recognition.protocols.FrameSource` whose frames come from a capture thread."""

    #: Recorded sources block when the queue is full instead of dropping.
    backpressure: bool = False
    #: Consecutive corrupt frames after which the connection counts as dropped.
    max_consecutive_corrupt: int = 25

    def __init__(self, camera_id: str, capture: CaptureConfig | None = None) -> None:
        """Prepare the source; nothing is opened until :meth:`start`."""
        self.camera_id = camera_id
        self._cfg = capture or CaptureConfig()
        self._queue: deque[Frame] = deque()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state: CameraState = "stopped"
        self._seq = 0
        self._dropped = 0
        self._corrupt = 0
        self._reconnects = 0
        self._last_error: str | None = None
        self._failure: str | None = None
        self._in = RateMeter()
        self._out = RateMeter()

    # -- hooks for concrete sources ------------------------------------------------------------
    @abstractmethod
    def _open(self) -> None:
        """Connect to the device; raise :class:`SourceError` on failure."""

    @abstractmethod
    def _read(self) -> np.ndarray:
        """Next image; raise SourceError (connection lost), CorruptFrame or EndOfStream."""

    def _close(self) -> None:  # noqa: B027 - optional hook
        """Release the device (called from the capture thread)."""

    def describe(self) -> str:
        """Short description for logs; never contains credentials."""
        return type(self).__name__

    # -- FrameSource ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the capture thread (no-op when already running)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._failure = None
        self._state = "connecting"
        self._thread = threading.Thread(target=self._run, name=f"capture-{self.camera_id}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the capture thread and release the device; idempotent."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("camera %s: capture thread did not stop within %.1fs", self.camera_id, timeout)
        self._state = "stopped"

    def get(self, timeout: float) -> Frame | None:
        """Newest frame not yet handed out (oldest for recorded sources), or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self._queue:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._stop.is_set() and not self._queue:
                    return None
                self._cond.wait(remaining)
            if self.backpressure:
                frame = self._queue.popleft()
            else:
                frame = self._queue.pop()
                self._dropped += len(self._queue)
                self._queue.clear()
            self._cond.notify_all()
        self._out.tick(time.monotonic())
        return frame

    def health(self) -> CameraHealth:
        """Return the current state, rates and counters."""
        now = time.monotonic()
        return CameraHealth(
            camera_id=self.camera_id,
            state=self._state,
            fps_in=round(self._in.rate(now), 2),
            fps_out=round(self._out.rate(now), 2),
            dropped=self._dropped,
            reconnects=self._reconnects,
            last_error=self._last_error,
            corrupt=self._corrupt,
        )

    @property
    def failure(self) -> str | None:
        """Why a finite source ended early (truncated or corrupt file); None after a normal end."""
        return self._failure

    @property
    def running(self) -> bool:
        """True while the capture thread is alive (finite sources end on their own)."""
        return self._thread is not None and self._thread.is_alive()

    # -- capture thread ------------------------------------------------------------------------
    def _push(self, image: np.ndarray) -> None:
        self._seq += 1
        with self._cond:
            if self.backpressure:
                while len(self._queue) >= self._cfg.queue_size and not self._stop.is_set():
                    self._cond.wait(0.1)
            elif len(self._queue) >= self._cfg.queue_size:
                self._queue.popleft()
                self._dropped += 1
            # Stamp after waiting for room: for recorded sources "capture" is when the frame is queued.
            self._queue.append(Frame(self.camera_id, self._seq, time.time(), image))
            self._cond.notify_all()
        self._in.tick(time.monotonic())

    def _fail(self, exc: StreamFailed) -> None:
        self._failure = self._last_error = str(exc)
        logger.error("camera %s: %s", self.camera_id, exc)

    def _connect(self, failures: int) -> bool:
        try:
            self._open()
        except StreamFailed as exc:
            self._fail(exc)
            self._stop.set()
            return False
        except SourceError as exc:
            self._last_error = str(exc)
            if failures + 1 >= self._cfg.offline_after:
                self._state = "offline"
            logger.warning("camera %s: cannot open %s: %s", self.camera_id, self.describe(), exc)
            return False
        self._state = "live"
        return True

    def _pump(self) -> bool:
        """Read frames until the connection drops; True when the stream ended normally."""
        corrupt_run = 0
        while not self._stop.is_set():
            try:
                image = as_bgr(self._read())
            except CorruptFrame as exc:
                self._seq += 1  # the frame keeps its place in source order
                self._corrupt += 1
                self._dropped += 1
                self._last_error = f"corrupt frame: {exc}"
                corrupt_run += 1
                if corrupt_run >= self.max_consecutive_corrupt:
                    return False
                continue
            except EndOfStream:
                return True
            except StreamFailed as exc:
                self._fail(exc)
                return True
            except SourceError as exc:
                self._last_error = str(exc)
                logger.warning("camera %s: stream lost: %s", self.camera_id, exc)
                return False
            corrupt_run = 0
            self._push(image)
        return True

    def _run(self) -> None:
        delay = self._cfg.backoff_initial_s
        failures = 0
        try:
            while not self._stop.is_set():
                if not self._connect(failures):
                    failures += 1
                    self._stop.wait(delay)
                    delay = min(delay * 2, self._cfg.backoff_max_s)
                    continue
                failures, delay = 0, self._cfg.backoff_initial_s
                ended = self._pump()
                self._safe_close()
                if ended or self._stop.is_set():
                    break
                self._reconnects += 1
                self._state = "reconnecting"
                self._stop.wait(delay)
        except Exception as exc:  # a bug in one source must not take the runtime down
            logger.exception("camera %s: capture thread failed", self.camera_id)
            self._last_error = f"capture failed: {exc!r}"
            self._safe_close()
        finally:
            self._state = "stopped"
            with self._cond:
                self._cond.notify_all()

    def _safe_close(self) -> None:
        try:
            self._close()
        except Exception:
            logger.exception("camera %s: error while closing", self.camera_id)
