"""Where a video frame changed since the previous one: a cheap, coarse motion map.

Both frames are shrunk to a small grey thumbnail (each cell averages ``cell`` x ``cell`` frame
pixels, which also averages sensor noise and compression artefacts away), differenced, and the
changed cells are grouped into boxes in frame pixels. Used by :mod:`recognition.detect.video` to
decide when a frame needs the full detector and when the plates it already follows suffice.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

_GROW = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
_SPECK = cv2.getStructuringElement(cv2.MORPH_RECT, (2, 2))


@dataclass(frozen=True, slots=True)
class Motion:
    """Changed regions of one frame against the previous one."""

    boxes: np.ndarray  # [N,4] x, y, w, h in frame pixels
    share: float  # share of the frame's cells that changed


def thumbnail(frame: np.ndarray, cell: int) -> np.ndarray:
    """Grey thumbnail of ``frame`` (BGR or grey uint8), one pixel per ``cell`` x ``cell`` block."""
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape[:2]
    tw, th = max(1, w // cell), max(1, h // cell)
    if w > 4 * tw and h > 4 * th:  # a linear step first: INTER_AREA on full frames is slow
        grey = cv2.resize(grey, (4 * tw, 4 * th), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(grey, (tw, th), interpolation=cv2.INTER_AREA)


def changed(
    previous: np.ndarray, current: np.ndarray, frame_w: int, frame_h: int, *, threshold: int, min_cells: int
) -> Motion:
    """Regions where two thumbnails of the same size differ by more than ``threshold`` grey levels.

    Changes thinner than 2 x 2 cells (compression artefacts, noise) are opened away, blobs smaller
    than ``min_cells`` cells (a flicker, a leaf) are ignored; every blob is grown by one cell on
    each side. Boxes are returned in frame pixels (``frame_w`` x ``frame_h``).
    """
    if previous.shape != current.shape:
        raise ValueError(f"thumbnails differ in size: {previous.shape} vs {current.shape}")
    mask = cv2.morphologyEx((cv2.absdiff(previous, current) > threshold).astype(np.uint8), cv2.MORPH_OPEN, _SPECK)
    share = float(mask.mean()) if mask.size else 0.0
    if not mask.any():
        return Motion(np.zeros((0, 4)), 0.0)
    grown = cv2.dilate(mask, _GROW)
    count, _, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    th, tw = mask.shape
    sx, sy = frame_w / tw, frame_h / th
    boxes = [
        (x * sx, y * sy, w * sx, h * sy)
        for x, y, w, h, area in stats[1:count]
        if area >= min_cells
    ]
    return Motion(np.asarray(boxes, dtype=np.float64).reshape(-1, 4), share)


def overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each ``x, y, w, h`` box of ``boxes``, whether it overlaps any box of ``others``."""
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    others = np.asarray(others, dtype=np.float64).reshape(-1, 4)
    if not len(boxes) or not len(others):
        return np.zeros(len(boxes), dtype=bool)
    ix = np.minimum(boxes[:, None, 0] + boxes[:, None, 2], others[None, :, 0] + others[None, :, 2]) - np.maximum(
        boxes[:, None, 0], others[None, :, 0]
    )
    iy = np.minimum(boxes[:, None, 1] + boxes[:, None, 3], others[None, :, 1] + others[None, :, 3]) - np.maximum(
        boxes[:, None, 1], others[None, :, 1]
    )
    return ((ix > 0) & (iy > 0)).any(axis=1)
