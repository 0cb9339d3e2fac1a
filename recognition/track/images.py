"""Crop quality and JPEG encoding for the images carried by a read."""

from __future__ import annotations

import cv2
import numpy as np

from recognition.types import BBox


def sharpness(crop: np.ndarray) -> float:
    """Focus measure in (0, 1): variance of the Laplacian, squashed."""
    if crop.size == 0:
        return 0.0
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    var = float(cv2.Laplacian(grey, cv2.CV_32F).var())
    return var / (var + 200.0)


def crop_box(image: np.ndarray, box: BBox, pad: float = 0.0) -> np.ndarray:
    """Region of ``image`` under ``box`` (grown by ``pad`` of its size), clipped to the image."""
    h, w = image.shape[:2]
    dx, dy = int(box.w * pad), int(box.h * pad)
    x0, y0 = max(0, box.x - dx), max(0, box.y - dy)
    x1, y1 = min(w, box.x + box.w + dx), min(h, box.y + box.h + dy)
    return image[y0:y1, x0:x1]


def encode_jpeg(image: np.ndarray, quality: int = 85, max_width: int | None = None) -> bytes:
    """JPEG bytes of ``image``, downscaled to ``max_width`` when wider; b"" for empty images."""
    if image.size == 0:
        return b""
    if max_width is not None and image.shape[1] > max_width:
        scale = max_width / image.shape[1]
        image = cv2.resize(image, (max_width, max(1, int(image.shape[0] * scale))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes() if ok else b""


def panel_contrast(image: np.ndarray, box: BBox, ring: float = 0.12) -> float | None:
    """Colour difference (CIE Lab distance, 0..~150) between the rim just inside ``box`` and the band around it.

    A plate is a panel of its own colour mounted on the vehicle: the rim inside its box is plate
    background (or its frame) and the band outside is bumper or body paint, so the two differ.
    Lettering painted or stuck on the body (make names, slogans, phone numbers) has body paint on
    both sides of its box. ``ring`` is the width of both bands as a share of the box height. None
    when the box leaves no band inside or outside the image or the picture there is blank (nothing to judge).
    """
    if image.ndim < 2 or image.size == 0 or box.w < 4 or box.h < 4:
        return None
    height, width = image.shape[:2]
    m = max(1, int(round(ring * box.h)))
    x0, y0, x1, y1 = max(0, box.x), max(0, box.y), min(width, box.x + box.w), min(height, box.y + box.h)
    if x1 - x0 <= 2 * m or y1 - y0 <= 2 * m:
        return None
    ox0, oy0, ox1, oy1 = max(0, x0 - m), max(0, y0 - m), min(width, x1 + m), min(height, y1 + m)
    patch = image[oy0:oy1, ox0:ox1]
    if patch.ndim == 2:
        patch = cv2.cvtColor(patch, cv2.COLOR_GRAY2BGR)
    elif patch.shape[2] == 4:
        patch = cv2.cvtColor(patch, cv2.COLOR_BGRA2BGR)
    lab = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_BGR2LAB)
    if float(lab.reshape(-1, 3).std(axis=0).max()) < 1.0:
        return None  # a blank picture (no image behind the sightings): nothing to judge
    inside = np.zeros(lab.shape[:2], bool)
    inside[y0 - oy0 : y1 - oy0, x0 - ox0 : x1 - ox0] = True
    core = np.zeros_like(inside)
    core[y0 - oy0 + m : y1 - oy0 - m, x0 - ox0 + m : x1 - ox0 - m] = True
    rim, around = inside & ~core, ~inside
    if not around.any():
        return None
    a = np.median(lab[rim].astype(np.float32), axis=0)
    b = np.median(lab[around].astype(np.float32), axis=0)
    return float(np.linalg.norm(a - b))
