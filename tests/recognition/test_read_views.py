"""Band views of an unsure crop and the vote over their readings."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.read.fusion import FusedLine
from recognition.read.views import BANDS, MIN_BAND_HEIGHT, band_views, level, plate_views, sheared, vote


def reading(text: str, conf: float, alternatives: tuple[tuple[str, float], ...] = ()) -> FusedLine:
    return FusedLine(text, tuple([conf] * len(text)), -1.0, alternatives)


def test_bands_are_full_width_slices_inside_the_crop() -> None:
    image = np.arange(40 * 90 * 3, dtype=np.uint8).reshape(40, 90, 3)
    views = band_views(image)
    assert len(views) == len(BANDS)
    for view, (top, _bottom) in zip(views, BANDS, strict=True):
        assert view.shape[1] == 90
        assert MIN_BAND_HEIGHT <= view.shape[0] <= 40
        assert np.array_equal(view[0], image[int(round(top * 40))])


def test_a_crop_too_low_for_a_band_gives_fewer_views() -> None:
    assert len(band_views(np.zeros((9, 50, 3), np.uint8))) < len(BANDS)
    assert band_views(np.zeros((4, 50, 3), np.uint8)) == []


def test_agreeing_views_outvote_one_confident_view() -> None:
    readings = [reading("8Z", 0.95), reading("CBB812", 0.7), reading("CBB812", 0.75), reading("CB8812", 0.8)]
    won = vote(readings, lambda text: 1.0)
    assert won.text == "CBB812"
    assert won.char_confidences == tuple([0.75] * 6)  # the most confident reading of the winner
    assert {"8Z", "CB8812"} <= {t for t, _ in won.alternatives}


def test_the_weight_decides_between_equal_votes() -> None:
    readings = [reading("ABC1234", 0.8), reading("ABCI234", 0.8)]
    assert vote(readings, lambda text: 1.5 if text == "ABC1234" else 1.0).text == "ABC1234"
    assert vote(readings, lambda text: 1.5 if text == "ABCI234" else 1.0).text == "ABCI234"


def test_empty_readings_do_not_vote() -> None:
    assert vote([reading("", 0.0), reading("W17K", 0.4)], lambda t: 1.0).text == "W17K"
    assert vote([reading("", 0.0)], lambda t: 1.0).text == ""


def test_level_undoes_a_tilt_and_keeps_the_size() -> None:
    image = np.zeros((60, 120), np.uint8)
    cv2.line(image, (10, 40), (110, 40 - int(round(100 * np.tan(np.radians(8))))), 255, 3)
    flat = level(image, -8.0)  # the tilt db_lines reports for this line (TextLine.angle)
    assert flat.shape == image.shape
    rows = np.flatnonzero(flat[:, 20:100].max(axis=1) > 128)
    assert rows.max() - rows.min() <= 5  # the line is horizontal again
    assert level(image, 0.5) is image


def test_shear_straightens_a_slanted_stroke() -> None:
    image = np.zeros((40, 80), np.uint8)
    for y in range(40):  # a stroke leaning right by 0.2 px per row
        image[y, int(round(40 + 0.2 * (y - 20)))] = 255
    straight = sheared(image, -0.2)
    cols = {int(np.argmax(straight[y])) for y in range(5, 35)}
    assert max(cols) - min(cols) <= 1


def test_plate_views_adds_one_sheared_view_per_shear() -> None:
    image = np.zeros((40, 90, 3), np.uint8)
    assert len(plate_views(image, 0.0, ())) == len(BANDS)
    assert len(plate_views(image, 3.0, (-0.1, 0.1))) == len(BANDS) + 2
