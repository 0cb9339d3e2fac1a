"""The coarse pass's scale follows the frame size (``min_scale``): large frames are not shrunk as far."""

from __future__ import annotations

import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import builtin_model_path, coarse_scale
from recognition.types import BBox
from tests.recognition.test_detect_cascade import _small_plate_frame


@pytest.mark.parametrize(
    ("long_side", "min_scale", "expected"),
    [
        (1920, 0.0, 0.5),  # input_size alone: a 1080p frame at half size
        (1920, 0.75, 0.75),  # raised to the floor
        (1280, 0.75, 0.75),  # a 720p frame at 960 is at the floor already
        (1280, 0.5, 0.75),  # a floor below input_size / side changes nothing
        (3840, 0.75, 0.5),  # 4K: capped at max_input_size (1920)
        (640, 0.75, 1.0),  # never upscaled
    ],
)
def test_coarse_scale_per_frame_size(long_side, min_scale, expected):
    config = BuiltinDetectorConfig(input_size=960, min_scale=min_scale, max_input_size=1920)
    assert coarse_scale(long_side, config) == pytest.approx(expected)


def test_min_scale_must_be_a_share():
    with pytest.raises(ValueError):
        BuiltinDetectorConfig(min_scale=1.5)


@pytest.fixture(scope="module")
def detectors():
    try:
        builtin_model_path()
    except ModelLoadError as exc:
        pytest.skip(str(exc))
    base = {"precision": "f32", "threads": 1, "input_size": 960, "zoom_windows": 0}
    return (create_detector(BuiltinDetectorConfig(**base)),
            create_detector(BuiltinDetectorConfig(**base, min_scale=0.75)))


def test_input_tensor_of_a_1080p_frame_is_at_the_floor(detectors):
    _, floored = detectors
    frame = _small_plate_frame(BBox(1060, 830, 52, 18), (1080, 1920))
    tensor, meta = floored._prepare(frame)
    assert tensor.shape[1:3] == (800, 1440)
    assert meta.sx == pytest.approx(1920 / 1440) and meta.sy == pytest.approx(1080 / 800)


def test_floor_finds_a_small_plate_in_1080p_that_half_size_misses_and_reports_frame_pixels(detectors):
    half, floored = detectors
    truth = BBox(1060, 830, 52, 18)
    frame = _small_plate_frame(truth, (1080, 1920))
    assert not any(d.box.iou(truth) >= 0.3 for d in half.detect(frame))
    found = floored.detect(frame)
    assert any(d.box.iou(truth) >= 0.3 for d in found)
    for d in found:
        assert 0 <= d.box.x and d.box.x + d.box.w <= 1920 and 0 <= d.box.y and d.box.y + d.box.h <= 1080
