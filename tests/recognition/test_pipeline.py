"""Pipeline composition, frame by frame, with fakes and the synthetic scene."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.fakes import FakeColourEstimator, FakeDetector, FakeReader, OracleModels
from recognition.pipeline import Pipeline
from recognition.synth.scene import TrafficScene
from recognition.types import BBox, Frame, PlateDetection, PlateText

IMAGE = np.zeros((480, 640, 3), np.uint8)


def test_process_returns_observations_timings_and_no_read_until_the_track_ends():
    det = PlateDetection(BBox(100, 100, 120, 60), 0.9)
    pipeline = Pipeline(FakeDetector([det]), FakeReader("ABC123"), FakeColourEstimator("RED"))
    result = pipeline.process(Frame("cam", 1, 1.0, IMAGE))
    assert [o.reading.text for o in result.observations] == ["ABC123"]
    assert {t.stage for t in result.timings} == {"detect", "read", "colour", "track"}
    assert result.reads == ()
    pipeline.process(Frame("cam", 2, 1.1, IMAGE))
    reads = pipeline.flush()
    assert len(reads) == 1 and reads[0].colour.code == "RED"
    assert cv2.imdecode(np.frombuffer(reads[0].plate_jpeg, np.uint8), cv2.IMREAD_COLOR).shape[:2] == (66, 132)
    assert reads[0].overview_jpeg


def test_reader_gets_all_crops_of_a_frame_in_one_call():
    dets = [PlateDetection(BBox(10 + 100 * i, 10, 80, 40), 0.5 + i / 10) for i in range(3)]

    class CountingReader(FakeReader):
        batches: list[int] = []

        def read_many(self, crops):
            self.batches.append(len(crops))
            return super().read_many(crops)

    reader = CountingReader("ABC123")
    result = Pipeline(FakeDetector(dets), reader).process(Frame("cam", 1, 1.0, IMAGE))
    assert reader.batches == [3]
    assert [o.detection.score for o in result.observations] == sorted((d.score for d in dets), reverse=True)


def test_boxes_outside_the_image_are_not_sent_to_the_reader():
    dets = [PlateDetection(BBox(5000, 5000, 80, 40), 0.9)]
    reader = FakeReader("ABC123")
    result = Pipeline(FakeDetector(dets), reader).process(Frame("cam", 1, 1.0, IMAGE))
    assert reader.crops == 0
    assert result.observations[0].reading is None


def test_cameras_are_tracked_separately():
    det = PlateDetection(BBox(100, 100, 120, 60), 0.9)
    pipeline = Pipeline(FakeDetector([det]), FakeReader("ABC123"))
    for i in range(3):
        pipeline.process(Frame("a", i, 1.0 + i / 10, IMAGE))
        pipeline.process(Frame("b", i, 1.0 + i / 10, IMAGE))
    assert sorted(r.camera_id for r in pipeline.flush()) == ["a", "b"]


def test_synthetic_traffic_with_noisy_oracle_reads_every_pass_once():
    # Given 40 s of 720p traffic and an oracle that confuses look-alikes 10% of the time
    scene = TrafficScene(1280, 720, seed=4, vehicles_per_minute=30, parked_car=True)
    truth: dict[int, tuple] = {}
    oracle = OracleModels(lambda im: truth.get(id(im), ()), noise=0.1, seed=4)
    pipeline = Pipeline(oracle, oracle)
    passes: dict[int, list] = {}
    reads = []
    fps = 10
    for i in range(40 * fps):
        sf = scene.render(i / fps)
        truth.clear()
        truth[id(sf.image)] = sf.plates
        for g in sf.plates:
            if g.box.w >= 40:
                passes.setdefault(g.vehicle_id, [g.text, 0])[1] += 1
        reads += pipeline.process(Frame("cam", i, 100.0 + i / fps, sf.image)).reads
    reads += pipeline.flush()
    expected = sorted(t for t, n in passes.values() if n >= 3)
    # Then one read per pass (the parked car included), each with the true text
    assert sorted(r.text for r in reads) == expected


def test_unreadable_plates_keep_the_track_but_emit_nothing_alone():
    det = PlateDetection(BBox(100, 100, 120, 60), 0.9)
    pipeline = Pipeline(FakeDetector([det]), FakeReader(None))
    for i in range(5):
        pipeline.process(Frame("cam", i, 1.0 + i / 10, IMAGE))
    assert pipeline.flush() == []


def test_reader_confidence_below_threshold_is_not_emitted():
    det = PlateDetection(BBox(100, 100, 120, 60), 0.9)
    reader = FakeReader(lambda crop: PlateText("ABC123", 0.1, (0.1,) * 6))
    pipeline = Pipeline(FakeDetector([det]), reader)
    for i in range(5):
        pipeline.process(Frame("cam", i, 1.0 + i / 10, IMAGE))
    assert pipeline.flush() == []


def test_state_is_read_once_per_vehicle_on_the_best_crop():
    det = PlateDetection(BBox(100, 100, 120, 60), 0.9)

    class StatelessReader(FakeReader):
        state_calls = 0

        def state_of(self, crop):
            StatelessReader.state_calls += 1
            assert crop.shape[:2] == (66, 132)  # the best crop
            return "TX", 0.8

    pipeline = Pipeline(FakeDetector([det]), StatelessReader("ABC123"))
    for i in range(5):
        pipeline.process(Frame("cam", i, 1.0 + i / 10, IMAGE))
    (read,) = pipeline.flush()
    assert (read.state, read.state_confidence) == ("TX", 0.8)
    assert StatelessReader.state_calls == 1
