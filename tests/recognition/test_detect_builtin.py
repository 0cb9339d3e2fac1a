from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.detect import BuiltinDetectorConfig, ModelLoadError, create_detector
from recognition.detect.builtin import BuiltinPlateDetector, builtin_model_path
from recognition.detect.textlines import TextLineFilter, plate_candidates
from recognition.types import BBox


def _scene_with_plate(text: str, plate: BBox, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    """A grey-blue 'car body' with a white plate carrying black characters."""
    rng = np.random.default_rng(7)
    img = np.full((*size, 3), (120, 90, 60), np.uint8)
    img = cv2.add(img, rng.integers(0, 25, img.shape, dtype=np.uint8))
    x, y, w, h = plate.x, plate.y, plate.w, plate.h
    cv2.rectangle(img, (x, y), (x + w, y + h), (235, 235, 235), -1)
    cv2.rectangle(img, (x, y), (x + w, y + h), (30, 30, 30), 2)
    scale = h / 40
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, max(1, int(2 * scale)))
    cv2.putText(
        img,
        text,
        (x + (w - tw) // 2, y + (h + th) // 2),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        (20, 20, 20),
        max(1, int(2 * scale)),
        cv2.LINE_AA,
    )
    return img


@pytest.fixture(scope="module")
def detector() -> BuiltinPlateDetector:
    try:
        builtin_model_path()
    except ModelLoadError as exc:  # the model wheel is a runtime requirement; say so loudly
        pytest.skip(str(exc))
    return create_detector(BuiltinDetectorConfig(precision="f32", threads=1))


def test_plate_candidates_grow_text_lines_to_plate_shape():
    prob = np.zeros((100, 200), np.float32)
    prob[40:50, 50:110] = 0.9  # one 60x10 text kernel
    prob[5, 5] = 0.9  # a speck: too small
    xyxy, scores = plate_candidates(prob, 2.0, 2.0, TextLineFilter(min_height=8))
    assert scores.tolist() == pytest.approx([0.9])
    x1, y1, x2, y2 = xyxy[0]
    assert (x1, y1, x2, y2) == pytest.approx((100 - 16, 80 - 14, 220 + 16, 100 + 14))


def test_state_name_above_and_slogan_below_join_the_plate_box():
    prob = np.zeros((200, 300), np.float32)
    prob[100:120, 100:200] = 0.9  # the number: 100x20
    prob[88:94, 120:180] = 0.9  # state name just above, narrower and lower
    prob[126:130, 110:190] = 0.9  # slogan just below
    prob[100:120, 230:290] = 0.9  # a separate line beside it stays separate
    xyxy, scores = plate_candidates(prob, 1.0, 1.0, TextLineFilter())
    assert len(scores) == 2
    x1, y1, x2, y2 = xyxy[0]
    assert y1 == pytest.approx(88 - 0.7 * 6)  # grown state line
    assert y2 == pytest.approx(120 + 0.7 * 20)  # the grown number already covers the slogan
    assert (x1, x2) == pytest.approx((100 - 16, 200 + 16))


def test_number_row_split_by_a_graphic_is_one_plate():
    prob = np.zeros((200, 300), np.float32)
    prob[100:120, 60:120] = 0.9  # "ABC"
    prob[100:120, 135:195] = 0.9  # "123" after a 15 px graphic
    xyxy, scores = plate_candidates(prob, 1.0, 1.0, TextLineFilter())
    assert len(scores) == 1
    assert (xyxy[0][0], xyxy[0][2]) == pytest.approx((60 - 16, 195 + 16))


def test_plate_candidates_reject_tall_and_faint_regions():
    prob = np.zeros((100, 200), np.float32)
    prob[10:90, 10:20] = 0.9  # a pole: taller than wide
    prob[40:50, 100:160] = 0.35  # faint text
    xyxy, _ = plate_candidates(prob, 1.0, 1.0, TextLineFilter())
    assert len(xyxy) == 0


def test_finds_a_rendered_plate(detector):
    truth = BBox(250, 300, 160, 40)
    dets = detector.detect(_scene_with_plate("ABC1234", truth))
    assert dets, "no plate found"
    assert max(d.box.iou(truth) for d in dets) >= 0.5


def test_plain_frame_has_no_plates(detector):
    assert detector.detect(np.full((480, 640, 3), 128, np.uint8)) == []


def test_bad_frames_give_no_detections(detector):
    assert detector.detect(np.zeros((0, 10, 3), np.uint8)) == []
    assert detector.detect(np.zeros((4, 4, 3), np.uint8)) == []


def test_grey_and_large_frames_are_accepted(detector):
    truth = BBox(900, 700, 240, 60)
    scene = _scene_with_plate("7XYZ123", truth, size=(1080, 1920))
    grey = cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY)
    assert max(d.box.iou(truth) for d in detector.detect(grey)) >= 0.5


def test_async_results_match_sync(detector):
    frames = [_scene_with_plate("KXR4471", BBox(100 + 40 * i, 200, 160, 40)) for i in range(3)]
    assert detector.detect_many(frames) == [detector.detect(f) for f in frames]


def test_unreadable_builtin_model_is_a_model_load_error(tmp_path):
    bad = tmp_path / "det.onnx"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(ModelLoadError):
        BuiltinPlateDetector(BuiltinDetectorConfig(), model_path=bad)


def test_installed_model_matches_the_manifest(detector):
    from recognition.detect.builtin import check_provenance

    assert check_provenance(builtin_model_path())


def test_region_of_interest_reports_frame_coordinates_and_ignores_the_rest():
    # Given a small far plate in the lower right of a 1080p frame and a second plate top left
    far = BBox(1500, 900, 96, 24)
    scene = _scene_with_plate("KXR4471", far, size=(1080, 1920))
    near = _scene_with_plate("ABC1234", BBox(100, 100, 200, 50), size=(1080, 1920))
    scene[:400, :600] = near[:400, :600]
    roi = create_detector(BuiltinDetectorConfig(precision="f32", threads=1, roi=(0.5, 0.5, 0.5, 0.5)))
    # When only the lower right quarter is searched
    dets = roi.detect(scene)
    # Then the far plate comes back in full-frame pixels and the top-left one is not reported
    assert dets and max(d.box.iou(far) for d in dets) >= 0.5
    assert all(d.box.x >= 960 and d.box.y >= 540 for d in dets)
    assert roi.detect_many([scene]) == [dets]
