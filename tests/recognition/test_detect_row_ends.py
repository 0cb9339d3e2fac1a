"""A box end moves over a row character just beyond it, and over nothing else (recognition/detect/row_ends.py)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.detect.row_ends import RowEndRules, extend_row_ends
from recognition.fakes import FakeDetector
from recognition.pipeline import Pipeline
from recognition.types import BBox, PlateDetection, PlateText

RULES = RowEndRules()
CHAR_H = 30  # glyph height of the synthetic rows (pixels)


def plate_row(text: str, *, light_on_dark: bool = False) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A light plate on a dark bumper with ``text`` in one row; returns it and each glyph's (left, right) column."""
    image = np.full((200, 400, 3), 40, np.uint8)
    plate, ink = ((60, 60, 60), (235, 235, 235)) if light_on_dark else ((225, 225, 225), (25, 25, 25))
    cv2.rectangle(image, (50, 60), (350, 140), plate, -1)
    x = 70
    spans = []
    for ch in text:
        (w, _), _ = cv2.getTextSize(ch, cv2.FONT_HERSHEY_DUPLEX, 1.3, 3)
        cv2.putText(image, ch, (x, 100 + CHAR_H // 2), cv2.FONT_HERSHEY_DUPLEX, 1.3, ink, 3, cv2.LINE_AA)
        spans.append((x, x + w))
        x += w + 8
    return cv2.GaussianBlur(image, (3, 3), 0), spans


def row_box(spans: list[tuple[int, int]], first: int, last: int) -> BBox:
    """The text detector's box from glyph ``first`` to glyph ``last`` (inclusive), hugging the row."""
    left, right = spans[first][0] - 2, spans[last][1] + 2
    return BBox(left, 100 - CHAR_H // 2 - 5, right - left, CHAR_H + 10)


@pytest.mark.parametrize("light_on_dark", [False, True])
def test_a_last_character_just_outside_the_box_is_taken_in(light_on_dark):
    image, spans = plate_row("ABC1234", light_on_dark=light_on_dark)
    box = row_box(spans, 0, 5)  # stops before the "4"
    out = extend_row_ends(image, box, RULES)
    assert out.x == box.x and out.y == box.y and out.h == box.h
    assert out.x + out.w >= spans[6][1]  # the whole "4" is now inside
    assert out.x + out.w <= spans[6][1] + 0.3 * CHAR_H  # and not much more


def test_a_first_character_just_outside_the_box_is_taken_in():
    image, spans = plate_row("7ABC123")
    box = row_box(spans, 1, 6)
    out = extend_row_ends(image, box, RULES)
    assert out.x <= spans[0][0] and out.x + out.w == box.x + box.w


def test_a_complete_row_keeps_its_box():
    """A vanity row inside its box, plate background beyond: nothing to add."""
    image, spans = plate_row("BATMAN")
    box = row_box(spans, 0, 5)
    assert extend_row_ends(image, box, RULES) == box


def test_a_bolt_beyond_the_box_is_not_a_character():
    image, spans = plate_row("ABC123")
    box = row_box(spans, 0, 5)
    cx = spans[5][1] + 14
    cv2.circle(image, (cx, 100), 5, (30, 30, 30), -1)  # a bolt head at the row's height
    assert extend_row_ends(image, box, RULES) == box


def test_a_frame_edge_beyond_the_box_is_not_a_character():
    image, spans = plate_row("ABC123")
    box = row_box(spans, 0, 5)
    x = spans[5][1] + 10
    cv2.rectangle(image, (x, 62), (x + 4, 138), (30, 30, 30), -1)  # a frame's upright, taller than the row
    assert extend_row_ends(image, box, RULES) == box


def test_a_graphic_set_apart_from_the_row_is_not_a_character():
    image, spans = plate_row("ABC123")
    box = row_box(spans, 0, 5)
    x = spans[5][1] + int(0.85 * CHAR_H)  # beyond character spacing, within the look-out window
    cv2.putText(image, "1", (x, 100 + CHAR_H // 2), cv2.FONT_HERSHEY_DUPLEX, 1.3, (25, 25, 25), 3, cv2.LINE_AA)
    assert extend_row_ends(image, box, RULES) == box


def test_nonsense_rules_are_refused():
    with pytest.raises(ValueError):
        RowEndRules(min_height=1.3, max_height=1.2)
    with pytest.raises(ValueError):
        RowEndRules(reach=0.0)


class CropReader:
    """Reports the widths of the crops it was given."""

    def __init__(self) -> None:
        self.widths: list[int] = []
        self.crops: list[np.ndarray] = []

    def read_many(self, crops):
        self.widths.extend(c.shape[1] for c in crops)
        self.crops.extend(crops)
        return [PlateText("X", 0.9) for _ in crops]


def test_the_pipeline_crops_the_extended_box_only_with_the_option():
    image, spans = plate_row("ABC1234")
    box = row_box(spans, 0, 5)
    det = [PlateDetection(box, 0.9)]
    off, on = CropReader(), CropReader()
    Pipeline(FakeDetector(det), off, row_ends=None).observe(image)
    observed = Pipeline(FakeDetector(det), on, row_ends=RULES).observe(image)
    assert off.widths == [box.w + 2 * int(box.w * 0.05)]  # today's crop, exactly
    assert on.widths[0] > off.widths[0]
    assert observed.observations[0].detection.box == box  # the reported box stays the detector's


def test_the_pipeline_extends_boxes_by_default():
    image, spans = plate_row("ABC1234")
    box = row_box(spans, 0, 5)
    reader = CropReader()
    Pipeline(FakeDetector([PlateDetection(box, 0.9)]), reader).observe(image)
    assert reader.widths[0] > box.w + 2 * int(box.w * 0.05)


def test_a_mark_off_the_rows_lines_is_not_a_character():
    """Frame lettering or a sticker half a character lower than the row, right beside it."""
    image, spans = plate_row("ABC123")
    box = row_box(spans, 0, 5)
    x = spans[5][1] + 8
    cv2.putText(image, "1", (x, 100 + CHAR_H), cv2.FONT_HERSHEY_DUPLEX, 1.3, (25, 25, 25), 3, cv2.LINE_AA)
    assert extend_row_ends(image, box, RULES) == box
