"""The first plate is read again on a crop widened on one side when its row end is unsure (recognition/pipeline_row_ends.py)."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.fakes import FakeDetector
from recognition.pipeline import Pipeline
from recognition.pipeline_row_ends import EndReread, widened_box
from recognition.types import BBox, PlateDetection, PlateText

IMAGE = np.zeros((300, 600, 3), np.uint8)
BOX = BBox(200, 100, 120, 60)
CROP_W = BOX.w + 2 * int(BOX.w * 0.05)


def reading(text: str, confs: list[float] | None = None) -> PlateText:
    confs = confs or [0.95] * len(text)
    return PlateText(text, float(np.mean(confs)), char_confidences=tuple(confs))


class WidthReader:
    """Answers by crop width: the detector's crop gets ``first``, any wider crop ``wider``."""

    def __init__(self, first: PlateText, wider: PlateText | None) -> None:
        self.first, self.wider = first, wider
        self.widths: list[int] = []

    def read_many(self, crops):
        self.widths.extend(c.shape[1] for c in crops)
        return [self.first if c.shape[1] <= CROP_W else self.wider for c in crops]


def observe(reader: WidthReader, rules: EndReread | None = EndReread()) -> str:
    pipeline = Pipeline(FakeDetector([PlateDetection(BOX, 0.9)]), reader, end_reread=rules)
    return pipeline.observe(IMAGE).observations[0].reading.text


def test_an_unsure_last_character_is_read_again_on_a_crop_widened_right():
    reader = WidthReader(reading("ABC123", [0.99] * 5 + [0.3]), reading("ABC1234", [0.99] * 7))
    assert observe(reader) == "ABC1234"
    assert len(reader.widths) == 2 and reader.widths[1] > CROP_W


def test_a_short_reading_gets_one_crop_widened_on_both_sides():
    reader = WidthReader(reading("23579"), reading("723579", [0.99] * 6))
    assert observe(reader) == "723579"
    assert len(reader.widths) == 2


@pytest.mark.parametrize(
    ("wider", "why"),
    [
        (reading("7ABC123", [0.99] * 7), "added on the other side"),
        (reading("ABC12345", [0.99] * 8), "two characters added"),
        (reading("ABC1234", [0.99] * 6 + [0.6]), "the added character unsure"),
        (reading("ABD1234", [0.99] * 7), "the row read differently"),
        (None, "nothing read"),
    ],
)
def test_a_second_reading_that_is_not_the_first_plus_one_sure_end_character_is_ignored(wider, why):
    reader = WidthReader(reading("ABC123", [0.99] * 5 + [0.3]), wider)
    assert observe(reader) == "ABC123", why


def test_a_sure_vanity_plate_is_read_once_and_unchanged():
    reader = WidthReader(reading("BATMAN"), reading("BATMAN1", [0.99] * 7))
    assert observe(reader) == "BATMAN"
    assert reader.widths == [CROP_W]


def test_a_short_vanity_plate_is_not_lengthened_by_frame_marks():
    reader = WidthReader(reading("SAMP", [1.0] * 4), reading("5BSAMP", [0.56, 0.74, 1.0, 1.0, 1.0, 1.0]))
    assert observe(reader) == "SAMP"


def test_without_the_option_every_crop_is_read_once_as_today():
    reader = WidthReader(reading("ABC123", [0.99] * 5 + [0.3]), reading("ABC1234", [0.99] * 7))
    assert observe(reader, None) == "ABC123"
    assert reader.widths == [CROP_W]


def test_widened_boxes_stay_in_the_image():
    assert widened_box(BBox(5, 10, 50, 20), "left", 1.0, IMAGE.shape) == BBox(0, 10, 55, 20)
    assert widened_box(BBox(580, 10, 15, 20), "right", 1.0, IMAGE.shape) == BBox(580, 10, 20, 20)
    assert widened_box(BBox(100, 10, 50, 20), "both", 0.5, IMAGE.shape) == BBox(90, 10, 70, 20)


def test_nonsense_rules_are_refused():
    with pytest.raises(ValueError):
        EndReread(widen=0.0)
    with pytest.raises(ValueError):
        EndReread(max_added=0)


def test_at_most_one_character_is_added_even_when_sure():
    """The box stops short of one character; two more are frame or dealer text beside the row."""
    reader = WidthReader(reading("ABC12", [0.99] * 4 + [0.3]), reading("ABC1234", [0.99] * 7))
    assert observe(reader) == "ABC12"


def test_the_pipeline_re_reads_by_default():
    reader = WidthReader(reading("ABC123", [0.99] * 5 + [0.3]), reading("ABC1234", [0.99] * 7))
    assert Pipeline(FakeDetector([PlateDetection(BOX, 0.9)]), reader).observe(IMAGE).observations[0].reading.text == "ABC1234"
