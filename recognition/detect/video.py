"""Video detection: run the full detector only when something new moved; follow known plates cheaply.

On a fixed camera most frames differ from the previous one only where a vehicle moves, and a plate
seen in the last frame is near where it was. Per stream (camera) this keeps the last frame's
thumbnail and the plates found in it, and per frame chooses:

- **full pass** (coarse map + zoomed windows, the known plates among the windows) on the first
  frame, every ``keyframe_every``-th frame, after a global change (lighting, camera shake: more
  than ``full_share`` of the frame changed) and whenever a moving region touches no known plate
  (a new vehicle, or one whose plate was not found yet);
- **guided pass** (only a zoomed window around each known plate, packed into one small mosaic:
  one small inference) when every moving region holds a known plate, or nothing moved but plates
  are in view;
- **nothing** when nothing moved and no plate is known (an empty road).

A plate the guided pass loses drops out of the known plates, and its vehicle's motion then asks
for a full pass on the next frame, so recall stays that of the full detector (measured in
notes/detector.md). Stills (:meth:`VideoPlateDetector.detect`) always get the full pass.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from recognition.detect.builtin import BuiltinPlateDetector
from recognition.detect.motion import changed, overlaps, thumbnail
from recognition.detect.runtime import as_bgr
from recognition.types import PlateDetection

_GROW_BOX = np.array([-1.0, -1.0, 2.0, 2.0])  # x, y move out by the growth, w, h widen by twice it


@dataclass(frozen=True, slots=True)
class VideoGate:
    """When the full detector runs on a video stream (see the module docstring)."""

    keyframe_every: int = 2  # full pass at least every this many frames (1 = every frame; 3 lost recall)
    full_share: float = 0.6  # share of changed thumbnail cells that calls for a full pass
    thumb_cells: int = 240  # thumbnail cells along the longest side
    threshold: int = 12  # grey-level change of a thumbnail cell that counts as motion
    min_cells: int = 20  # smaller changed blobs are ignored
    reach: float = 1.5  # a moving region within this many plate widths of a known plate holds it
    recheck_lost: bool = False  # a guided pass that loses a known plate is followed by a full pass

    def __post_init__(self) -> None:
        if self.keyframe_every < 1:
            raise ValueError("keyframe_every must be >= 1")
        if not 0 < self.full_share <= 1:
            raise ValueError("full_share must be in (0, 1]")
        if self.thumb_cells < 16 or self.threshold < 1 or self.min_cells < 1 or self.reach < 0:
            raise ValueError("thumb_cells >= 16, threshold >= 1, min_cells >= 1 and reach >= 0 required")


@dataclass(slots=True)
class _Stream:
    shape: tuple[int, int]
    thumb: np.ndarray
    plates: np.ndarray  # [N,4] x, y, w, h of the plates found in the last frame
    since_full: int = 0


@dataclass(slots=True)
class GateCounts:
    """How often each kind of pass ran (for benchmarks and notes)."""

    full: int = 0
    guided: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class VideoPlateDetector:
    """Wraps the built-in detector with per-stream motion gating (implements PlateDetector).

    Args:
        detector: The built-in detector (its ``detect_guided`` does the work).
        gate: The gating rules.

    """

    def __init__(self, detector: BuiltinPlateDetector, gate: VideoGate | None = None) -> None:
        self.detector = detector
        self.gate = gate or VideoGate()
        self.counts = GateCounts()
        self.last_pass = ""  # "full", "guided" or "skipped": what the last detect_stream ran
        self._streams: dict[str, _Stream] = {}
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """A still image: the full detector, no stream state."""
        return self.detector.detect(image)

    def forget(self, stream: str) -> None:
        """Drop the state of ``stream`` (its next frame gets a full pass)."""
        with self._lock:
            self._streams.pop(stream, None)

    def detect_stream(self, image: np.ndarray, stream: str) -> list[PlateDetection]:
        """Plates in the next frame of ``stream`` (frames in order), best first."""
        frame = as_bgr(image)
        if frame is None:
            return []
        h, w = frame.shape[:2]
        thumb = thumbnail(frame, max(1, round(max(h, w) / self.gate.thumb_cells)))
        with self._lock:
            state = self._streams.get(stream)
        reason = self._reason(state, thumb, (h, w))
        known = state.plates if state is not None else None
        if reason:
            detections = self.detector.detect_guided(frame, known, coarse=True)
        elif known is not None and len(known):
            detections = self.detector.detect_guided(frame, known, coarse=False)
            if self.gate.recheck_lost and _lost(known, detections):
                reason = "lost"  # a known plate is not where it was expected: look everywhere now
                detections = self.detector.detect_guided(frame, known, coarse=True)
        else:
            detections = []
        self._count(reason, known)
        plates = np.array([[d.box.x, d.box.y, d.box.w, d.box.h] for d in detections], dtype=np.float64)
        since = 0 if reason else (state.since_full + 1 if state is not None else 0)
        with self._lock:
            self._streams[stream] = _Stream((h, w), thumb, plates.reshape(-1, 4), since)
        return detections

    def _reason(self, state: _Stream | None, thumb: np.ndarray, shape: tuple[int, int]) -> str:
        """Why this frame needs a full pass ('' when it does not)."""
        if state is None or state.shape != shape:  # the thumbnail size follows from the frame size
            return "first"
        gate = self.gate
        if state.since_full + 1 >= gate.keyframe_every:
            return "keyframe"
        motion = changed(state.thumb, thumb, shape[1], shape[0], threshold=gate.threshold, min_cells=gate.min_cells)
        if motion.share > gate.full_share:
            return "global"
        # each known plate's reach: grown by ``reach`` plate widths on every side
        reach = state.plates + gate.reach * state.plates[:, 2:3] * _GROW_BOX
        if len(motion.boxes) and not explained(motion.boxes, reach).all():
            return "new motion"
        return ""

    def _count(self, reason: str, known: np.ndarray | None) -> None:
        counts = self.counts
        self.last_pass = "full" if reason else ("guided" if known is not None and len(known) else "skipped")
        if reason:
            counts.full += 1
            counts.reasons[reason] = counts.reasons.get(reason, 0) + 1
        elif known is not None and len(known):
            counts.guided += 1
        else:
            counts.skipped += 1


def explained(boxes: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Which moving regions belong to a known plate's vehicle.

    A region is explained when it overlaps the reach of a known plate, or overlaps a region that is
    (a vehicle's motion often splits into several touching or nested regions).
    """
    done = overlaps(boxes, reach)
    while True:
        more = done | overlaps(boxes, boxes[done])
        if (more == done).all():
            return done
        done = more


def _lost(known: np.ndarray, detections: list[PlateDetection]) -> bool:
    """True when some known plate has no detection near it (centre within its track window)."""
    if not detections:
        return True
    found = np.array([[d.box.x + d.box.w / 2, d.box.y + d.box.h / 2] for d in detections])
    for x, y, w, h in known:
        cx, cy = x + w / 2, y + h / 2
        near = (np.abs(found[:, 0] - cx) <= max(w, 16.0)) & (np.abs(found[:, 1] - cy) <= h / 2 + 0.75 * max(w, 16.0))
        if not near.any():
            return True
    return False
