"""Motion-gated video detection: motion map, track windows, the gate's choices, the real model guided."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import builtin_model_path
from recognition.detect.cascade import track_window
from recognition.detect.motion import changed, overlaps, thumbnail
from recognition.detect.video import VideoGate, VideoPlateDetector, explained
from recognition.pipeline import Pipeline
from recognition.types import BBox, PlateDetection

from .test_detect_cascade import _small_plate_frame


def _still(seed: int = 0, shape: tuple[int, int] = (720, 1280)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(60, 200, (*shape, 3), dtype=np.uint8)


def test_motion_map_finds_a_moved_block_in_frame_pixels_and_ignores_noise():
    a = np.full((720, 1280, 3), 100, np.uint8)
    b = a.copy()
    b[300:420, 640:880] = 220  # a vehicle-sized change
    rng = np.random.default_rng(0)
    noisy = np.clip(a.astype(int) + rng.normal(0, 6, a.shape), 0, 255).astype(np.uint8)
    cell = 1280 // 240
    ta, tb, tn = thumbnail(a, cell), thumbnail(b, cell), thumbnail(noisy, cell)
    motion = changed(ta, tb, 1280, 720, threshold=12, min_cells=20)
    assert len(motion.boxes) == 1
    x, y, w, h = motion.boxes[0]
    # the box covers the changed block (grown by about a cell) in frame pixels
    assert x <= 640 and y <= 300 and x + w >= 880 and y + h >= 420
    assert x >= 640 - 3 * cell and x + w <= 880 + 3 * cell
    assert 0 < motion.share < 0.05
    assert len(changed(ta, tn, 1280, 720, threshold=12, min_cells=20).boxes) == 0
    with pytest.raises(ValueError):
        changed(ta, thumbnail(a, 2 * cell), 1280, 720, threshold=12, min_cells=20)


def test_explained_spreads_through_touching_regions_only():
    boxes = np.array([[0, 0, 100, 100], [90, 90, 50, 50], [500, 500, 20, 20]], float)
    reach = np.array([[10, 10, 5, 5]], float)
    assert explained(boxes, reach).tolist() == [True, True, False]
    assert explained(boxes, np.zeros((0, 4))).tolist() == [False, False, False]
    assert overlaps(np.zeros((0, 4)), reach).tolist() == []


@pytest.mark.parametrize("box", [(600, 400, 80, 20), (0, 0, 40, 12), (1240, 700, 40, 20), (10, 10, 230, 50)])
def test_track_window_holds_the_plate_and_room_to_move_inside_the_frame(box):
    x, y, w, h = box
    win = track_window(box, 1280, 720, plate_px=80)
    assert 0 <= win.x and win.x + win.w <= 1280 and 0 <= win.y and win.y + win.h <= 720
    assert win.x <= x and x + w <= win.x + win.w and win.y <= y and y + h <= win.y + win.h
    assert win.w >= min(1280, 3 * w) - 1
    assert 0.75 <= win.scale <= 3.0


class _Recorder:
    """Stands in for the built-in detector: records how it was called, returns a fixed plate."""

    def __init__(self, plate: BBox | None) -> None:
        self.plate = plate
        self.calls: list[tuple[bool, int]] = []

    def detect(self, image):
        return self.detect_guided(image, None, coarse=True)

    def detect_guided(self, image, plates, *, coarse=True):
        self.calls.append((coarse, 0 if plates is None else len(plates)))
        if self.plate is None or (not coarse and (plates is None or not len(plates))):
            return []
        return [PlateDetection(self.plate, 0.9)]


def test_gate_runs_full_then_guided_then_full_on_new_motion_and_keyframes():
    rec = _Recorder(BBox(600, 400, 80, 20))
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=3))  # type: ignore[arg-type]
    frame = _still()
    video.detect_stream(frame, "cam")  # first frame: full
    video.detect_stream(frame, "cam")  # nothing moved, a plate known: guided
    moved_near = frame.copy()
    moved_near[380:460, 560:720] = 255  # motion around the known plate: still guided
    video.detect_stream(moved_near, "cam")
    video.detect_stream(moved_near, "cam")  # 3 frames after the full pass: keyframe
    far = moved_near.copy()
    far[50:200, 50:300] = 0  # a new vehicle far from the known plate: full
    video.detect_stream(far, "cam")
    assert [c for c, _ in rec.calls] == [True, False, False, True, True]
    assert rec.calls[1][1] == 1  # the known plate was passed as a guide
    assert video.counts.reasons == {"first": 1, "keyframe": 1, "new motion": 1}
    assert video.counts.guided == 2


def test_gate_skips_still_empty_frames_and_keeps_streams_apart():
    rec = _Recorder(None)
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=100))  # type: ignore[arg-type]
    frame = _still()
    assert video.detect_stream(frame, "a") == []
    assert video.detect_stream(frame, "a") == []  # nothing moved, nothing known: no inference
    assert video.detect_stream(frame, "b") == []  # another camera starts with a full pass
    small = _still(1, (360, 640))
    video.detect_stream(small, "a")  # frame size changed: full pass again
    assert [c for c, _ in rec.calls] == [True, True, True]
    assert video.counts.skipped == 1
    assert video.detect_stream(np.zeros((0, 0, 3), np.uint8), "a") == []
    video.forget("a")
    video.detect_stream(small, "a")
    assert len(rec.calls) == 4 and rec.calls[-1][0]


def test_global_change_calls_for_a_full_pass():
    rec = _Recorder(BBox(600, 400, 80, 20))
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=100))  # type: ignore[arg-type]
    frame = np.full((720, 1280, 3), 120, np.uint8)
    video.detect_stream(frame, "cam")
    video.detect_stream(frame // 3, "cam")  # the lights went down
    assert video.counts.reasons == {"first": 1, "global": 1}


def test_gate_rejects_bad_settings():
    with pytest.raises(ValueError):
        VideoGate(keyframe_every=0)
    with pytest.raises(ValueError):
        VideoGate(full_share=0)


def test_pipeline_passes_the_camera_to_a_stream_detector():
    rec = _Recorder(BBox(600, 400, 80, 20))
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=100))  # type: ignore[arg-type]

    class _Reader:
        def read(self, crop):
            return None

        def read_many(self, crops):
            return [None for _ in crops]

    pipeline = Pipeline(video, _Reader())  # type: ignore[arg-type]
    frame = _still()
    pipeline.observe(frame, "cam")
    pipeline.observe(frame, "cam")
    pipeline.observe(frame)  # a still: full detector, no stream state touched
    assert [c for c, _ in rec.calls] == [True, False, True]


def test_real_model_follows_a_small_plate_with_the_guided_pass_only():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    det = create_detector(BuiltinDetectorConfig(precision="f32", threads=1, input_size=640))
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    guided = det.detect_guided(frame, np.array([[1050, 820, 100, 34]]), coarse=False)  # type: ignore[attr-defined]
    assert any(d.box.iou(truth) >= 0.3 for d in guided)
    for d in guided:
        assert 0 <= d.box.x and d.box.x + d.box.w <= 1920 and 0 <= d.box.y and d.box.y + d.box.h <= 1080
    # without guides and without the coarse map there is nothing to look at
    assert det.detect_guided(frame, None, coarse=False) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("recheck", [True, False])
def test_a_plate_the_guided_pass_loses_gets_a_full_pass_only_when_asked(recheck: bool):
    rec = _Recorder(BBox(600, 400, 80, 20))
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=100, recheck_lost=recheck))  # type: ignore[arg-type]
    frame = _still()
    video.detect_stream(frame, "cam")  # first frame: full, the plate becomes known
    rec.plate = None  # the plate is gone from where it was
    assert video.detect_stream(frame, "cam") == []
    if recheck:  # the guided pass lost it: look everywhere at once
        assert [c for c, _ in rec.calls] == [True, False, True] and video.last_pass == "full"
        assert video.counts.reasons == {"first": 1, "lost": 1}
    else:
        assert [c for c, _ in rec.calls] == [True, False] and video.last_pass == "guided"


def test_guided_windows_and_boxes_are_in_frame_pixels_with_a_region_of_interest():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    # Given a detector searching only the lower right quarter (offset 960, 540 in the frame)
    det = create_detector(BuiltinDetectorConfig(precision="f32", threads=1, input_size=640, roi=(0.5, 0.5, 0.5, 0.5)))
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    # When guided (frame pixels) to where the plate was, it is found there, in frame pixels
    guided = det.detect_guided(frame, np.array([[1050, 820, 100, 34]]), coarse=False)  # type: ignore[attr-defined]
    assert any(d.box.iou(truth) >= 0.3 for d in guided)


def test_motion_within_reach_of_a_known_plate_is_its_vehicle():
    rec = _Recorder(BBox(600, 400, 80, 20))
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=100))  # type: ignore[arg-type]
    frame = _still()
    video.detect_stream(frame, "cam")  # first frame: full, the plate becomes known
    near = frame.copy()
    near[440:520, 560:720] = 255  # the car body below the plate (20 px away, within 1.5 plate widths)
    video.detect_stream(near, "cam")
    assert video.last_pass == "guided"
    far = near.copy()
    far[440:520, 900:1060] = 0  # 220 px (2.75 plate widths) beside the plate: another vehicle
    video.detect_stream(far, "cam")
    assert video.last_pass == "full" and video.counts.reasons == {"first": 1, "new motion": 1}
