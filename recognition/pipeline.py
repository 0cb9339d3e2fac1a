"""Detector -> crops -> reader -> colour -> tracker, synchronous and testable frame by frame.

No threads here: :mod:`recognition.runtime` decides where :meth:`Pipeline.process` runs.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from recognition.config import TrackerConfig
from recognition.detect.row_ends import RowEndRules, extend_row_ends
from recognition.pipeline_reuse import ReadReuse
from recognition.pipeline_row_ends import EndReread, reread_ends
from recognition.protocols import ColourEstimator, PlateDetector, PlateReader
from recognition.track.images import crop_box
from recognition.track.tracker import PlateTracker, Sighting
from recognition.types import Frame, FrameResult, PlateObservation, PlateRead, PlateText, StageTiming

logger = logging.getLogger(__name__)

#: Shipped row-end options (issue 14, notes/reader.md session 30: dev stills +2 images, EU/BR/test stills/pass
#: clips not worse; the re-read costs ~36 ms CPU per still image on average).
ROW_ENDS = RowEndRules()
END_REREAD = EndReread()


@dataclass(frozen=True, slots=True, eq=False)
class Observed:
    """Plates of one image with their crops (what :meth:`Pipeline.observe` returns)."""

    observations: tuple[PlateObservation, ...]
    crops: tuple[np.ndarray, ...]
    timings: tuple[StageTiming, ...]


class Pipeline:
    """Turns frames into observations and, through one tracker per camera, into reads.

    Args:
        detector: Finds plates in full frames.
        reader: Reads plate crops (called once per frame with all crops).
        colour: Optional vehicle colour estimator.
        tracker_config: Settings of the per-camera trackers.
        max_plates: Most plates read per frame (best detector scores first).
        crop_pad: Margin added around each detection before reading, as a share of its size.
        reuse: Carries settled readings forward instead of reading those plates again in the next
            frames of a stream (:mod:`recognition.pipeline_reuse`); None reads every plate every frame.
        row_ends: Crops a box end further where a row character lies just beyond it
            (:mod:`recognition.detect.row_ends`; on by default, notes/reader.md session 30); None crops
            every box as detected.
        end_reread: Reads the first plate again on a crop widened on one side when its row end is
            unsure (:mod:`recognition.pipeline_row_ends`; on by default, session 30); None reads each
            crop once.

    """

    def __init__(
        self,
        detector: PlateDetector,
        reader: PlateReader,
        colour: ColourEstimator | None = None,
        *,
        tracker_config: TrackerConfig | None = None,
        max_plates: int = 8,
        crop_pad: float = 0.05,
        reuse: ReadReuse | None = None,
        row_ends: RowEndRules | None = ROW_ENDS,
        end_reread: EndReread | None = END_REREAD,
    ) -> None:
        self.detector = detector
        self.reader = reader
        self.colour = colour
        self.tracker_config = tracker_config or TrackerConfig()
        self.max_plates = max_plates
        self.crop_pad = crop_pad
        self.reuse = reuse
        self.row_ends = row_ends
        self.end_reread = end_reread
        self._trackers: dict[str, PlateTracker] = {}

    def observe(self, image: np.ndarray, stream: str | None = None) -> Observed:
        """Detect and read the plates of one image, without tracking (still images, ``read``).

        ``stream`` names the video stream the image is the next frame of: a detector with
        ``detect_stream`` (:class:`recognition.detect.video.VideoPlateDetector`) then uses what it
        saw in that stream's earlier frames, and settled readings of that stream's plates are carried
        forward instead of read again (``reuse``).
        """
        t0 = time.perf_counter()
        detect_stream = getattr(self.detector, "detect_stream", None) if stream is not None else None
        found = detect_stream(image, stream) if detect_stream is not None else self.detector.detect(image)
        detections = sorted(found, key=lambda d: -d.score)[: self.max_plates]
        t1 = time.perf_counter()
        rules = self.row_ends
        crop_boxes = [d.box if rules is None else extend_row_ends(image, d.box, rules, self.crop_pad) for d in detections]
        crops = [crop_box(image, b, self.crop_pad) for b in crop_boxes]
        reuse = self.reuse if stream is not None else None
        boxes = [d.box for d in detections]
        carried = reuse.plan(stream, boxes) if reuse is not None and stream is not None else {}
        keep = [i for i, c in enumerate(crops) if c.size > 0 and i not in carried]
        readings = self.reader.read_many([crops[i] for i in keep]) if keep else []
        by_index: dict[int, PlateText | None] = dict(zip(keep, readings, strict=True))
        if self.end_reread is not None and keep:
            fresh = [by_index.get(i) for i in range(len(detections))]
            again = reread_ends(image, crop_boxes, fresh, self.end_reread,
                                lambda img, b: crop_box(img, b, self.crop_pad), self.reader.read_many)
            by_index.update({i: again[i] for i in keep})
        by_index.update(carried)
        if reuse is not None and stream is not None:
            reuse.record(stream, boxes, [by_index.get(i) for i in range(len(boxes))], set(carried))
        t2 = time.perf_counter()
        observations = tuple(PlateObservation(d, by_index.get(i)) for i, d in enumerate(detections))
        timings = (StageTiming("detect", (t1 - t0) * 1000.0), StageTiming("read", (t2 - t1) * 1000.0))
        return Observed(observations, tuple(crops), timings)

    def process(self, frame: Frame) -> FrameResult:
        """Run every stage on ``frame`` and return its observations and completed reads."""
        observed = self.observe(frame.image, frame.camera_id)
        t0 = time.perf_counter()
        colours = [
            self.colour.estimate(frame.image, o.detection) if self.colour is not None and o.reading else None
            for o in observed.observations
        ]
        t1 = time.perf_counter()
        sightings = [
            Sighting(o, c, col) for o, c, col in zip(observed.observations, observed.crops, colours, strict=True)
        ]
        reads = self.tracker(frame.camera_id).update(frame, sightings)
        t2 = time.perf_counter()
        timings = (
            *observed.timings,
            StageTiming("colour", (t1 - t0) * 1000.0),
            StageTiming("track", (t2 - t1) * 1000.0),
        )
        return FrameResult(frame, observed.observations, tuple(reads), timings)

    def tracker(self, camera_id: str) -> PlateTracker:
        """Return the tracker of ``camera_id`` (created on first use)."""
        tracker = self._trackers.get(camera_id)
        if tracker is None:
            # A reader with ``state_of`` skips the state per frame; the tracker reads it once per
            # vehicle pass, on the best crop before it is encoded.
            state_of = getattr(self.reader, "state_of", None)
            tracker = PlateTracker(camera_id, self.tracker_config, state_reader=state_of)
            self._trackers[camera_id] = tracker
        return tracker

    def flush(self, camera_id: str | None = None) -> list[PlateRead]:
        """End the live tracks of one camera (or all) and return their reads."""
        ids = [camera_id] if camera_id is not None else list(self._trackers)
        reads: list[PlateRead] = []
        for cid in ids:
            tracker = self._trackers.get(cid)
            if tracker is not None:
                reads.extend(tracker.flush())
        return reads
