"""Configuration of cameras, capture, tracking and the recognition runtime.

Pydantic v2 models with ``extra="forbid"`` and titles/descriptions/bounds on every field so the
settings dialog can be generated from the JSON schema. Camera sources are a discriminated union on
``type``. Credentials never live here: sources that need them call a hook injected by the app.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """Base for every recognition config: unknown keys are an error, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RtspSourceConfig(StrictModel):
    """An IP camera streaming RTSP."""

    type: Literal["rtsp"] = "rtsp"
    url: str = Field(
        title="RTSP URL",
        description="rtsp://host:port/path without user or password (those come from the keyring).",
        min_length=8,
        max_length=2048,
        pattern=r"^rtsps?://",
    )
    transport: Literal["tcp", "udp"] = Field(
        "tcp", title="Transport", description="RTP transport; TCP survives lossy networks better."
    )
    use_credentials: bool = Field(
        False, title="Needs login", description="Ask the credential store for user/password on connect."
    )


class HttpMjpegSourceConfig(StrictModel):
    """A camera serving motion JPEG over HTTP."""

    type: Literal["http"] = "http"
    url: str = Field(
        title="MJPEG URL",
        description="http(s)://host/path of the MJPEG stream, without user or password.",
        min_length=8,
        max_length=2048,
        pattern=r"^https?://",
    )
    use_credentials: bool = Field(
        False, title="Needs login", description="Ask the credential store for user/password on connect."
    )


class UsbSourceConfig(StrictModel):
    """A local USB/V4L2 camera by index."""

    type: Literal["usb"] = "usb"
    index: int = Field(0, title="Device index", description="OpenCV camera index (0 = first).", ge=0, le=63)
    width: int | None = Field(None, title="Width", description="Requested width in pixels.", ge=160, le=7680)
    height: int | None = Field(
        None, title="Height", description="Requested height in pixels.", ge=120, le=4320
    )


class FileSourceConfig(StrictModel):
    """A video file played as if it were a camera."""

    type: Literal["file"] = "file"
    path: str = Field(title="Video file", description="Path of a video file OpenCV can decode.", min_length=1)
    loop: bool = Field(True, title="Loop", description="Start again at the end of the file.")
    realtime: bool = Field(
        True, title="Real time", description="Pace frames at the file's frame rate instead of as fast as possible."
    )


class FolderSourceConfig(StrictModel):
    """A folder of still images played in name order."""

    type: Literal["folder"] = "folder"
    path: str = Field(title="Image folder", description="Folder with .jpg/.png/.bmp images.", min_length=1)
    fps: float = Field(2.0, title="Frames per second", description="Rate at which images are served.", gt=0, le=120)
    loop: bool = Field(True, title="Loop", description="Start again after the last image.")


class DemoSourceConfig(StrictModel):
    """Synthetic road scene with passing vehicles carrying US-style plates (no camera needed)."""

    type: Literal["demo"] = "demo"
    resolution: Literal["720p", "1080p"] = Field(
        "720p", title="Resolution", description="1280x720 or 1920x1080 frames."
    )
    fps: float = Field(15.0, title="Frames per second", description="Rate of the synthetic feed.", gt=0, le=60)
    seed: int = Field(0, title="Seed", description="Random seed; the same seed gives the same traffic.", ge=0)
    vehicles_per_minute: float = Field(
        20.0, title="Traffic", description="Average number of passing vehicles per minute.", ge=0, le=240
    )
    parked_car: bool = Field(False, title="Parked car", description="Keep one parked car in view.")
    plates: tuple[str, ...] = Field(
        (),
        title="Seeded plates",
        description="Plate texts that sometimes appear (e.g. from the demo hot list so hits happen).",
        max_length=1000,
    )
    seeded_share: float = Field(
        0.3, title="Seeded share", description="Share of passing vehicles that carry a seeded plate.", ge=0, le=1
    )
    realtime: bool = Field(True, title="Real time", description="Pace frames at ``fps`` (off for benchmarks).")
    duration_s: float = Field(
        0.0, title="Duration (s)", description="End after this much scene time (0 = endless).", ge=0, le=86400
    )


SourceConfig = Annotated[
    RtspSourceConfig
    | HttpMjpegSourceConfig
    | UsbSourceConfig
    | FileSourceConfig
    | FolderSourceConfig
    | DemoSourceConfig,
    Field(discriminator="type"),
]


class CaptureConfig(StrictModel):
    """How a capture thread buffers frames and reconnects."""

    queue_size: int = Field(
        2, title="Frame queue", description="Frames buffered per camera; the oldest is dropped when full.", ge=1, le=64
    )
    backoff_initial_s: float = Field(
        0.5, title="First retry after (s)", description="Delay before the first reconnect attempt.", gt=0, le=60
    )
    backoff_max_s: float = Field(
        30.0, title="Longest retry delay (s)", description="Upper bound of the exponential backoff.", gt=0, le=600
    )
    read_timeout_s: float = Field(
        5.0, title="Stall timeout (s)", description="No frame for this long counts as a dropped connection.", gt=0, le=120
    )
    offline_after: int = Field(
        3,
        title="Offline after",
        description="Consecutive failed connection attempts before the camera is reported offline.",
        ge=1,
        le=1000,
    )


class CameraConfig(StrictModel):
    """One camera: identity shown to dispatchers plus where its frames come from."""

    id: str = Field(
        title="Camera id", description="Stable identifier stored with every read.", pattern=r"^[A-Za-z0-9_.-]{1,64}$"
    )
    name: str = Field("", title="Name", description="Human-readable name.", max_length=200)
    location: str = Field("", title="Location", description="Where the camera is (street, mile marker).", max_length=500)
    direction: str = Field("", title="Direction", description="Direction of travel watched (NB, SB, EB, WB...).", max_length=20)
    enabled: bool = Field(True, title="Enabled", description="Disabled cameras are not started.")
    source: SourceConfig = Field(title="Source", description="Where frames come from.")
    capture: CaptureConfig = Field(default_factory=CaptureConfig, title="Capture", description="Buffering and reconnects.")


class TrackerConfig(StrictModel):
    """Association of plates across frames and when a track turns into a read."""

    iou_threshold: float = Field(
        0.15, title="Box overlap", description="Minimum IoU for a detection to continue a track.", ge=0, le=1
    )
    max_centre_jump: float = Field(
        1.5,
        title="Centre jump",
        description="Largest move of the box centre between frames, in plate widths, for fast vehicles.",
        ge=0,
        le=20,
    )
    text_weight: float = Field(
        0.4, title="Text weight", description="Weight of text similarity in the association score.", ge=0, le=1
    )
    max_lost_frames: int = Field(
        4, title="Lost frames", description="A track ends after this many frames without its plate.", ge=1, le=1000
    )
    max_lost_s: float = Field(
        0.6, title="Lost time (s)", description="A track also ends after this long without its plate.", gt=0, le=60
    )
    edge_margin_px: int = Field(
        8, title="Edge margin", description="A plate lost this close to the border has left: end at once.", ge=0, le=500
    )
    min_frames: int = Field(
        2, title="Minimum frames", description="Tracks seen in fewer frames are discarded as noise.", ge=1, le=100
    )
    min_confidence: float = Field(
        0.3, title="Minimum confidence", description="Voted reads below this confidence are not emitted.", ge=0, le=1
    )
    min_chars: int = Field(2, title="Minimum characters", description="Shorter voted texts are not emitted.", ge=1, le=10)
    min_likeness: float = Field(
        0.2,
        title="Minimum plate likeness",
        description="Tracks less plate-like than this (shape, text syntax, steady reading) are not emitted.",
        ge=0,
        le=1,
    )
    emit_after_s: float = Field(
        3.0,
        title="Emit long tracks after (s)",
        description="A track still alive after this long (parked, queued traffic) emits once without waiting for its end.",
        gt=0,
        le=3600,
    )
    preview_after_frames: int = Field(
        0, title="Preview after", description="Emit an early preview read after this many frames (0 = never).", ge=0, le=100
    )
    repeat_window_s: float = Field(
        10.0, title="Repeat window (s)", description="The same text on the same camera within this time is one pass.", ge=0, le=3600
    )
    parked_window_s: float = Field(
        900.0,
        title="Parked window (s)",
        description="The same text at the same place is not re-emitted while it keeps being seen within this time.",
        ge=0,
        le=86400,
    )
    jpeg_quality: int = Field(85, title="JPEG quality", description="Quality of stored crops and overviews.", ge=30, le=100)
    overview_max_width: int = Field(
        1280, title="Overview width", description="Overview frames are downscaled to at most this width.", ge=160, le=7680
    )


class PreviewConfig(StrictModel):
    """Live video handed to the console tiles."""

    enabled: bool = Field(True, title="Preview", description="Publish downscaled frames for live tiles.")
    max_fps: float = Field(10.0, title="Preview fps", description="Preview frames per camera per second.", gt=0, le=15)
    max_width: int = Field(640, title="Preview width", description="Preview frames are at most this wide.", ge=160, le=1920)
    jpeg: bool = Field(
        False, title="JPEG previews", description="Encode previews as JPEG (for a separate process) instead of arrays."
    )


class RuntimeConfig(StrictModel):
    """The live recognition runtime."""

    cameras: tuple[CameraConfig, ...] = Field((), title="Cameras", description="Cameras to run.", max_length=64)
    tracker: TrackerConfig = Field(default_factory=TrackerConfig, title="Tracking", description="Tracking and voting.")
    preview: PreviewConfig = Field(default_factory=PreviewConfig, title="Preview", description="Live tile frames.")
    health_interval_s: float = Field(
        1.0, title="Health interval (s)", description="How often camera health is published.", gt=0, le=60
    )
    workers: int = Field(
        2,
        title="Inference workers",
        description="Threads running recognition; the cameras are split between them. Two on a 2-core "
        "workstation: one worker leaves a core idle while it decodes, moves pixels and tracks between "
        "inferences (notes/speed.md, session 22).",
        ge=1,
        le=16,
    )
    infer_queue: int = Field(
        8, title="Inference queue", description="Frames waiting for inference across all cameras.", ge=1, le=256
    )
