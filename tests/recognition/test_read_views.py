"""Band views of an unsure crop and the vote over their readings."""

from __future__ import annotations

import numpy as np

from recognition.read.fusion import FusedLine
from recognition.read.views import BANDS, MIN_BAND_HEIGHT, band_views, vote


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
