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
    sums = np.bincount(labels.ravel(), weights=prob.ravel().astype(np.float64), minlength=count)
    means = sums[1:] / np.maximum(stats[1:, cv2.CC_STAT_AREA], 1)
    return stats[1:, :4].astype(np.float64), means


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
    if not len(means):
        return np.zeros((0, 4)), np.zeros(0)
    x = boxes[:, 0] * scale_x
    y = boxes[:, 1] * scale_y
    w = boxes[:, 2] * scale_x
    h = boxes[:, 3] * scale_y
    grown_h = h * (1 + 2 * GROW_Y)
    aspect = (w + 2 * GROW_X * h) / np.maximum(grown_h, 1e-6)
    keep = (
        (means >= rules.box_threshold)
        & (grown_h >= rules.min_height)
        & (aspect >= rules.min_aspect)
        & (aspect <= rules.max_aspect)
    )
    xyxy = np.stack([x - GROW_X * h, y - GROW_Y * h, x + w + GROW_X * h, y + h + GROW_Y * h], axis=1)
    return xyxy[keep], means[keep]
