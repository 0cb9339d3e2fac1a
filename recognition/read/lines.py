"""DB post-processing of the PP-OCR text detector and line crops.

The detector outputs a text probability map. Text regions are the connected areas above a
threshold; each becomes a rotated rectangle, scored by its mean probability and grown by the DB
"unclip" distance (area * ratio / perimeter), since the detector is trained on shrunk regions.
PaddleOCR grows the polygon with pyclipper; for rectangles growing each side by the distance is
equivalent, so OpenCV is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True, slots=True)
class TextLine:
    """A detected text region as a rotated rectangle in crop pixels.

    ``height`` is the short side (character height), ``width`` the long side, ``angle`` the
    rotation in degrees of the long side from horizontal.
    """

    cx: float
    cy: float
    width: float
    height: float
    angle: float
    score: float

    @property
    def top(self) -> float:
        """Approximate top edge (axis aligned)."""
        return self.cy - self.height / 2.0

    @property
    def bottom(self) -> float:
        """Approximate bottom edge (axis aligned)."""
        return self.cy + self.height / 2.0

    @property
    def left(self) -> float:
        """Approximate left edge (axis aligned)."""
        return self.cx - self.width / 2.0

    @property
    def right(self) -> float:
        """Approximate right edge (axis aligned)."""
        return self.cx + self.width / 2.0


def _normalise_rect(rect: tuple[tuple[float, float], tuple[float, float], float]) -> tuple[float, float, float, float, float]:
    """OpenCV rotated rect -> (cx, cy, long side, short side, angle of long side in (-90, 90])."""
    (cx, cy), (w, h), angle = rect
    if w < h:
        w, h = h, w
        angle += 90.0
    while angle > 90.0:
        angle -= 180.0
    while angle <= -90.0:
        angle += 180.0
    return cx, cy, w, h, angle


def db_lines(
    prob: np.ndarray,
    scale_x: float,
    scale_y: float,
    thresh: float = 0.3,
    box_thresh: float = 0.5,
    unclip_ratio: float = 1.6,
    min_size: float = 3.0,
    max_candidates: int = 50,
) -> list[TextLine]:
    """Text lines from a DB probability map.

    Args:
        prob: ``[H, W]`` probability map.
        scale_x: Map x -> crop x factor.
        scale_y: Map y -> crop y factor.
        thresh: Binarisation threshold.
        box_thresh: Minimum mean probability inside a region.
        unclip_ratio: DB growth ratio.
        min_size: Minimum short side in map pixels.
        max_candidates: Regions considered at most (largest first).

    Returns:
        Lines in crop coordinates, unordered.

    """
    bitmap = (prob > thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)[:max_candidates]
    lines: list[TextLine] = []
    for contour in contours:
        if len(contour) < 3:
            continue
        cx, cy, w, h, angle = _normalise_rect(cv2.minAreaRect(contour))
        if h < min_size:
            continue
        mask = np.zeros_like(bitmap)
        cv2.fillPoly(mask, [contour.reshape(-1, 2)], 1)
        score = float(prob[mask.astype(bool)].mean()) if mask.any() else 0.0
        if score < box_thresh:
            continue
        area, perimeter = w * h, 2.0 * (w + h)
        grow = area * unclip_ratio / max(perimeter, 1e-6)
        w, h = w + 2.0 * grow, h + 2.0 * grow
        if h < min_size + 2:
            continue
        # Scale the rotated rect to crop pixels (anisotropic scale is ~isotropic for crops).
        theta = np.deg2rad(angle)
        sw = float(np.hypot(w * np.cos(theta) * scale_x, w * np.sin(theta) * scale_y))
        sh = float(np.hypot(h * np.sin(theta) * scale_x, h * np.cos(theta) * scale_y))
        lines.append(TextLine(cx * scale_x, cy * scale_y, sw, sh, angle, score))
    return lines


def crop_line(image: np.ndarray, line: TextLine, pad_x: float = 0.04, pad_y: float = 0.08) -> np.ndarray:
    """Rectified crop of a line (rotation removed), padded a little on each side.

    Args:
        image: The plate crop (BGR).
        line: The line to cut out.
        pad_x: Extra width as a fraction of the line height, per side.
        pad_y: Extra height as a fraction of the line height, per side.

    """
    w = line.width + 2.0 * pad_x * line.height
    h = line.height * (1.0 + 2.0 * pad_y)
    out_w, out_h = max(4, int(round(w))), max(4, int(round(h)))
    matrix = cv2.getRotationMatrix2D((line.cx, line.cy), line.angle, 1.0)
    matrix[0, 2] += out_w / 2.0 - line.cx
    matrix[1, 2] += out_h / 2.0 - line.cy
    return cv2.warpAffine(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
