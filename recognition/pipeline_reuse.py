"""Skip the reader on plates whose reading has settled (video only).

A plate in view is detected in every frame, and reading it costs as much as detecting it
(notes/speed.md). Once the last few readings of a plate agree and are confident, reading it again on
the next frames gives the same text, so the pipeline carries that reading forward instead: the
tracker still sees the plate every frame (box, crop, colour) with the reading it would have got.

A settled plate is read again when its box has grown by ``regrow`` since its last read (an
approaching plate gets larger and sharper: its later frames are the ones worth reading) or after
``reread_every`` frames without a read; a re-read that disagrees unsettles the plate, so the next
frames are read until readings agree again. Plates are followed from frame to frame by box overlap
(with a constant-velocity prediction); a detection that matches nothing is always read.

Stills are never affected: only :meth:`recognition.pipeline.Pipeline.process` (frames of a stream) uses this.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from recognition.types import BBox, PlateText


@dataclass(frozen=True, slots=True)
class ReuseRules:
    """When a settled reading is carried forward instead of reading the plate again."""

    settle_readings: int = 2  # this many readings in a row with the same text settle a plate
    min_confidence: float = 0.8  # ... each at least this confident
    regrow: float = 1.25  # read again once the box is this much wider than at the last read
    reread_every: int = 4  # read again after this many frames without a read (0 = only on growth)
    match_iou: float = 0.3  # a detection continues a plate when it overlaps it (or its prediction) this much
    forget_after: int = 2  # a plate not seen in this many frames is forgotten

    def __post_init__(self) -> None:
        if self.settle_readings < 1 or self.reread_every < 0 or self.forget_after < 1:
            raise ValueError("settle_readings >= 1, reread_every >= 0 and forget_after >= 1 required")
        if self.regrow <= 1.0 or not 0.0 < self.match_iou <= 1.0 or not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("regrow > 1, match_iou in (0, 1] and min_confidence in [0, 1] required")


@dataclass(slots=True, eq=False)
class _Plate:
    boxes: list[BBox]  # the last two boxes (for the prediction)
    readings: list[PlateText] = field(default_factory=list)  # the last real readings, newest last
    read_width: int = 0  # box width at the last real read
    since_read: int = 0  # frames since the last real read
    unseen: int = 0

    def predicted(self) -> BBox:
        last = self.boxes[-1]
        if len(self.boxes) < 2:
            return last
        prev = self.boxes[-2]
        return BBox(2 * last.x - prev.x, 2 * last.y - prev.y, max(1, 2 * last.w - prev.w), max(1, 2 * last.h - prev.h))


@dataclass(slots=True)
class ReuseCounts:
    """How many plate sightings were read and how many carried a settled reading (benchmarks)."""

    read: int = 0
    reused: int = 0


class ReadReuse:
    """Per stream: which detections of a frame need the reader and which carry a settled reading.

    Call :meth:`plan` with a frame's boxes, read the indices it returns, then :meth:`record` the
    outcome. Thread-safe per stream (one stream is processed by one thread at a time).
    """

    def __init__(self, rules: ReuseRules | None = None) -> None:
        """Use ``rules`` (defaults: :class:`ReuseRules`)."""
        self.rules = rules or ReuseRules()
        self.counts = ReuseCounts()
        self._streams: dict[str, list[_Plate]] = {}
        self._pending: dict[str, list[_Plate | None]] = {}
        self._lock = threading.Lock()

    def plan(self, stream: str, boxes: list[BBox]) -> dict[int, PlateText]:
        """Settled readings to carry, by index into ``boxes``; every other box must be read."""
        with self._lock:
            plates = self._streams.setdefault(stream, [])
        matched = self._match(plates, boxes)
        self._pending[stream] = matched
        carry: dict[int, PlateText] = {}
        for i, (box, plate) in enumerate(zip(boxes, matched, strict=True)):
            if plate is not None and self._settled(plate) and not self._due(plate, box):
                carry[i] = plate.readings[-1]
        return carry

    def record(self, stream: str, boxes: list[BBox], readings: list[PlateText | None], carried: set[int]) -> None:
        """What the frame gave: ``readings`` per box, ``carried`` the indices that were not read."""
        with self._lock:
            plates = self._streams.setdefault(stream, [])
        matched = self._pending.pop(stream, [None] * len(boxes))
        seen = set()
        for i, box in enumerate(boxes):
            plate = matched[i] if i < len(matched) else None
            if plate is None:
                plate = _Plate([box])
                plates.append(plate)
            else:
                plate.boxes = [plate.boxes[-1], box]
            seen.add(id(plate))
            plate.unseen = 0
            if i in carried:
                plate.since_read += 1
                self.counts.reused += 1
                continue
            self.counts.read += 1
            plate.since_read = 0
            plate.read_width = box.w
            reading = readings[i]
            plate.readings = [*plate.readings, reading][-self.rules.settle_readings :] if reading else []
        for plate in plates:
            if id(plate) not in seen:
                plate.unseen += 1
        plates[:] = [p for p in plates if p.unseen < self.rules.forget_after]

    def forget(self, stream: str) -> None:
        """Drop what is known of ``stream``."""
        with self._lock:
            self._streams.pop(stream, None)
            self._pending.pop(stream, None)

    def _settled(self, plate: _Plate) -> bool:
        rules = self.rules
        readings = plate.readings
        if len(readings) < rules.settle_readings:
            return False
        text = readings[-1].text
        return all(r.text == text and r.confidence >= rules.min_confidence for r in readings)

    def _due(self, plate: _Plate, box: BBox) -> bool:
        rules = self.rules
        if rules.reread_every and plate.since_read + 1 >= rules.reread_every:
            return True
        return box.w >= rules.regrow * plate.read_width

    def _match(self, plates: list[_Plate], boxes: list[BBox]) -> list[_Plate | None]:
        """Each box's plate of the last frames (greedy by overlap), None for a new one."""
        pairs = []
        for i, box in enumerate(boxes):
            for j, plate in enumerate(plates):
                overlap = max(plate.boxes[-1].iou(box), plate.predicted().iou(box))
                if overlap >= self.rules.match_iou:
                    pairs.append((overlap, i, j))
        pairs.sort(reverse=True)
        result: list[_Plate | None] = [None] * len(boxes)
        used: set[int] = set()
        for _, i, j in pairs:
            if result[i] is None and j not in used:
                result[i] = plates[j]
                used.add(j)
        return result
