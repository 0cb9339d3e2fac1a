"""Parked and long-lived tracks: one read, early, and never again while the car stays."""

from __future__ import annotations

import numpy as np

from recognition.config import TrackerConfig
from recognition.fakes import FakeDetector, FakeReader
from recognition.pipeline import Pipeline
from recognition.types import BBox, Frame, PlateDetection

IMAGE = np.zeros((720, 1280, 3), np.uint8)
PARKED = PlateDetection(BBox(900, 500, 100, 50), 0.9)


def run(frames: int, fps: float, visible, reader: FakeReader | None = None) -> list:
    """Drive a pipeline with simulated time: frame i is captured at i / fps seconds."""
    script = [[PARKED] if visible(i) else [] for i in range(frames)]
    pipeline = Pipeline(FakeDetector(script=script), reader or FakeReader("7KQB228"))
    reads = []
    for i in range(frames):
        reads += pipeline.process(Frame("cam", i, 5000.0 + i / fps, IMAGE)).reads
    return reads + pipeline.flush()


def test_parked_car_ten_minutes_gives_one_read():
    reads = run(frames=10 * 60 * 5, fps=5, visible=lambda i: True)
    assert [r.text for r in reads] == ["7KQB228"]


def test_parked_car_with_flickering_detections_gives_one_read():
    # Given a detector that loses the parked plate for 2 s every 20 s and misses every 7th frame
    reads = run(frames=10 * 60 * 5, fps=5, visible=lambda i: i % 100 >= 10 and i % 7 != 0)
    assert len(reads) == 1


def test_long_track_is_emitted_early_not_at_its_end():
    reads = run(frames=5 * 60, fps=5, visible=lambda i: True)
    cfg = TrackerConfig()
    assert len(reads) == 1
    assert reads[0].last_seen - reads[0].first_seen <= cfg.emit_after_s + 0.5


def test_same_car_back_after_the_parked_window_is_read_again():
    cfg = TrackerConfig()
    gap_frames = int((cfg.parked_window_s + 60) * 1)  # 1 fps
    reads = run(frames=gap_frames + 20, fps=1, visible=lambda i: i < 10 or i >= gap_frames)
    assert len(reads) == 2


def test_a_passing_car_is_read_when_it_leaves():
    # Given a plate moving down the frame for 12 frames, then gone
    boxes = [[PlateDetection(BBox(600, 200 + 30 * i, 90 + 2 * i, 45 + i), 0.9)] if i < 12 else [] for i in range(20)]
    pipeline = Pipeline(FakeDetector(script=boxes), FakeReader("ABC1234"))
    emitted_at = []
    for i in range(20):
        if pipeline.process(Frame("cam", i, 10.0 + i / 10, IMAGE)).reads:
            emitted_at.append(i)
    # Then exactly one read, within max_lost_frames of the last sighting
    assert emitted_at and len(emitted_at) == 1
    assert emitted_at[0] - 11 <= TrackerConfig().max_lost_frames
