"""Frame sources: RTSP, HTTP MJPEG, USB, video file, image folder and the synthetic demo feed.

Use :func:`create_source` with a :class:`~recognition.config.CameraConfig`; each source runs its own
capture thread (bounded queue, drop-oldest, reconnect with backoff) behind the
:class:`~recognition.protocols.FrameSource` protocol.
"""

from __future__ import annotations

from recognition.config import (
    CameraConfig,
    DemoSourceConfig,
    FileSourceConfig,
    FolderSourceConfig,
    HttpMjpegSourceConfig,
    RtspSourceConfig,
    UsbSourceConfig,
)
from recognition.sources.base import CaptureSource, CorruptFrame, EndOfStream, SourceError, StreamFailed
from recognition.sources.demo import DemoSource
from recognition.sources.folder import FolderSource
from recognition.sources.opencv import Credentials, CredentialsHook, OpenCvSource, redact, with_credentials

__all__ = [
    "CaptureSource",
    "CorruptFrame",
    "Credentials",
    "CredentialsHook",
    "DemoSource",
    "EndOfStream",
    "FolderSource",
    "OpenCvSource",
    "SourceError",
    "StreamFailed",
    "create_source",
    "redact",
    "with_credentials",
]


def create_source(
    camera: CameraConfig,
    *,
    credentials: CredentialsHook | None = None,
    demo_plates: tuple[str, ...] = (),
) -> CaptureSource:
    """Build the source a camera config describes (not started).

    Args:
        camera: The camera; ``camera.source.type`` picks the implementation.
        credentials: Called at each connect when the source has ``use_credentials``.
        demo_plates: Extra plate texts for a ``demo`` source (e.g. the demo hot list).

    Raises:
        ValueError: If a source needs credentials and no hook was given.

    """
    src = camera.source
    cap = camera.capture
    match src:
        case RtspSourceConfig():
            hook = _require(credentials, camera) if src.use_credentials else None
            return OpenCvSource(camera.id, src.url, cap, credentials=hook, ffmpeg_options=f"rtsp_transport;{src.transport}")
        case HttpMjpegSourceConfig():
            hook = _require(credentials, camera) if src.use_credentials else None
            return OpenCvSource(camera.id, src.url, cap, credentials=hook)
        case UsbSourceConfig():
            size = (src.width, src.height) if src.width and src.height else None
            return OpenCvSource(camera.id, src.index, cap, frame_size=size)
        case FileSourceConfig():
            return OpenCvSource(camera.id, src.path, cap, loop=src.loop, is_file=True, realtime=src.realtime)
        case FolderSourceConfig():
            return FolderSource(camera.id, src.path, cap, fps=src.fps, loop=src.loop)
        case DemoSourceConfig():
            return DemoSource(camera.id, src, cap, plates=demo_plates)
    raise ValueError(f"unknown source type {type(src).__name__}")  # pragma: no cover - union is closed


def _require(hook: CredentialsHook | None, camera: CameraConfig) -> CredentialsHook:
    if hook is None:
        raise ValueError(f"camera {camera.id} needs credentials but no credentials hook was given")
    return hook
