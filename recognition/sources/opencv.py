"""RTSP, HTTP MJPEG, USB and video-file sources over ``cv2.VideoCapture``."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import cv2
import numpy as np

from recognition.config import CaptureConfig
from recognition.sources.base import CaptureSource, CorruptFrame, EndOfStream, SourceError, StreamFailed

logger = logging.getLogger(__name__)

# OPENCV_FFMPEG_CAPTURE_OPTIONS is process-global and read when a capture opens.
_OPEN_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Credentials:
    """User and password for a camera, fetched from the OS keyring by the app at connect time."""

    user: str
    password: str

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password='***')"


#: Hook injected by the app: returns the credentials of a camera (or None) when it connects.
CredentialsHook = Callable[[], "Credentials | tuple[str, str] | None"]


def with_credentials(url: str, credentials: Credentials | tuple[str, str] | None) -> str:
    """``url`` with ``user:password@`` inserted (percent-encoded); unchanged without credentials."""
    if credentials is None:
        return url
    user, password = (credentials.user, credentials.password) if isinstance(credentials, Credentials) else credentials
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def redact(url: str) -> str:
    """``url`` with any user information removed, safe for logs and health messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


class OpenCvSource(CaptureSource):
    """A stream or device opened with ``cv2.VideoCapture`` (FFmpeg backend for URLs and files)."""

    def __init__(
        self,
        camera_id: str,
        target: str | int,
        capture: CaptureConfig | None = None,
        *,
        credentials: CredentialsHook | None = None,
        ffmpeg_options: str = "",
        loop: bool = False,
        pace_fps: float | None = None,
        is_file: bool = False,
        realtime: bool = True,
        frame_size: tuple[int, int] | None = None,
    ) -> None:
        """Describe the stream.

        Args:
            camera_id: Id stamped on every frame.
            target: URL, file path or device index.
            capture: Queue and reconnect settings.
            credentials: Called at each connect for user/password (URLs only).
            ffmpeg_options: ``OPENCV_FFMPEG_CAPTURE_OPTIONS`` value, e.g. ``"rtsp_transport;tcp"``.
            loop: Restart files at their end instead of ending.
            pace_fps: Serve at this rate; None = the file's own rate (files) or the device's rate.
            is_file: The target is a recorded file.
            realtime: Pace a file at its frame rate; when False it is served as fast as the consumer
                takes frames (back-pressure instead of drops).
            frame_size: Requested (width, height) for devices.

        """
        super().__init__(camera_id, capture)
        self._target = target
        self._credentials = credentials
        self._ffmpeg_options = ffmpeg_options
        self._loop = loop
        self._pace = pace_fps
        self._is_file = is_file
        self._frame_size = frame_size
        self._cap: cv2.VideoCapture | None = None
        self._decoded = 0  # frames decoded since the file was opened or rewound
        self._expected = 0  # frame count the container announces (0 = unknown)
        self._announced_fps = 0.0
        self._next_due = 0.0
        self._realtime = realtime
        self.backpressure = is_file and not realtime

    @property
    def fps(self) -> float:
        """Frame rate the stream or file announced when opened (0 = unknown or not open yet)."""
        return self._announced_fps

    def describe(self) -> str:
        """Target without credentials."""
        return redact(self._target) if isinstance(self._target, str) else f"device {self._target}"

    def _open(self) -> None:
        timeout_ms = int(self._cfg.read_timeout_s * 1000)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms]
        if isinstance(self._target, int):
            cap = cv2.VideoCapture(self._target)
            if self._frame_size is not None:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self._frame_size[0])
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self._frame_size[1])
        else:
            if self._is_file and not os.path.isfile(self._target):
                raise SourceError(f"no such file: {self._target}")
            url = self._target
            if self._credentials is not None:
                url = with_credentials(url, self._credentials())
            with _OPEN_LOCK:
                previous = os.environ.get("OPENCV_FFMPEG_CAPTURE_OPTIONS")
                if self._ffmpeg_options:
                    os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = self._ffmpeg_options
                try:
                    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
                finally:
                    if self._ffmpeg_options:
                        if previous is None:
                            os.environ.pop("OPENCV_FFMPEG_CAPTURE_OPTIONS", None)
                        else:
                            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = previous
        if not cap.isOpened():
            cap.release()
            if self._is_file:  # it exists (checked above): retrying cannot help
                raise StreamFailed(f"cannot open video file {self.describe()}: truncated, corrupt or not a video")
            raise SourceError(f"cannot open {self.describe()}")
        self._cap = cap
        self._decoded = 0
        self._expected = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0) if self._is_file else 0
        self._announced_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if self._is_file and self._realtime and not self._pace:
            self._pace = cap.get(cv2.CAP_PROP_FPS) or 25.0
        self._next_due = time.monotonic()

    def _read(self) -> np.ndarray:
        cap = self._cap
        if cap is None:
            raise SourceError("not open")
        if self._pace and not self.backpressure:
            self._next_due += 1.0 / self._pace
            delay = self._next_due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                self._next_due = time.monotonic()
        ok, image = cap.read()
        if ok and image is not None and image.size:
            self._decoded += 1
            return image
        if self._is_file:
            self._check_complete()
            if not self._loop:
                raise EndOfStream()
            cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = cap.read()
            if ok and image is not None and image.size:
                self._decoded = 1
                return image
            raise SourceError(f"cannot rewind {self.describe()}")
        if ok:
            raise CorruptFrame("decoder returned an empty image")
        raise SourceError(f"stream ended or timed out: {self.describe()}")

    def _check_complete(self) -> None:
        """At the end of a file: decoding that stopped well before the announced frame count is an error.

        One frame of slack: containers without an index (MPEG-TS) announce an estimate.
        """
        if self._expected <= 0 or self._decoded >= self._expected - 1:
            return
        message = (f"video {self.describe()} stopped decoding after {self._decoded} of {self._expected} frames:"
                   " the file is truncated or corrupt")
        if not self._loop:
            raise StreamFailed(message)
        self._last_error = message  # a looping camera keeps playing what it can, but says so
        logger.warning("camera %s: %s", self.camera_id, message)

    def _close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
