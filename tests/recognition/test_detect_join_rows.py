"""join_row_pieces: a plate split in two text boxes is read as one; separate plates stay apart."""

from __future__ import annotations

import numpy as np

from recognition.detect.geometry import join_row_pieces


def _join(*boxes: tuple[float, float, float, float], scores: list[float] | None = None):
    xyxy = np.array(boxes, dtype=np.float64)
    return join_row_pieces(xyxy, np.array(scores or [0.9] * len(boxes)))


def test_two_halves_of_one_plate_become_one_box_with_the_better_score():
    # "BKW" and "119" found apart (a state graphic between them): 27 and 20 px tall, touching.
    boxes, scores = _join((1050, 925, 1085, 952), (1085, 928, 1116, 948), scores=[0.7, 0.95])
    assert boxes.tolist() == [[1050, 925, 1116, 952]] and scores.tolist() == [0.95]


def test_halves_with_a_small_gap_or_a_small_overlap_are_joined():
    gap, _ = _join((100, 100, 140, 120), (148, 101, 180, 121))
    overlap, _ = _join((100, 100, 140, 120), (135, 100, 175, 120))
    assert len(gap) == 1 and len(overlap) == 1


def test_three_pieces_of_one_row_are_joined_transitively():
    boxes, _ = _join((100, 100, 130, 120), (134, 100, 160, 120), (165, 101, 190, 121))
    assert boxes.tolist() == [[100, 100, 190, 121]]


def test_two_plates_side_by_side_stay_apart():
    # Two cars parked side by side: plates on one row, a plate width apart.
    boxes, _ = _join((100, 300, 180, 340), (260, 302, 340, 342))
    assert len(boxes) == 2


def test_stacked_lines_different_heights_and_contained_boxes_stay_apart():
    stacked, _ = _join((100, 100, 200, 120), (100, 124, 200, 144))  # a row above another
    heights, _ = _join((100, 100, 140, 120), (142, 95, 200, 135))  # 20 px beside 40 px
    contained, _ = _join((100, 100, 200, 140), (120, 110, 160, 130))  # NMS settles these
    assert len(stacked) == 2 and len(heights) == 2 and len(contained) == 2


def test_a_join_wider_than_a_plate_line_is_refused():
    # Two long lettering lines on a truck side: their union would be 12:1.
    boxes, _ = _join((0, 100, 110, 120), (115, 100, 240, 120))
    assert len(boxes) == 2


def test_no_boxes():
    boxes, scores = _join()  # type: ignore[call-arg]
    assert boxes.shape == (0, 4) and scores.shape == (0,)
