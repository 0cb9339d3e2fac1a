from __future__ import annotations

import numpy as np
import pytest

from recognition.detect import ModelLoadError, SsdDetectorConfig, create_detector
from recognition.detect.ssd import decode_ssd
from recognition.types import BBox
from tests.recognition._detect_models import constant_output_model


def _ssd_output(rows: list[tuple[float, ...]], n: int = 8) -> np.ndarray:
    out = np.zeros((1, 1, n, 7), dtype=np.float32)
    for i, row in enumerate(rows):
        out[0, 0, i] = row
    return out


def test_decode_stops_at_the_terminator_row():
    out = _ssd_output(
        [(0, 1, 0.9, 0.1, 0.1, 0.2, 0.2), (-1, 0, 0, 0, 0, 0, 0), (0, 1, 0.99, 0.5, 0.5, 0.6, 0.6)]
    )
    xyxy, scores = decode_ssd(out, 1000, 500, conf_threshold=0.5)
    assert scores.tolist() == pytest.approx([0.9])
    np.testing.assert_allclose(xyxy, [[100, 50, 200, 100]], atol=1e-3)


def test_decode_filters_labels_and_confidence():
    out = _ssd_output(
        [(0, 1, 0.9, 0.1, 0.1, 0.2, 0.2), (0, 2, 0.9, 0.3, 0.3, 0.4, 0.4), (0, 1, 0.2, 0, 0, 1, 1)]
    )
    _, scores = decode_ssd(out, 100, 100, conf_threshold=0.5, label_ids=(2,))
    assert len(scores) == 1


def test_ssd_model_gives_frame_boxes(tmp_path):
    out = _ssd_output([(0, 1, 0.8, 0.25, 0.5, 0.5, 0.75), (0, 1, 0.7, 0.26, 0.5, 0.5, 0.75)])
    path = constant_output_model(tmp_path / "ssd.onnx", out, [1, 3, 300, 300])
    detector = create_detector(SsdDetectorConfig(model_path=str(path), precision="f32", threads=1))
    dets = detector.detect(np.full((400, 800, 3), 90, np.uint8))
    assert [d.box for d in dets] == [BBox(200, 200, 200, 100)]
    assert dets[0].score == pytest.approx(0.8, abs=1e-3)


def test_nhwc_input_is_accepted(tmp_path):
    out = _ssd_output([(0, 0, 0.9, 0.0, 0.0, 0.5, 0.5)])
    path = constant_output_model(tmp_path / "ssd_nhwc.onnx", out, [1, 256, 256, 3])
    detector = create_detector(SsdDetectorConfig(model_path=str(path), scale=255.0))
    assert [d.box for d in detector.detect(np.zeros((100, 100, 3), np.uint8))] == [BBox(0, 0, 50, 50)]


def test_wrong_output_shape_is_a_model_load_error(tmp_path):
    path = constant_output_model(tmp_path / "bad.onnx", np.zeros((1, 1, 8, 5), np.float32), [1, 3, 300, 300])
    with pytest.raises(ModelLoadError, match=r"\[1,1,N,7\]"):
        create_detector(SsdDetectorConfig(model_path=str(path)))


def test_non_image_input_is_a_model_load_error(tmp_path):
    path = constant_output_model(tmp_path / "vec.onnx", _ssd_output([]), [1, 300])
    with pytest.raises(ModelLoadError, match="4-D image input"):
        create_detector(SsdDetectorConfig(model_path=str(path)))
