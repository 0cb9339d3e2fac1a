from __future__ import annotations

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from recognition.detect import BuiltinDetectorConfig, DetectorConfig, SsdDetectorConfig, YoloDetectorConfig
from recognition.detect.geometry import letterbox, nms, to_detections, unletterbox

ADAPTER = TypeAdapter(DetectorConfig)


def test_union_picks_backend_by_type():
    assert isinstance(ADAPTER.validate_python({"type": "builtin"}), BuiltinDetectorConfig)
    assert isinstance(ADAPTER.validate_python({"type": "yolo", "model_path": "m.onnx"}), YoloDetectorConfig)
    assert isinstance(ADAPTER.validate_python({"type": "ssd", "model_path": "m.xml"}), SsdDetectorConfig)


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "tflite"},
        {"type": "builtin", "colour": "red"},
        {"type": "builtin", "input_size": 500},
        {"type": "yolo"},
        {"type": "yolo", "model_path": "m.onnx", "device": "GPU"},
        {"type": "ssd", "model_path": "m.onnx", "conf_threshold": 1.5},
        {"type": "builtin", "roi": [0.5, 0.5, 0.6, 0.2]},
        {"type": "builtin", "roi": [0.0, 0.0, 0.0, 1.0]},
    ],
)
def test_bad_configs_are_rejected(raw):
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(raw)


def test_roi_inside_the_frame_is_accepted():
    cfg = ADAPTER.validate_python({"type": "builtin", "roi": [0.25, 0.5, 0.75, 0.5]})
    assert cfg.roi == (0.25, 0.5, 0.75, 0.5)


def test_every_field_has_a_title_and_description():
    for model in (BuiltinDetectorConfig, YoloDetectorConfig, SsdDetectorConfig):
        for name, prop in model.model_json_schema()["properties"].items():
            assert prop.get("title") and prop.get("description"), f"{model.__name__}.{name}"


def test_letterbox_round_trip():
    image = np.zeros((100, 300, 3), np.uint8)
    boxed, lb = letterbox(image, 150, 150)
    assert boxed.shape == (150, 150, 3)
    assert (lb.scale, lb.pad_x, lb.pad_y) == (0.5, 0.0, 50.0)
    back = unletterbox(np.array([[0.0, 50.0, 150.0, 100.0]]), lb)
    assert back.tolist() == [[0.0, 0.0, 300.0, 100.0]]


def test_nms_drops_overlapping_lower_scores_only():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]], dtype=float)
    kept = nms(boxes, np.array([0.5, 0.9, 0.4]), 0.5)
    assert kept.tolist() == [1, 2]


def test_to_detections_clips_and_limits():
    boxes = np.array([[-5, -5, 20, 20], [90, 90, 120, 120], [50, 50, 51, 51]], dtype=float)
    dets = to_detections(boxes, np.array([0.9, 0.8, 0.7]), 100, 100, limit=5)
    assert [d.box.as_list() for d in dets] == [[0, 0, 20, 20], [90, 90, 10, 10]]
    assert len(to_detections(boxes, np.array([0.9, 0.8, 0.7]), 100, 100, limit=1)) == 1
