"""Values that flow through the recognition pipeline.

Frozen, slotted dataclasses; stdlib and numpy only so this module is cheap to import from
anywhere (the app imports it to receive reads without pulling in OpenCV or OpenVINO).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

CameraState = Literal["connecting", "live", "reconnecting", "offline", "stopped"]

#: Characters a plate may carry after normalisation (NCIC rule: no spaces, hyphens or symbols).
PLATE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True, slots=True)
class BBox:
    """Axis-aligned box in pixel coordinates of the frame it came from."""

    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        """Area in pixels (0 for degenerate boxes)."""
        return max(0, self.w) * max(0, self.h)

    def iou(self, other: BBox) -> float:
        """Intersection over union with another box."""
        ix = max(0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def as_list(self) -> list[int]:
        """``[x, y, w, h]`` as used by the JSON commands."""
        return [self.x, self.y, self.w, self.h]


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One decoded camera frame (BGR, uint8, HxWx3)."""

    camera_id: str
    seq: int
    ts: float  # epoch seconds when captured
    image: np.ndarray


@dataclass(frozen=True, slots=True)
class PlateDetection:
    """A plate found by a detector."""

    box: BBox
    score: float


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another plausible reading of a plate, e.g. with O and 0 swapped."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PlateText:
    """What a reader made of one plate crop.

    ``char_confidences`` has one entry per character of ``text``. ``alternatives`` keeps
    look-alike ambiguity (O/0, I/1, B/8 ...) visible instead of silently guessing.
    """

    text: str
    confidence: float
    char_confidences: tuple[float, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    state: str | None = None  # two-letter code (US state / CA province) or None
    state_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class PlateObservation:
    """One plate in one frame: detection plus reading (input to the tracker)."""

    detection: PlateDetection
    reading: PlateText | None


@dataclass(frozen=True, slots=True)
class VehicleColour:
    """Dominant vehicle colour around the plate, NCIC colour code (BLK, WHI, SIL, RED ...)."""

    code: str
    confidence: float


@dataclass(frozen=True, slots=True, eq=False)
class PlateRead:
    """One vehicle pass seen by a camera: the event the app stores and matches.

    Images travel as JPEG bytes so the event is cheap to pickle between processes.
    """

    read_id: str
    camera_id: str
    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    alternatives: tuple[Alternative, ...]
    state: str | None
    state_confidence: float
    colour: VehicleColour | None
    box: BBox
    plate_jpeg: bytes
    overview_jpeg: bytes
    first_seen: float
    last_seen: float
    best_ts: float
    frame_count: int
    preview: bool = False
    capture_ts: float = 0.0  # capture time of the first frame of the track (latency measurements)


@dataclass(frozen=True, slots=True)
class CameraHealth:
    """Health of one camera source, published a few times per second."""

    camera_id: str
    state: CameraState
    fps_in: float = 0.0
    fps_out: float = 0.0
    dropped: int = 0
    reconnects: int = 0
    last_error: str | None = None
    corrupt: int = 0  # undecodable or zero-size frames skipped (also counted in ``dropped``)


@dataclass(frozen=True, slots=True)
class StageTiming:
    """Milliseconds spent in one pipeline stage for one frame."""

    stage: str
    ms: float


@dataclass(frozen=True, slots=True, eq=False)
class FrameResult:
    """What the pipeline made of one frame: observations plus any reads it completed."""

    frame: Frame
    observations: tuple[PlateObservation, ...]
    reads: tuple[PlateRead, ...] = ()
    timings: tuple[StageTiming, ...] = field(default=())
