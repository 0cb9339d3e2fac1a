"""Vehicle colour from the body around a plate, as an NCIC colour code.

We sample the bodywork above and beside the plate (never the plate itself), classify each
pixel in HSV space into an NCIC colour, and report the majority with its share of the votes as
the confidence. Cheap (a few hundred pixels after downsampling) and model-free; it cannot tell
paint from shadow or reflections, so low confidences are expected on dark or shiny cars.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from recognition.types import BBox, PlateDetection, VehicleColour

logger = logging.getLogger(__name__)

#: NCIC vehicle colour codes this estimator can emit.
NCIC_CODES: tuple[str, ...] = (
    "BLK",
    "WHI",
    "SIL",
    "GRY",
    "RED",
    "MAR",
    "ONG",
    "BRO",
    "BGE",
    "TAN",
    "YEL",
    "GLD",
    "GRN",
    "BLU",
    "PLE",
)
_MAX_SIDE = 96  # sample regions are downsampled to at most this many pixels per side


@dataclass(frozen=True, slots=True)
class _Region:
    """A sample rectangle in units of the plate box, relative to the plate's top-left corner."""

    x: float
    y: float
    w: float
    h: float


#: Bonnet/boot lid well above the plate, and the bumper corners left and right of it. The band
#: right above a plate is often a black grille or a rear window, so it is not sampled.
REGIONS: tuple[_Region, ...] = (
    _Region(-0.5, -3.2, 2.0, 2.4),
    _Region(-1.7, -0.6, 1.3, 1.6),
    _Region(1.4, -0.6, 1.3, 1.6),
)
#: Grilles, tyres, glass and shadows are dark on every car: black must win by this share.
BLACK_MAJORITY = 0.45


def classify_pixels(hsv: np.ndarray) -> np.ndarray:
    """NCIC code index (into :data:`NCIC_CODES`) of every pixel of an OpenCV HSV array ``[N,3]``."""
    h = hsv[:, 0].astype(np.int16)
    s = hsv[:, 1].astype(np.int16)
    v = hsv[:, 2].astype(np.int16)
    idx = {code: i for i, code in enumerate(NCIC_CODES)}
    out = np.full(len(hsv), idx["GRY"], dtype=np.int8)
    grey = (s < 40) | ((v < 90) & (s < 60))
    out[grey & (v >= 185)] = idx["WHI"]
    out[grey & (v >= 115) & (v < 185)] = idx["SIL"]
    colour = ~grey
    red = colour & ((h < 8) | (h >= 165))
    out[red] = idx["RED"]
    out[red & (v < 110)] = idx["MAR"]
    orange = colour & (h >= 8) & (h < 20)
    out[orange] = idx["ONG"]
    out[orange & (s < 130) & (v >= 140)] = idx["BGE"]
    out[orange & (s < 130) & (v < 140)] = idx["TAN"]
    out[orange & (v < 110)] = idx["BRO"]
    yellow = colour & (h >= 20) & (h < 34)
    out[yellow] = idx["GLD"]
    out[yellow & (s >= 140) & (v >= 150)] = idx["YEL"]
    out[yellow & (s < 100) & (v >= 140)] = idx["BGE"]
    out[yellow & (v < 110)] = idx["BRO"]
    out[colour & (h >= 34) & (h < 85)] = idx["GRN"]
    out[colour & (h >= 85) & (h < 130)] = idx["BLU"]
    out[colour & (h >= 130) & (h < 165)] = idx["PLE"]
    out[v < 50] = idx["BLK"]
    return out


def _clip(region: _Region, plate: BBox, width: int, height: int) -> tuple[int, int, int, int] | None:
    x1 = int(plate.x + region.x * plate.w)
    y1 = int(plate.y + region.y * plate.h)
    x2 = int(x1 + region.w * plate.w)
    y2 = int(y1 + region.h * plate.h)
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(width, x2), min(height, y2)
    return (x1, y1, x2, y2) if x2 - x1 >= 2 and y2 - y1 >= 2 else None


def _sample(image: np.ndarray, plate: BBox) -> np.ndarray:
    """HSV pixels ``[N,3]`` of the body regions, plate pixels excluded."""
    height, width = image.shape[:2]
    samples: list[np.ndarray] = []
    for region in REGIONS:
        rect = _clip(region, plate, width, height)
        if rect is None:
            continue
        x1, y1, x2, y2 = rect
        mask = np.ones((y2 - y1, x2 - x1), np.uint8)
        px1, py1 = max(plate.x - x1, 0), max(plate.y - y1, 0)
        px2, py2 = min(plate.x + plate.w - x1, x2 - x1), min(plate.y + plate.h - y1, y2 - y1)
        if px2 > px1 and py2 > py1:
            mask[py1:py2, px1:px2] = 0
        patch = image[y1:y2, x1:x2]
        step = max(1, int(np.ceil(max(patch.shape[:2]) / _MAX_SIDE)))
        patch, mask = patch[::step, ::step], mask[::step, ::step]
        hsv = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_BGR2HSV)
        samples.append(hsv[mask.astype(bool)])
    return np.concatenate(samples) if samples else np.zeros((0, 3), np.uint8)


class HsvColourEstimator:
    """Majority NCIC colour of the bodywork around a plate (implements ColourEstimator)."""

    def __init__(self, min_pixels: int = 60, min_confidence: float = 0.0) -> None:
        """Create an estimator.

        Args:
            min_pixels: Fewer body pixels than this (plate at the frame edge) gives None.
            min_confidence: Majorities with a smaller vote share give None.

        """
        self._min_pixels = min_pixels
        self._min_confidence = min_confidence

    def estimate(self, image: np.ndarray, plate: PlateDetection) -> VehicleColour | None:
        """NCIC colour of the vehicle carrying ``plate``, or None when too little body is visible."""
        if image is None or image.ndim != 3 or image.shape[2] != 3 or plate.box.area == 0:
            return None
        pixels = _sample(image, plate.box)
        if len(pixels) < self._min_pixels:
            return None
        votes = np.bincount(classify_pixels(pixels), minlength=len(NCIC_CODES)).astype(np.float64)
        black = NCIC_CODES.index("BLK")
        if votes[black] < BLACK_MAJORITY * votes.sum() and votes.sum() > votes[black]:
            votes[black] = 0.0  # dark trim is not the paint when most of the body is something else
        best = int(np.argmax(votes))
        confidence = float(votes[best] / votes.sum())
        if confidence < self._min_confidence:
            return None
        return VehicleColour(NCIC_CODES[best], round(confidence, 3))
