"""Slant estimation of a character row (rectification geometry)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.read.rectify import estimate_shear, shear_image, upright


def text_row() -> np.ndarray:
    row = np.full((60, 300, 3), 235, np.uint8)
    cv2.putText(row, "ABC1234", (10, 48), cv2.FONT_HERSHEY_DUPLEX, 1.8, (20, 20, 20), 4)
    return row


@pytest.mark.parametrize("slant", [-0.25, -0.15, 0.2, 0.3])
def test_the_estimate_undoes_an_applied_slant(slant: float) -> None:
    assert estimate_shear(shear_image(text_row(), slant)) == pytest.approx(-slant, abs=0.051)


def test_upright_text_is_left_alone() -> None:
    row = text_row()
    assert estimate_shear(row) == 0.0
    assert upright(row) is row


def test_shear_keeps_the_whole_row() -> None:
    out = shear_image(text_row(), 0.3)
    assert out.shape[0] == 60 and out.shape[1] == 300 + 2 * 9
    assert estimate_shear(np.zeros((4, 4, 3), np.uint8)) == 0.0
