"""Recogniser batches: widths padded to a few fixed steps (bounded OpenVINO shape cache), content unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from recognition.read.preprocess import REC_HEIGHT, REC_WIDTH_STEP, batch_width, rec_batch, rec_width


def _line(width: int, height: int = 24, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


@pytest.mark.parametrize("width", [20, 50, 61, 64, 65, 130, 200, 333, 479])
def test_batch_width_is_a_multiple_of_the_step(width: int) -> None:
    image = _line(width)
    batch, widths = rec_batch([image])
    assert batch.shape[:3] == (1, 3, REC_HEIGHT)
    assert batch.shape[3] % REC_WIDTH_STEP == 0
    assert widths == [rec_width(image)]
    assert batch.shape[3] - REC_WIDTH_STEP < widths[0] <= batch.shape[3]


def test_padding_is_zero_and_leaves_the_image_as_it_was() -> None:
    images = [_line(90, seed=1), _line(150, seed=2)]
    batch, widths = rec_batch(images)
    assert batch.shape[3] == 320  # widest 300 px at 48 high -> 320
    for i, w in enumerate(widths):
        assert not batch[i, :, :, w:].any()
        assert batch[i, :, :, :w].std() > 0.1
    alone, _ = rec_batch([images[0]])
    np.testing.assert_array_equal(alone[0, :, :, : widths[0]], batch[0, :, :, : widths[0]])


def test_few_distinct_shapes_over_every_plate_size() -> None:
    shapes = {batch_width([rec_width(_line(w, seed=w))]) for w in range(8, 700, 3)}
    assert len(shapes) <= 960 // REC_WIDTH_STEP
    assert batch_width([960]) == 960
    assert batch_width([1]) == REC_WIDTH_STEP


def test_squeezed_long_lines_keep_the_cap() -> None:
    batch, widths = rec_batch([_line(2000)], max_width=320)
    assert widths == [320]
    assert batch.shape[3] == 320
