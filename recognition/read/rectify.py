"""Slant correction of a plate's character row (the vertical part of perspective rectification).

The row crop is already rotated level by the text-line angle (:func:`recognition.read.lines.crop_line`).
A plate seen from the side (camera yaw) or tilted back also slants its characters: the vertical
strokes lean, which the recognisers, trained on upright text, read worse. The slant is estimated
from the strokes themselves: among candidate shears, the one that makes the column profile of the
vertical edges sharpest (strokes stacked in few columns) straightens them.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Shears tried (x shift per unit of y, relative to the row centre): about +-17 degrees.
SHEARS = tuple(np.round(np.arange(-0.3, 0.301, 0.05), 2))
#: Shears smaller than this are left alone (the estimate's resolution, and no visible slant).
MIN_SHEAR = 0.08
#: The winning shear must sharpen the profile by at least this factor over no shear.
MIN_GAIN = 1.02


def shear_image(image: np.ndarray, shear: float, border: int = cv2.BORDER_REPLICATE) -> np.ndarray:
    """``image`` with x shifted by ``shear * (y - centre)``, widened so nothing is cut off."""
    h, w = image.shape[:2]
    extra = int(np.ceil(abs(shear) * h / 2.0))
    matrix = np.float32([[1.0, shear, extra - shear * h / 2.0], [0.0, 1.0, 0.0]])
    return cv2.warpAffine(image, matrix, (w + 2 * extra, h), flags=cv2.INTER_LINEAR, borderMode=border)


def _profile_sharpness(edges: np.ndarray, shear: float) -> float:
    sheared = shear_image(edges, shear, cv2.BORDER_CONSTANT)
    columns = sheared.sum(axis=0)
    return float((columns * columns).sum())


def estimate_shear(row: np.ndarray) -> float:
    """The shear that makes the row's characters upright (0.0 when no slant is clear).

    Shearing the row by the returned value (:func:`shear_image`) puts the strokes' tops back over
    their bottoms: the negative of the slant that was applied to upright text.
    """
    if row.size == 0 or min(row.shape[:2]) < 8:
        return 0.0
    grey = cv2.cvtColor(row, cv2.COLOR_BGR2GRAY) if row.ndim == 3 else row
    h = grey.shape[0]
    scale = 32.0 / h
    small = cv2.resize(grey, (max(8, int(round(grey.shape[1] * scale))), 32), interpolation=cv2.INTER_AREA)
    gx = np.abs(cv2.Sobel(small.astype(np.float32), cv2.CV_32F, 1, 0, ksize=1))
    strong = gx > max(10.0, float(np.percentile(gx, 70)))
    if strong.sum() < 16:
        return 0.0
    edges = gx * strong
    scores = {s: _profile_sharpness(edges, float(s)) for s in SHEARS}
    best = max(scores, key=lambda s: scores[s])
    if abs(best) < MIN_SHEAR or scores[best] < MIN_GAIN * scores[0.0]:
        return 0.0
    return float(best)


def upright(row: np.ndarray) -> np.ndarray:
    """The row with its slant removed (the same array when there is none to remove)."""
    shear = estimate_shear(row)
    return shear_image(row, shear) if shear else row
