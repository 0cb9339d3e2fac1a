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
