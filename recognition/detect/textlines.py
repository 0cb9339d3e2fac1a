"""Turn a text-probability map (PP-OCR DB output) into plate candidates.

A plate's characters form one dense text line (two for stacked plates). We binarise the map,
take connected regions, keep those whose mean probability and shape fit a plate's character
line, grow each line to the plate around it, and score it by its mean probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

#: DB maps mark a shrunk text kernel; grow it back by this factor of its height on each side.
GROW_X = 0.8
GROW_Y = 0.7


@dataclass(frozen=True, slots=True)
class TextLineFilter:
    """Thresholds for text regions (map pixels are scaled back to frame pixels first)."""

    bin_threshold: float = 0.3
    box_threshold: float = 0.5
    min_height: float = 8.0
    min_aspect: float = 1.0
    max_aspect: float = 12.0


def text_regions(prob: np.ndarray, bin_threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounding boxes ``[K,4]`` (x, y, w, h in map pixels) and mean probabilities ``[K]`` of text regions."""
    mask = (prob > bin_threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return np.zeros((0, 4)), np.zeros(0)
    # Only the (sparse) text pixels: weighting the whole map costs a float64 copy of it per call.
    inside = mask.astype(bool)
    sums = np.bincount(labels[inside], weights=prob[inside].astype(np.float64), minlength=count)
    means = sums[1:] / np.maximum(stats[1:, cv2.CC_STAT_AREA], 1)
    return stats[1:, :4].astype(np.float64), means


def _grow(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray) -> np.ndarray:
    """Corner boxes of the plates around text kernels ``x, y, w, h`` (arrays, frame pixels)."""
    return np.stack([x - GROW_X * h, y - GROW_Y * h, x + w + GROW_X * h, y + h + GROW_Y * h], axis=1)


def _absorb_small_lines(
    kernels: np.ndarray, grown: np.ndarray, main: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Union each plate-shaped line with the lines stacked just above/below it or right beside it.

    US plates print the state name above the number and a slogan below; stacked plates have
    two rows; a state graphic can split the number row in two; EU plates carry the country code
    beside the number. Those lines belong to the plate (the reader needs the state name), so they
    widen the plate box instead of becoming candidates of their own.

    Args:
        kernels: ``[K,4]`` x, y, w, h of every confident text kernel (frame pixels).
        grown: ``[K,4]`` corner boxes of the plates around them.
        main: ``[K]`` bool, lines that are plate candidates on their own.

    Returns:
        The corner boxes of the main lines (after absorbing) and the indices of those lines.

    """
    x, y, w, h = kernels.T
    order = [int(i) for i in np.argsort(-h) if main[i]]
    taken = np.zeros(len(kernels), dtype=bool)
    boxes: list[np.ndarray] = []
    kept: list[int] = []
    for i in order:
        if taken[i]:
            continue
        taken[i] = True
        gap = np.maximum(y - (y[i] + h[i]), y[i] - (y + h))
        overlap = np.minimum(x + w, x[i] + w[i]) - np.maximum(x, x[i])
        stacked = (~taken) & (h <= 1.2 * h[i]) & (gap <= 1.0 * h[i]) & (overlap >= 0.6 * w)
        # Same row, split by a state graphic or next to the EU country band: part of the plate too.
        hgap = np.maximum(x - (x[i] + w[i]), x[i] - (x + w))
        beside = (~taken) & (h <= 1.2 * h[i]) & (np.abs(y + h / 2 - y[i] - h[i] / 2) <= 0.35 * h[i])
        stacked |= beside & (hgap <= 1.0 * h[i])
        box = grown[i].copy()
        if stacked.any():
            box[:2] = np.minimum(box[:2], grown[stacked, :2].min(axis=0))
            box[2:] = np.maximum(box[2:], grown[stacked, 2:].max(axis=0))
            taken |= stacked
        boxes.append(box)
        kept.append(i)
    return (np.array(boxes) if boxes else np.zeros((0, 4))), np.array(kept, dtype=np.int64)


def plate_candidates(
    prob: np.ndarray, scale_x: float, scale_y: float, rules: TextLineFilter
) -> tuple[np.ndarray, np.ndarray]:
    """Plate boxes ``[K,4]`` (x1, y1, x2, y2 in frame pixels) and scores from a probability map.

    Args:
        prob: ``HxW`` text probability map.
        scale_x: Frame pixels per map pixel horizontally.
        scale_y: Frame pixels per map pixel vertically.
        rules: Thresholds and shape limits.

    """
    boxes, means = text_regions(prob, rules.bin_threshold)
    confident = means >= rules.box_threshold
    if not confident.any():
        return np.zeros((0, 4)), np.zeros(0)
    boxes, means = boxes[confident], means[confident]
    kernels = boxes * np.array([scale_x, scale_y, scale_x, scale_y])
    x, y, w, h = kernels.T
    grown = _grow(x, y, w, h)
    grown_h = grown[:, 3] - grown[:, 1]
    aspect = (grown[:, 2] - grown[:, 0]) / np.maximum(grown_h, 1e-6)
    main = (grown_h >= rules.min_height) & (aspect >= rules.min_aspect) & (aspect <= rules.max_aspect)
    xyxy, kept = _absorb_small_lines(kernels, grown, main)
    return xyxy, means[kept]
