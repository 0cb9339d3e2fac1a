"""The real reader (PP-OCR models from the installed wheels on OpenVINO) on rendered plates."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.protocols import PlateReader
from recognition.read import ModelLoadError, ModelNotFoundError, ReaderConfig, create_reader, load_model
from recognition.read.models import model_path


def render_plate(text: str, state: str | None = None, width: int = 320, height: int = 150) -> np.ndarray:
    """Dark characters on a light plate with an optional small state-name line on top."""
    plate = np.full((height, width, 3), 235, dtype=np.uint8)
    cv2.rectangle(plate, (3, 3), (width - 4, height - 4), (60, 60, 60), 2)
    font = cv2.FONT_HERSHEY_DUPLEX
    scale, thickness = 2.4, 5
    (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
    scale *= min(1.0, (width - 30) / tw)
    (tw, th), _ = cv2.getTextSize(text, font, scale, thickness)
    cv2.putText(plate, text, ((width - tw) // 2, height // 2 + th // 2 + 8), font, scale, (25, 25, 25), thickness, cv2.LINE_AA)
    if state:
        (sw, sh), _ = cv2.getTextSize(state, cv2.FONT_HERSHEY_SIMPLEX, 0.9, 2)
        cv2.putText(plate, state, ((width - sw) // 2, 12 + sh), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 40, 140), 2, cv2.LINE_AA)
    return plate


@pytest.fixture(scope="module")
def reader():
    return create_reader(ReaderConfig())


def test_reader_satisfies_protocol(reader) -> None:
    assert isinstance(reader, PlateReader)


@pytest.mark.parametrize("text", ["ABC1234", "7XYZ529", "KM4821"])
def test_reads_rendered_plate(reader, text: str) -> None:
    reading = reader.read(render_plate(text))
    assert reading is not None
    assert reading.text == text
    assert len(reading.char_confidences) == len(reading.text)
    assert 0.5 < reading.confidence <= 1.0


def test_reads_state_line(reader) -> None:
    reading = reader.read(render_plate("ABC1234", state="TEXAS"))
    assert reading is not None
    assert reading.text == "ABC1234"
    assert reading.state == "TX"
    assert reading.state_confidence > 0.7


def test_zero_o_ambiguity_is_kept_as_alternative(reader) -> None:
    reading = reader.read(render_plate("OAK2024"))
    assert reading is not None
    texts = {reading.text} | {alt.text for alt in reading.alternatives}
    assert {"OAK2024", "0AK2024"} <= texts or {"OAK2O24", "0AK2024"} & texts
    assert all(0.0 <= alt.confidence <= reading.confidence for alt in reading.alternatives)


def test_read_many_keeps_order_and_rejects_bad_crops(reader) -> None:
    crops = [render_plate("ABC1234"), np.zeros((0, 0, 3), np.uint8), np.full((60, 200, 3), 230, np.uint8)]
    results = reader.read_many(crops)
    assert len(results) == 3
    assert results[0] is not None and results[0].text == "ABC1234"
    assert results[1] is None
    assert results[2] is None


def test_grey_input_is_accepted(reader) -> None:
    grey = cv2.cvtColor(render_plate("ABC1234"), cv2.COLOR_BGR2GRAY)
    reading = reader.read(grey)
    assert reading is not None and reading.text == "ABC1234"


def test_wrong_model_file_gives_clear_error(tmp_path) -> None:
    bogus = tmp_path / "broken.onnx"
    bogus.write_bytes(b"not a model")
    with pytest.raises(ModelLoadError):
        load_model("v6_rec", path=bogus)


def test_models_come_from_installed_wheels() -> None:
    assert model_path("v6_rec").name == "PP-OCRv6_rec_small.onnx"
    assert model_path("v4_rec").parent.parent.name == "rapidocr_openvino"


def test_model_file_can_be_overridden_by_environment(tmp_path, monkeypatch) -> None:
    copy = tmp_path / "candidate.onnx"
    copy.write_bytes(b"x")
    monkeypatch.setenv("ALPR_MODEL_V6_REC", str(copy))
    assert model_path("v6_rec") == copy
    assert model_path("v4_rec").name == "ch_PP-OCRv4_rec_infer.onnx"
    monkeypatch.setenv("ALPR_MODEL_V6_REC", str(tmp_path / "missing.onnx"))
    with pytest.raises(ModelNotFoundError):
        model_path("v6_rec")


@pytest.mark.parametrize("angle", [-8.0, 8.0])
def test_reads_slightly_rotated_plate(reader, angle: float) -> None:
    plate = cv2.copyMakeBorder(render_plate("ABC1234"), 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=(120, 120, 120))
    h, w = plate.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(plate, matrix, (w, h), borderValue=(120, 120, 120))
    reading = reader.read(rotated)
    assert reading is not None and reading.text == "ABC1234"
