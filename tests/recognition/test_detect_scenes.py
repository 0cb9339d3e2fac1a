from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from recognition.evaluate.scenes import best_reading, evaluate_scenes, load_labels
from recognition.types import BBox, PlateDetection, PlateText


class BoxDetector:
    """Fake detector: always reports the same boxes."""

    def __init__(self, boxes: list[BBox]) -> None:
        self.boxes = boxes

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        return [PlateDetection(b, 0.9 - 0.1 * i) for i, b in enumerate(self.boxes)]


class WidthReader:
    """Fake reader: the text of a crop is looked up by its width (the nearest key: crops carry the pipeline's margin)."""

    def __init__(self, by_width: dict[int, PlateText]) -> None:
        self.by_width = by_width

    def read(self, crop: np.ndarray) -> PlateText | None:
        return self.by_width[min(self.by_width, key=lambda w: abs(w - crop.shape[1]))]

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        return [self.read(c) for c in crops]


def _folder(tmp_path, labels: list[str]):
    for i, label in enumerate(labels):
        cv2.imwrite(str(tmp_path / f"s{i}.jpg"), np.zeros((200, 300, 3), np.uint8))
        (tmp_path / f"s{i}.txt").write_text(f"s{i}.jpg\t100\t100\t60\t20\t{label}\n")
    (tmp_path / "unlabelled.jpg").write_bytes(b"")
    return tmp_path


def test_load_labels_normalises_and_skips_bad_lines(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("a.jpg\t1\t2\t30\t10\tab-123\nbroken line\na.jpg\tx\t2\t3\t4\tZZ1\n")
    labels = load_labels(path)
    assert [(lab.box, lab.text) for lab in labels] == [(BBox(1, 2, 30, 10), "AB123")]


def test_plate_shaped_reading_beats_a_more_confident_word():
    readings = [PlateText("NORTH", 1.0), PlateText("WA-566 60", 0.97), PlateText("2012", 0.99), None]
    assert best_reading(readings) == "WA56660"
    assert best_reading(readings, by_likeness=False) == "NORTH"
    assert best_reading([None]) == ""


class StepClock:
    """perf_counter stand-in: each call is ``step_s`` later than the previous one."""

    def __init__(self, steps_s: list[float]) -> None:
        self.now, self.steps = 100.0, list(steps_s)

    def __call__(self) -> float:
        self.now += self.steps.pop(0) if self.steps else 0.0
        return self.now


def test_scores_detection_and_reading(tmp_path, monkeypatch):
    # Given three labelled scenes; the fake finds the plate (60 px wide) and a sign (40 px wide);
    # detect + read take 10, 20 and 90 ms by a fake clock (start and end read per image)
    clock = StepClock([0, 0.010, 0, 0.020, 0, 0.090])
    monkeypatch.setattr("recognition.evaluate.scenes.perf_counter", clock)
    folder = _folder(tmp_path, ["ABC123", "ABC12O", "XYZ999"])
    detector = BoxDetector([BBox(105, 100, 60, 20), BBox(0, 0, 40, 20)])
    reader = WidthReader({60: PlateText("ABC120", 0.8), 40: PlateText("STOP", 0.99)})
    # When scored
    result = evaluate_scenes(detector, reader, folder)
    # Then: s1 is exact only after O/0 folding, s0 is one edit away, s2 is wrong
    assert result["n"] == 3
    assert result["det_recall_pct"] == 100.0
    assert result["exact_pct"] == 0.0
    assert result["folded_pct"] == pytest.approx(33.33)
    assert result["edit1_pct"] == pytest.approx(66.67)
    assert result["state_pct"] is None
    assert result["ms_mean"] == pytest.approx(40.0)
    assert result["ms_p95"] == pytest.approx(83.0)  # linear-interpolated 95th percentile of 10, 20, 90


def test_detection_only_and_limit(tmp_path):
    folder = _folder(tmp_path, ["ABC123", "DEF456"])
    result = evaluate_scenes(BoxDetector([BBox(200, 150, 60, 20)]), None, folder, limit=1)
    assert result["n"] == 1
    assert result["det_recall_pct"] == 0.0
    assert result["exact_pct"] == 0.0


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        evaluate_scenes(BoxDetector([]), None, tmp_path / "nope")
