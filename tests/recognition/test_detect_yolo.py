from __future__ import annotations

import numpy as np
import pytest

from recognition.detect import ModelLoadError, YoloDetectorConfig, create_detector
from recognition.detect.yolo import decode_yolo, guess_version
from recognition.protocols import PlateDetector
from recognition.types import BBox
from tests.recognition._detect_models import constant_output_model


def _v8_output(rows: list[tuple[float, float, float, float, float]], n: int = 20) -> np.ndarray:
    """[1, 4+1, n]: cx, cy, w, h, plate score per column; unused columns score 0."""
    out = np.zeros((1, 5, n), dtype=np.float32)
    for i, row in enumerate(rows):
        out[0, :, i] = row
    return out


def _v5_output(rows: list[tuple[float, ...]], n: int = 30) -> np.ndarray:
    """[1, n, 5+2]: cx, cy, w, h, objectness, class0 (plate), class1 (other)."""
    out = np.zeros((1, n, 7), dtype=np.float32)
    for i, row in enumerate(rows):
        out[0, i] = row
    return out


def test_guess_version_from_shape():
    assert guess_version((1, 5, 8400)) == "v8"
    assert guess_version((1, 25200, 6)) == "v5"


def test_decode_v8_keeps_confident_boxes_in_corner_form():
    out = _v8_output([(100, 50, 40, 20, 0.9), (300, 300, 10, 10, 0.1)])
    xyxy, scores = decode_yolo(out, "v8", conf_threshold=0.25)
    assert scores.tolist() == pytest.approx([0.9])
    assert xyxy.tolist() == [[80, 40, 120, 60]]


def test_decode_v5_multiplies_objectness_by_class_score_and_filters_classes():
    out = _v5_output([(100, 100, 20, 10, 0.8, 0.5, 0.9), (200, 200, 20, 10, 0.9, 0.9, 0.1)])
    _, all_scores = decode_yolo(out, "v5", conf_threshold=0.3)
    assert sorted(all_scores.tolist()) == pytest.approx([0.72, 0.81])
    _, plate_scores = decode_yolo(out, "v5", conf_threshold=0.3, class_ids=(0,))
    assert sorted(plate_scores.tolist()) == pytest.approx([0.4, 0.81])


def test_v8_model_maps_boxes_back_through_the_letterbox(tmp_path):
    # Given a 640x640 model that always reports one plate at input (320, 320) size 64x32
    # and a duplicate that NMS must drop
    out = _v8_output([(320, 320, 64, 32, 0.95), (322, 321, 64, 32, 0.6), (10, 10, 4, 4, 0.05)])
    path = constant_output_model(tmp_path / "v8.onnx", out, [1, 3, 640, 640])
    detector = create_detector(YoloDetectorConfig(model_path=str(path), precision="f32", threads=1))
    assert isinstance(detector, PlateDetector)
    # When a 1280x640 frame is letterboxed (scale 0.5, 160 px grey bands top and bottom)
    dets = detector.detect(np.zeros((640, 1280, 3), np.uint8))
    # Then the box comes back in frame pixels
    assert len(dets) == 1
    assert dets[0].score == pytest.approx(0.95, abs=1e-3)
    assert dets[0].box.iou(BBox(576, 288, 128, 64)) > 0.95


def test_v5_model_with_dynamic_input_uses_configured_size(tmp_path):
    out = _v5_output([(160, 160, 32, 16, 0.9, 0.9, 0.0)])
    path = constant_output_model(tmp_path / "v5.onnx", out, [1, 3, "h", "w"])
    detector = create_detector(
        YoloDetectorConfig(model_path=str(path), input_size=320, precision="f32", threads=1)
    )
    assert detector.version == "v5"
    dets = detector.detect(np.zeros((320, 320, 3), np.uint8))
    assert [d.box for d in dets] == [BBox(144, 152, 32, 16)]


def test_async_submission_gives_the_same_boxes(tmp_path):
    out = _v8_output([(320, 320, 64, 32, 0.95)])
    path = constant_output_model(tmp_path / "v8.onnx", out, [1, 3, 640, 640])
    detector = create_detector(YoloDetectorConfig(model_path=str(path), precision="f32", threads=1))
    frames = [np.zeros((640, 640, 3), np.uint8) for _ in range(3)]
    assert detector.detect_many(frames) == [detector.detect(frames[0])] * 3


def test_missing_model_file_is_a_model_load_error(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        create_detector(YoloDetectorConfig(model_path=str(tmp_path / "nope.onnx")))


def test_garbage_model_file_is_a_model_load_error(tmp_path):
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"this is not a model" * 10)
    with pytest.raises(ModelLoadError, match="broken.onnx"):
        create_detector(YoloDetectorConfig(model_path=str(path)))


def test_wrong_output_shape_is_a_model_load_error(tmp_path):
    path = constant_output_model(tmp_path / "flat.onnx", np.zeros((1, 10), np.float32))
    with pytest.raises(ModelLoadError, match="YOLO output"):
        create_detector(YoloDetectorConfig(model_path=str(path)))


def test_empty_frame_gives_no_detections(tmp_path):
    path = constant_output_model(tmp_path / "v8.onnx", _v8_output([(32, 32, 8, 8, 0.9)]), [1, 3, 64, 64])
    detector = create_detector(YoloDetectorConfig(model_path=str(path), input_size=64))
    assert detector.detect(np.zeros((0, 0, 3), np.uint8)) == []


def test_throughput_hint_runs_parallel_requests_with_the_same_results(tmp_path):
    out = _v8_output([(320, 320, 64, 32, 0.95)])
    path = constant_output_model(tmp_path / "v8.onnx", out, [1, 3, 640, 640])
    detector = create_detector(YoloDetectorConfig(model_path=str(path), hint="THROUGHPUT", threads=2))
    frames = [np.full((480, 640, 3), i, np.uint8) for i in range(6)]
    results = detector.detect_many(frames)
    assert len(results) == 6 and all(r == results[0] and len(r) == 1 for r in results)


def test_detect_is_safe_from_several_threads(tmp_path):
    import threading

    out = _v8_output([(320, 320, 64, 32, 0.95)])
    path = constant_output_model(tmp_path / "v8.onnx", out, [1, 3, 640, 640])
    detector = create_detector(YoloDetectorConfig(model_path=str(path), precision="f32", threads=1))
    frame = np.zeros((640, 640, 3), np.uint8)
    expected = detector.detect(frame)
    results: list[bool] = []

    def work() -> None:
        results.extend(detector.detect(frame) == expected for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 60 and all(results)
