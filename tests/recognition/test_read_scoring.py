"""Scoring helpers and evaluate_crops with a fake reader on a generated folder."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from recognition.evaluate.crops import LabelsError, evaluate_crops
from recognition.evaluate.scoring import edit_distance, fold_lookalikes, normalise_plate, percentile
from recognition.read.plausibility import plate_shape_score, plausibility_factor
from recognition.types import PlateText


def test_normalise_and_fold() -> None:
    assert normalise_plate(" abc-12 3") == "ABC123"
    assert normalise_plate(None) == ""
    assert fold_lookalikes("OI01") == "0101"


@pytest.mark.parametrize(("a", "b", "d"), [("", "", 0), ("ABC", "ABC", 0), ("ABC", "AC", 1), ("ABC", "XBCD", 2), ("", "AB", 2)])
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b) == d == edit_distance(b, a)


def test_percentile() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([10.0], 95) == 10.0
    assert percentile(list(range(101)), 95) == pytest.approx(95.0)


class FakeReader:
    def __init__(self, answers: dict[int, PlateText | None]) -> None:
        self.answers = answers

    def read(self, crop: np.ndarray) -> PlateText | None:
        return self.answers[int(crop[0, 0, 0])]

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        return [self.read(c) for c in crops]


def test_evaluate_crops_scores(tmp_path, monkeypatch) -> None:
    # Given four crops whose first pixel tells the fake reader which answer to give, each read
    # taking 5, 5, 5 and 25 ms by a fake clock (perf_counter is read before and after each read)
    ticks = iter([0.0, 0.005, 1.0, 1.005, 2.0, 2.005, 3.0, 3.025, 4.0, 4.005])
    monkeypatch.setattr("recognition.evaluate.crops.time.perf_counter", lambda: next(ticks))
    rows = [("a.png", "tx", "ABC123"), ("b.png", "ca", "OK10"), ("c.png", "ny", "XYZ9"), ("d.png", "", "QQ1")]
    for i, (name, _, _) in enumerate(rows):
        cv2.imwrite(str(tmp_path / name), np.full((20, 40, 3), i, np.uint8))
    (tmp_path / "labels.csv").write_text("file,state,plate\n" + "".join(f"{f},{s},{p}\n" for f, s, p in rows))
    reader = FakeReader({
        0: PlateText("ABC123", 0.9, state="TX"),
        1: PlateText("0KI0", 0.8, state="NV"),
        2: PlateText("XYZ", 0.7),
        3: None,
    })
    # When scored
    result = evaluate_crops(reader, tmp_path)
    # Then exact, folded, edit-1 and state rates follow the answers
    assert result["n"] == 4
    assert result["exact_pct"] == 25.0
    assert result["folded_pct"] == 50.0
    assert result["edit1_pct"] == 50.0
    assert result["state_pct"] == pytest.approx(100 / 3, abs=0.01)
    assert result["det_recall_pct"] is None
    assert result["ms_mean"] == pytest.approx(10.0)
    assert result["ms_p95"] == pytest.approx(22.0)  # 95th percentile of 5, 5, 5, 25
    assert evaluate_crops(reader, tmp_path, limit=1)["n"] == 1


def test_missing_labels(tmp_path) -> None:
    with pytest.raises(LabelsError):
        evaluate_crops(FakeReader({}), tmp_path)


def test_plate_shaped_readings_rank_above_street_text():
    assert plate_shape_score("7ABC123") == 3 and plausibility_factor("7ABC123") == 1.0
    assert plausibility_factor("NORTH") < 1.0  # letters only: a vanity plate is possible, ranked lower
    assert plausibility_factor("2012") < plausibility_factor("NORTH")
    assert plausibility_factor("SK") < plausibility_factor("NORTH")


def test_true_box_evaluation_reads_each_labelled_box_with_the_pipeline_margin(tmp_path) -> None:
    from recognition.evaluate.truebox import evaluate_true_boxes

    # Given a scene whose plate box (100,50,80,40) is painted with value 7, the rest 0, and a
    # 7th label column holding the state
    scene = np.zeros((200, 300, 3), np.uint8)
    scene[50:90, 100:180] = 7
    cv2.imwrite(str(tmp_path / "s1.png"), scene)
    (tmp_path / "s1.txt").write_text("s1.png\t100\t50\t80\t40\tAB-123\tTX\n")
    seen: list[tuple[int, int]] = []

    class BoxReader:
        def read(self, crop: np.ndarray) -> PlateText | None:
            seen.append(crop.shape[:2])
            # the crop starts 5 % outside the box: its corner is background, its centre the plate
            assert crop[0, 0, 0] == 0 and crop[crop.shape[0] // 2, crop.shape[1] // 2, 0] == 7
            return PlateText("AB123", 0.9, state="TX")

    # When scored at the true boxes
    result = evaluate_true_boxes(BoxReader(), tmp_path)
    # Then the padded box was read and the text and state count as right
    assert seen == [(44, 88)]
    assert result["n"] == 1 and result["exact_pct"] == 100.0 and result["state_pct"] == 100.0
    assert result["det_recall_pct"] is None
    with pytest.raises(FileNotFoundError):
        evaluate_true_boxes(BoxReader(), tmp_path / "nope")


def test_true_box_state_belongs_to_its_own_label_line_past_a_malformed_one(tmp_path) -> None:
    from recognition.evaluate.truebox import evaluate_true_boxes

    # Given a label file whose first line has a broken box and whose second plate carries a state
    cv2.imwrite(str(tmp_path / "s1.png"), np.zeros((200, 300, 3), np.uint8))
    (tmp_path / "s1.txt").write_text("s1.png\tx\t2\t3\t4\tZZ1\tCA\ns1.png\t100\t50\t80\t40\tAB123\tTX\n")

    class TexasReader:
        def read(self, crop: np.ndarray) -> PlateText | None:
            return PlateText("AB123", 0.9, state="TX")

    # When scored, the one good plate is scored against its own state, not the skipped line's
    result = evaluate_true_boxes(TexasReader(), tmp_path)
    assert result["n"] == 1 and result["state_pct"] == 100.0
