"""Image preparation as PP-OCR expects it: BGR, scaled to [-1, 1], NCHW float32.

Recognition input is 48 px high with the width following the aspect ratio (right-padded with
zeros to the widest image of a batch, rounded up to a multiple of :data:`REC_WIDTH_STEP`).
Detection input has both sides multiples of 32.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

REC_HEIGHT = 48
#: Recognition batches are padded to a multiple of this width. OpenVINO keeps compiled kernels and
#: buffers per input shape it has seen; a free width (any of 32..960) grows that cache with every new
#: plate size, 64 px steps bound it to 15 shapes (about 200 MB less across 4 streams, no CPU cost).
REC_WIDTH_STEP = 64


def ensure_bgr(image: np.ndarray) -> np.ndarray:
    """Return a 3-channel uint8 BGR view of a grey, BGR or BGRA image."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _normalise(image: np.ndarray) -> np.ndarray:
    """HWC uint8 -> CHW float32 in [-1, 1] (PaddleOCR's mean 0.5 / std 0.5)."""
    return (image.astype(np.float32).transpose(2, 0, 1) * (2.0 / 255.0)) - 1.0


def rec_width(image: np.ndarray, min_width: int = 32, max_width: int = 960) -> int:
    """Input width for a recognition image of this aspect ratio."""
    h, w = image.shape[:2]
    return int(min(max_width, max(min_width, math.ceil(REC_HEIGHT * w / max(h, 1)))))


def batch_width(widths: Sequence[int], step: int = REC_WIDTH_STEP) -> int:
    """Input width of a batch: the widest image rounded up to a multiple of ``step``."""
    return max(step, -(-max(widths) // step) * step)


def rec_batch(images: Sequence[np.ndarray], min_width: int = 32, max_width: int = 960) -> tuple[np.ndarray, list[int]]:
    """Batch line images for a recogniser.

    Args:
        images: BGR line crops.
        min_width: Smallest input width.
        max_width: Widest input (very long lines are squeezed).

    Returns:
        ``(batch [N, 3, 48, W], widths)``; ``widths[i]`` is the unpadded width of image ``i`` and
        ``W`` the widest of them rounded up to a multiple of :data:`REC_WIDTH_STEP` (zero padding).

    """
    widths = [rec_width(img, min_width, max_width) for img in images]
    batch_w = batch_width(widths)
    batch = np.zeros((len(images), 3, REC_HEIGHT, batch_w), dtype=np.float32)
    for i, (img, w) in enumerate(zip(images, widths, strict=True)):
        resized = cv2.resize(ensure_bgr(img), (w, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
        batch[i, :, :, :w] = _normalise(resized)
    return batch, widths


def det_input(image: np.ndarray, target_short: int, max_long: int) -> tuple[np.ndarray, float, float]:
    """Scale an image for the text detector.

    Args:
        image: BGR crop.
        target_short: Wanted length of the short side (before rounding to 32).
        max_long: Cap on the long side.

    Returns:
        ``(batch [1, 3, H, W], scale_x, scale_y)`` where scale maps detector to image pixels.

    """
    h, w = image.shape[:2]
    ratio = target_short / max(1, min(h, w))
    if max(h, w) * ratio > max_long:
        ratio = max_long / max(h, w)
    rh = max(32, int(round(h * ratio / 32)) * 32)
    rw = max(32, int(round(w * ratio / 32)) * 32)
    resized = cv2.resize(ensure_bgr(image), (rw, rh), interpolation=cv2.INTER_LINEAR)
    return _normalise(resized)[None], w / rw, h / rh
