"""Extend a detection box over a row-end character the text detector left out.

The scene text detector's box sometimes stops short of a faint first or last character of a plate
(notes/reader.md, session 30): that character is then not in the reader's crop at all. Widening every
box reads bolts, frame text and state graphics as characters (session 29: dev exact -3.6 points), so a
box end is moved only where the image continues the row just beyond it: an ink blob of the row's
character height, on the row's top and bottom lines, at character spacing from the row's outermost
character. A bolt (too short), a plate border or frame edge (too tall, or off the row's lines) and a
state graphic set apart from the row do not qualify.

Pure image geometry on the frame (no inference): a few connected components per detection.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from recognition.types import BBox


@dataclass(frozen=True, slots=True)
class RowEndRules:
    """When a blob beyond a box end is the row's next character (all sizes in row character heights)."""

    #: how far beyond each box end to look
    reach: float = 0.9
    #: a candidate's height against the row's character height
    min_height: float = 0.75
    max_height: float = 1.25
    #: most distance of its top and bottom from the row's top and bottom lines
    line_tolerance: float = 0.2
    #: its width (a "1" is narrow; wider blobs are graphics or merged with the frame)
    min_width: float = 0.12
    max_width: float = 1.2
    #: largest gap between it and the row's outermost character
    max_gap: float = 0.6
    #: it must stick out of the crop by at least this much (otherwise the crop already holds it)
    min_outside: float = 0.15
    #: margin left beyond the added character
    margin: float = 0.12
    #: fewest characters found inside the box to know the row's height and lines
    min_row_chars: int = 2

    def __post_init__(self) -> None:
        if not (0 < self.min_height <= self.max_height and 0 < self.min_width <= self.max_width):
            raise ValueError("0 < min_height <= max_height and 0 < min_width <= max_width required")
        if self.reach <= 0 or self.max_gap < 0 or self.line_tolerance < 0 or self.margin < 0:
            raise ValueError("reach > 0 and max_gap, line_tolerance, margin >= 0 required")
        if self.min_row_chars < 1:
            raise ValueError("min_row_chars >= 1 required")


def _ink(grey: np.ndarray, inside: tuple[int, int, int, int], size: int) -> np.ndarray:
    """Binary mask of strokes thinner than ``size`` pixels, dark ones unless the box is mostly dark.

    A black-hat (or top-hat) transform keeps thin strokes and drops broad areas: the dark bumper or
    body around a light plate does not join its characters into one blob as a plain threshold would.
    """
    x0, y0, x1, y1 = inside
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    dark = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel)
    light = cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, kernel)
    body, _ = cv2.threshold(grey[y0:y1, x0:x1], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # characters are the minority class of the box: dark print on a light plate, or light on dark
    strokes = dark if float((grey[y0:y1, x0:x1] > body).mean()) >= 0.5 else light
    core = strokes[y0:y1, x0:x1]
    thresh, _ = cv2.threshold(core, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return (strokes > max(thresh, 8)).astype(np.uint8)


def extend_row_ends(image: np.ndarray, box: BBox, rules: RowEndRules, pad: float = 0.05) -> BBox:
    """``box``, its left and/or right end moved over a row character just beyond it (else ``box`` itself).

    ``pad`` is the crop margin the reader will get (a character already inside the padded crop is left alone).
    """
    ih, iw = image.shape[:2]
    if box.w < 4 or box.h < 6:
        return box
    reach = int(np.ceil(rules.reach * box.h))
    rx0, rx1 = max(0, box.x - reach), min(iw, box.x + box.w + reach)
    # Only the box's own rows (and a little more): dark paint above or below a light plate would
    # otherwise join its characters into one blob.
    ry0, ry1 = max(0, box.y - box.h // 10), min(ih, box.y + box.h + box.h // 10)
    if rx1 - rx0 < 4 or ry1 - ry0 < 6:
        return box
    region = image[ry0:ry1, rx0:rx1]
    grey = cv2.cvtColor(region, cv2.COLOR_BGR2GRAY) if region.ndim == 3 and region.shape[2] == 3 else (
        region if region.ndim == 2 else cv2.cvtColor(region, cv2.COLOR_BGRA2GRAY))
    bx0, by0 = box.x - rx0, box.y - ry0
    bx1, by1 = bx0 + box.w, by0 + box.h
    inside = (max(0, bx0), max(0, by0), min(grey.shape[1], bx1), min(grey.shape[0], by1))
    if inside[2] - inside[0] < 4 or inside[3] - inside[1] < 4:
        return box
    count, _, stats, _ = cv2.connectedComponentsWithStats(_ink(grey, inside, max(3, int(round(0.45 * box.h))) | 1), connectivity=8)
    blobs = stats[1:count]
    if len(blobs) == 0:
        return box
    lefts, tops, widths, heights = blobs[:, 0], blobs[:, 1], blobs[:, 2], blobs[:, 3]
    centres = lefts + widths / 2.0
    # The row: blobs centred inside the box, a fair share of its height (several characters may be one blob).
    in_row = (
        (centres >= bx0) & (centres <= bx1) & (heights >= 0.35 * box.h) & (heights <= 1.05 * box.h)
        & (widths <= 4.0 * heights) & (tops >= by0 - 0.15 * box.h) & (tops + heights <= by1 + 0.15 * box.h)
    )
    if int(in_row.sum()) < rules.min_row_chars:
        return box
    char_h = float(np.median(heights[in_row]))
    top = float(np.median(tops[in_row]))
    bottom = float(np.median((tops + heights)[in_row]))
    ends = lefts + widths
    like_char = (
        (heights >= rules.min_height * char_h) & (heights <= rules.max_height * char_h)
        & (np.abs(tops - top) <= rules.line_tolerance * char_h)
        & (np.abs(tops + heights - bottom) <= rules.line_tolerance * char_h)
        & (widths >= rules.min_width * char_h) & (widths <= rules.max_width * char_h)
    )
    crop_left = bx0 - int(box.w * pad)
    crop_right = bx1 + int(box.w * pad)
    outside = rules.min_outside * char_h
    gap = rules.max_gap * char_h
    new_left, new_right = float(bx0), float(bx1)
    row = np.flatnonzero(in_row)
    for k in np.flatnonzero(like_char & (lefts < crop_left - outside)):
        # the row continues right of it, at character spacing (a blob of the row that is not itself)
        inner = [j for j in row if j != k and lefts[j] > lefts[k]]
        if inner and min(float(lefts[j]) for j in inner) - float(ends[k]) <= gap:
            new_left = min(new_left, float(lefts[k]) - rules.margin * char_h)
    for k in np.flatnonzero(like_char & (ends > crop_right + outside)):
        inner = [j for j in row if j != k and ends[j] < ends[k]]
        if inner and float(lefts[k]) - max(float(ends[j]) for j in inner) <= gap:
            new_right = max(new_right, float(ends[k]) + rules.margin * char_h)
    if new_left == bx0 and new_right == bx1:
        return box
    x0 = max(0, int(np.floor(new_left)) + rx0)
    x1 = min(iw, int(np.ceil(new_right)) + rx0)
    return BBox(x0, box.y, x1 - x0, box.h)
