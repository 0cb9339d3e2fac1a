from __future__ import annotations

import cv2
import numpy as np
import pytest

from recognition.colour import NCIC_CODES, HsvColourEstimator, classify_pixels
from recognition.protocols import ColourEstimator
from recognition.types import BBox, PlateDetection

PLATE = PlateDetection(BBox(270, 300, 100, 40), 0.9)


def _car(bgr: tuple[int, int, int], plate_bgr: tuple[int, int, int] = (240, 240, 240)) -> np.ndarray:
    """A 480x640 frame: grey road, a car body of ``bgr`` with a plate in its bumper."""
    img = np.full((480, 640, 3), (70, 70, 70), np.uint8)
    cv2.rectangle(img, (100, 120), (540, 420), bgr, -1)
    b = PLATE.box
    cv2.rectangle(img, (b.x, b.y), (b.x + b.w, b.y + b.h), plate_bgr, -1)
    cv2.putText(img, "ABC123", (b.x + 5, b.y + 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 0, 0), 2)
    noise = np.random.default_rng(3).integers(-8, 9, img.shape)
    return np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(
    ("bgr", "code"),
    [
        ((30, 30, 200), "RED"),
        ((30, 30, 90), "MAR"),
        ((190, 90, 20), "BLU"),
        ((40, 160, 40), "GRN"),
        ((20, 210, 230), "YEL"),
        ((20, 120, 240), "ONG"),
        ((150, 40, 120), "PLE"),
        ((20, 20, 20), "BLK"),
        ((245, 245, 245), "WHI"),
        ((160, 160, 160), "SIL"),
        ((95, 95, 95), "GRY"),
        ((30, 60, 90), "BRO"),
        ((150, 190, 210), "BGE"),
    ],
)
def test_body_colour_is_named(bgr, code):
    colour = HsvColourEstimator().estimate(_car(bgr), PLATE)
    assert colour is not None
    assert colour.code == code
    assert colour.confidence > 0.8


def test_plate_pixels_do_not_vote():
    # A black car whose white plate sits inside the sampled band must still be black.
    colour = HsvColourEstimator().estimate(_car((15, 15, 15), plate_bgr=(255, 255, 255)), PLATE)
    assert colour is not None and colour.code == "BLK"


def test_mixed_body_gives_lower_confidence():
    img = _car((30, 30, 200))
    img[:, 320:] = _car((190, 90, 20))[:, 320:]
    colour = HsvColourEstimator().estimate(img, PLATE)
    assert colour is not None and colour.confidence < 0.75


def test_plate_filling_the_frame_gives_none():
    img = np.full((40, 100, 3), 200, np.uint8)
    assert HsvColourEstimator().estimate(img, PlateDetection(BBox(0, 0, 100, 40), 0.9)) is None


def test_min_confidence_can_refuse_to_guess():
    img = _car((30, 30, 200))
    img[:, 320:] = _car((190, 90, 20))[:, 320:]
    assert HsvColourEstimator(min_confidence=0.9).estimate(img, PLATE) is None


def test_is_a_colour_estimator_and_codes_are_ncic():
    assert isinstance(HsvColourEstimator(), ColourEstimator)
    hsv = np.random.default_rng(0).integers(0, 180, (500, 3)).astype(np.uint8)
    assert set(np.unique(classify_pixels(hsv))) <= set(range(len(NCIC_CODES)))


def test_black_grille_above_the_plate_does_not_make_a_silver_car_black():
    img = _car((170, 170, 170))
    cv2.rectangle(img, (220, 200), (420, 268), (15, 15, 15), -1)  # grille between bonnet and plate
    colour = HsvColourEstimator().estimate(img, PLATE)
    assert colour is not None and colour.code == "SIL"
