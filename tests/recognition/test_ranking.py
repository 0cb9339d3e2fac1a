"""Which reading of a still comes first (recognition.ranking): the plate, not the most confident text."""

from __future__ import annotations

import json

import numpy as np

from recognition.commands.read import read_one
from recognition.pipeline import Pipeline
from recognition.ranking import rank_readings, still_likeness
from recognition.types import BBox, PlateDetection, PlateText

PLATE_BOX = BBox(800, 600, 120, 60)  # 2:1, a North American plate
BADGE_BOX = BBox(300, 300, 300, 40)  # 7.5:1, a line of lettering


def test_a_plate_shaped_box_outranks_more_confident_lettering_of_plate_length():
    # A make name on a long badge, read a little more confidently than the plate.
    readings = [PlateText("CARBRAXX", 0.82), PlateText("7ABC123", 0.78)]
    ranked = rank_readings(readings, [BADGE_BOX, PLATE_BOX])
    assert [i for i, _ in ranked] == [1, 0]


def test_a_street_name_in_a_plate_shaped_box_still_loses_to_a_mixed_serial():
    readings = [PlateText("NORTH", 0.9), PlateText("6WHZ647", 0.8)]
    ranked = rank_readings(readings, [PLATE_BOX, BBox(100, 500, 110, 52)])
    assert ranked[0][0] == 1


def test_a_vanity_plate_alone_is_still_reported():
    ranked = rank_readings([PlateText("GOBLUE", 0.7)], [PLATE_BOX])
    assert [i for i, _ in ranked] == [0] and ranked[0][1] > 0


def test_an_unplausibly_confident_reading_does_not_win_on_shape_alone():
    # Equal boxes: the reader's confidence still decides between two plate-like texts.
    ranked = rank_readings([PlateText("ABC1234", 0.5), PlateText("XYZ9876", 0.9)], [PLATE_BOX, PLATE_BOX])
    assert ranked[0][0] == 1


def test_empty_and_missing_readings_are_left_out_and_ties_keep_detection_order():
    readings = [None, PlateText("", 0.9), PlateText("-", 0.9), PlateText("ABC123", 0.6), PlateText("ABD123", 0.6)]
    ranked = rank_readings(readings, [PLATE_BOX] * 5)
    assert [i for i, _ in ranked] == [3, 4]
    assert still_likeness(None, PLATE_BOX) == 0.0


def test_a_wide_european_plate_keeps_most_of_its_likeness():
    eu = still_likeness(PlateText("AB123CD", 0.9), BBox(0, 0, 470, 100))
    us = still_likeness(PlateText("AB123CD", 0.9), BBox(0, 0, 200, 100))
    assert 0.55 * us <= eu < us


class _Fixed:
    """Detector and reader stand-ins returning fixed boxes and readings."""

    def __init__(self, boxes: list[BBox], readings: list[PlateText]) -> None:
        self.boxes, self.readings = boxes, readings

    def detect(self, image):
        return [PlateDetection(b, 0.9 - 0.1 * i) for i, b in enumerate(self.boxes)]

    def read_many(self, crops):
        return self.readings[: len(crops)]


def test_read_reports_the_most_plate_like_reading_first(tmp_path):
    import cv2

    path = tmp_path / "scene.png"
    cv2.imwrite(str(path), np.full((720, 1280, 3), 90, np.uint8))
    fixed = _Fixed([BADGE_BOX, PLATE_BOX], [PlateText("CARBRAXX", 0.85), PlateText("7ABC123", 0.8)])
    answer = read_one(Pipeline(fixed, fixed), str(path))
    plates = answer["plates"]
    assert [p["text"] for p in plates] == ["7ABC123", "CARBRAXX"]
    assert plates[0]["likeness"] > plates[1]["likeness"] and plates[1]["confidence"] > plates[0]["confidence"]
    json.dumps(answer)  # the answer stays one JSON line
