"""Settled readings are carried forward instead of reading the plate again (recognition.pipeline_reuse)."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.fakes import FakeDetector, FakeReader
from recognition.pipeline import Pipeline
from recognition.pipeline_reuse import ReadReuse, ReuseRules
from recognition.types import BBox, Frame, PlateDetection, PlateText

IMAGE = np.zeros((720, 1280, 3), np.uint8)


class MovingDetector(FakeDetector):
    """One plate whose box follows ``boxes`` frame after frame (the last box stays)."""

    def __init__(self, boxes: list[BBox]) -> None:
        super().__init__([])
        self.boxes = boxes
        self.calls = 0

    def detect(self, image):
        box = self.boxes[min(self.calls, len(self.boxes) - 1)]
        self.calls += 1
        return [PlateDetection(box, 0.9)]


class ScriptedReader(FakeReader):
    """Returns the texts of ``script`` in turn (then the last one) and counts the crops it reads."""

    def __init__(self, script: list[tuple[str, float]]) -> None:
        super().__init__("X")
        self.script = script
        self.read_crops = 0

    def read_many(self, crops):
        out = []
        for _ in crops:
            text, conf = self.script[min(self.read_crops, len(self.script) - 1)]
            self.read_crops += 1
            out.append(PlateText(text, conf))
        return out


def still_plate(frames: int) -> list[BBox]:
    return [BBox(500 + 2 * i, 400, 100, 50) for i in range(frames)]


def run(pipeline: Pipeline, frames: int, camera: str = "cam") -> list:
    results = []
    for i in range(frames):
        results.append(pipeline.process(Frame(camera, i + 1, 1.0 + i / 25, IMAGE)))
    return results


def test_a_confidently_settled_plate_is_not_read_again_but_still_carries_its_reading():
    reader = ScriptedReader([("ABC123", 0.95)])
    pipeline = Pipeline(MovingDetector(still_plate(8)), reader, reuse=ReadReuse(ReuseRules(reread_every=0)))
    results = run(pipeline, 8)
    assert reader.read_crops == 2  # two agreeing readings settle it; the 6 later frames are not read
    assert all(r.observations[0].reading.text == "ABC123" for r in results)
    assert pipeline.reuse.counts.reused == 6
    reads = pipeline.flush()
    assert [r.text for r in reads] == ["ABC123"] and reads[0].frame_count == 8


def test_without_reuse_every_frame_is_read():
    reader = ScriptedReader([("ABC123", 0.95)])
    run(Pipeline(MovingDetector(still_plate(8)), reader), 8)
    assert reader.read_crops == 8


def test_stills_are_always_read():
    reader = ScriptedReader([("ABC123", 0.95)])
    pipeline = Pipeline(MovingDetector(still_plate(5)), reader, reuse=ReadReuse())
    for _ in range(5):
        pipeline.observe(IMAGE)
    assert reader.read_crops == 5


@pytest.mark.parametrize(
    "script",
    [
        [("ABC123", 0.95), ("ABC128", 0.95)],  # readings disagree
        [("ABC123", 0.95), ("ABC123", 0.6)],  # one is not confident
        [("ABC123", 0.95), ("", 0.0)],  # nothing read
    ],
)
def test_unsettled_plates_keep_being_read(script):
    class Alternating(ScriptedReader):
        def read_many(self, crops):
            out = []
            for _ in crops:
                text, conf = script[self.read_crops % len(script)]
                self.read_crops += 1
                out.append(PlateText(text, conf) if text else None)
            return out

    reader = Alternating(script)
    run(Pipeline(MovingDetector(still_plate(6)), reader, reuse=ReadReuse(ReuseRules(reread_every=0))), 6)
    assert reader.read_crops == 6


def test_a_settled_plate_is_read_again_when_it_grows_and_a_disagreeing_read_unsettles_it():
    boxes = [BBox(500, 400, 100, 50)] * 3 + [BBox(500, 400, 130, 65)] * 4
    reader = ScriptedReader([("ABC123", 0.95), ("ABC123", 0.95), ("A8C123", 0.9), ("ABC123", 0.95)])
    pipeline = Pipeline(MovingDetector(boxes), reader, reuse=ReadReuse(ReuseRules(reread_every=0, regrow=1.25)))
    run(pipeline, 7)
    # frames 1-2 read (settle), 3 carried, 4 grew 1.3x: read (disagrees), 5-6 read (settle again), 7 carried
    assert reader.read_crops == 5
    assert pipeline.reuse.counts.reused == 2


def test_a_settled_plate_is_read_again_after_reread_every_frames():
    reader = ScriptedReader([("ABC123", 0.95)])
    pipeline = Pipeline(MovingDetector(still_plate(10)), reader, reuse=ReadReuse(ReuseRules(reread_every=3)))
    run(pipeline, 10)
    # read 1, 2 (settled), carry 3, 4, read 5, carry 6, 7, read 8, carry 9, 10
    assert reader.read_crops == 4


def test_a_plate_that_jumps_elsewhere_is_a_new_plate_and_is_read():
    boxes = [BBox(100, 100, 100, 50)] * 3 + [BBox(900, 500, 100, 50)]
    reader = ScriptedReader([("ABC123", 0.95)])
    pipeline = Pipeline(MovingDetector(boxes), reader, reuse=ReadReuse(ReuseRules(reread_every=0)))
    run(pipeline, 4)
    assert reader.read_crops == 3  # frames 1, 2 and the jump


def test_streams_do_not_share_settled_readings():
    reader = ScriptedReader([("ABC123", 0.95)])
    detector = FakeDetector([PlateDetection(BBox(500, 400, 100, 50), 0.9)])
    pipeline = Pipeline(detector, reader, reuse=ReadReuse(ReuseRules(reread_every=0)))
    run(pipeline, 3, "a")
    before = reader.read_crops
    run(pipeline, 1, "b")
    assert before == 2 and reader.read_crops == 3


def test_rules_are_validated():
    with pytest.raises(ValueError):
        ReuseRules(regrow=1.0)
    with pytest.raises(ValueError):
        ReuseRules(settle_readings=0)
