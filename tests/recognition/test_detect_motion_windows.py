"""New motion looked at in zoomed windows of its own instead of a full pass (VideoGate.motion_windows)."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import builtin_model_path, coarse_scale
from recognition.detect.cascade import region_window
from recognition.detect.video import VideoGate, VideoPlateDetector
from recognition.types import BBox, PlateDetection

from .test_detect_cascade import _small_plate_frame


def test_a_small_far_region_is_zoomed_and_a_large_one_is_shrunk_to_fit_the_mosaic():
    far = region_window((1000, 400, 120, 80), 1920, 1080, plate_px=80, max_tile_w=576, min_scale=1 / 3)
    # a plate a quarter of a 120 px vehicle (30 px) becomes ~80 px: zoomed ~2.7x, the region inside
    assert 2.5 <= far.scale <= 3.0
    assert far.x <= 1000 and far.x + far.w >= 1120 and far.y <= 400 and far.y + far.h >= 480
    near = region_window((50, 300, 1800, 500), 1920, 1080, plate_px=80, max_tile_w=576, min_scale=1 / 3)
    assert near.tile_w <= 576
    assert near.scale < 1 / 3  # too large to be seen at the coarse scale in a window: a full pass's job
    edge = region_window((1880, 1050, 60, 40), 1920, 1080, plate_px=80, max_tile_w=576, min_scale=1 / 3)
    assert 0 <= edge.x and edge.x + edge.w <= 1920 and 0 <= edge.y and edge.y + edge.h <= 1080


class _Recorder:
    """Stands in for the built-in detector: records each call (coarse, guides, moving regions)."""

    def __init__(self, fits: bool) -> None:
        self.fits = fits
        self.calls: list[tuple[bool, int, int]] = []

    def detect(self, image):
        return self.detect_guided(image, None)

    def detect_guided(self, image, plates, *, coarse=True, regions=None):
        self.calls.append((coarse, 0 if plates is None else len(plates), 0 if regions is None else len(regions)))
        return [PlateDetection(BBox(600, 400, 80, 20), 0.9)]

    def regions_fit(self, shape, regions, max_share):
        return self.fits


def _frames() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = rng.integers(60, 200, (720, 1280, 3), dtype=np.uint8)
    moved = frame.copy()
    moved[50:200, 50:300] = 0  # a new vehicle far from the known plate
    return frame, moved


@pytest.mark.parametrize("fits", [True, False])
def test_new_motion_gets_windows_when_they_fit_and_the_keyframe_still_comes(fits: bool):
    rec = _Recorder(fits)
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=2, motion_windows=0.5))  # type: ignore[arg-type]
    frame, moved = _frames()
    video.detect_stream(frame, "cam")  # first frame: full pass, a plate becomes known
    video.detect_stream(moved, "cam")  # new motion far from the known plate
    video.detect_stream(moved, "cam")  # nothing moved since: a keyframe only when the last pass was not full
    if fits:
        assert rec.calls == [(True, 0, 0), (False, 1, 1), (True, 1, 0)]
        assert video.counts.motion == 1 and video.counts.reasons == {"first": 1, "keyframe": 1}
    else:  # too large or too many regions: a full pass, as without the option, then a guided one
        assert rec.calls == [(True, 0, 0), (True, 1, 0), (False, 1, 0)]
        assert video.counts.motion == 0 and video.counts.reasons == {"first": 1, "new motion": 1}


def test_off_by_setting_zero_new_motion_gets_a_full_pass():
    rec = _Recorder(True)
    video = VideoPlateDetector(rec, VideoGate(keyframe_every=10, motion_windows=0.0))  # type: ignore[arg-type]
    frame, moved = _frames()
    video.detect_stream(frame, "cam")
    video.detect_stream(moved, "cam")
    assert rec.calls == [(True, 0, 0), (True, 1, 0)]
    with pytest.raises(ValueError):
        VideoGate(motion_windows=1.5)


@pytest.fixture(scope="module")
def detector():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    return create_detector(BuiltinDetectorConfig(precision="f32", threads=1, input_size=640))


def test_real_model_finds_a_plate_in_the_window_of_its_moving_vehicle(detector):
    truth = BBox(1060, 830, 100, 34)
    frame = _small_plate_frame(truth, (1080, 1920))
    vehicle = np.array([[1000, 780, 240, 140]])  # what moved: the bumper around the plate
    found = detector.detect_guided(frame, None, coarse=False, regions=vehicle)  # type: ignore[attr-defined]
    assert any(d.box.iou(truth) >= 0.3 for d in found)
    for d in found:
        assert 0 <= d.box.x and d.box.x + d.box.w <= 1920 and 0 <= d.box.y and d.box.y + d.box.h <= 1080
    # without the region there is nothing to look at
    assert detector.detect_guided(frame, None, coarse=False) == []  # type: ignore[attr-defined]


def test_regions_fit_refuses_windows_below_the_coarse_scale_or_too_many_pixels(detector):
    shape = (1080, 1920)
    assert coarse_scale(1920, detector._config) == pytest.approx(1 / 3)
    assert detector.regions_fit(shape, np.array([[1000, 400, 200, 120]]), 0.5)
    assert not detector.regions_fit(shape, np.array([[0, 0, 1900, 1000]]), 0.5)  # the whole frame moved
    many = np.array([[x, 100, 200, 150] for x in range(0, 1800, 220)])
    assert not detector.regions_fit(shape, many, 0.5)  # more window pixels than half the coarse input
    assert not detector.regions_fit(shape, np.zeros((0, 4)), 0.5)
