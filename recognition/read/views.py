"""Several views of an unsure plate crop, read and voted.

On small or soft crops (a plate 50-100 px wide in a street scene) the text-line detector often
merges the whole plate into one region, so the row read carries the state name and slogan with
it. Horizontal bands of the crop at a few heights put the character row at a different place
and scale in each recogniser input; readings that agree across views add up. Every view is a
slice of the same crop, so all of them go through the recognisers in one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from recognition.read.fusion import FusedLine

#: ``(top, bottom)`` of each band as fractions of the crop height. Plates print the number in the
#: middle 50-70 % of their height; state names and slogans sit above and below it.
BANDS: tuple[tuple[float, float], ...] = ((0.1, 0.9), (0.15, 0.85), (0.2, 0.8), (0.25, 0.85), (0.15, 0.75))
MIN_BAND_HEIGHT = 8


def band_views(image: np.ndarray, bands: Sequence[tuple[float, float]] = BANDS) -> list[np.ndarray]:
    """Horizontal bands of ``image`` (full width), each at least :data:`MIN_BAND_HEIGHT` rows."""
    h = image.shape[0]
    views = []
    for top, bottom in bands:
        y0 = int(round(top * h))
        y1 = max(y0 + MIN_BAND_HEIGHT, int(round(bottom * h)))
        if y1 <= h:
            views.append(image[y0:y1])
    return views


#: Horizontal shears of the middle band: a plate seen from the side slants its characters.
SHEARS: tuple[float, ...] = (-0.15, 0.15)


def level(image: np.ndarray, angle: float) -> np.ndarray:
    """The crop rotated by ``angle`` degrees (the row's tilt) about its centre, same size."""
    if abs(angle) < 1.0:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def sheared(image: np.ndarray, shear: float) -> np.ndarray:
    """``image`` with x shifted by ``shear * (y - centre)``: undoes the slant of a plate seen at an angle."""
    h, w = image.shape[:2]
    matrix = np.float32([[1.0, shear, -shear * h / 2.0], [0.0, 1.0, 0.0]])
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def plate_views(image: np.ndarray, angle: float = 0.0, shears: Sequence[float] = SHEARS) -> list[np.ndarray]:
    """Band views of the levelled crop plus sheared copies of its middle band."""
    views = band_views(level(image, angle))
    if views and shears:
        middle = views[1] if len(views) > 1 else views[0]
        views += [sheared(middle, s) for s in shears]
    return views


def vote(readings: Sequence[FusedLine], weight: Callable[[str], float], max_alternatives: int = 4) -> FusedLine:
    """The text with the largest summed ``confidence * weight(text)`` over the readings.

    Returns the most confident reading of the winning text; the other texts become its
    alternatives (confidence scaled by their share of the vote).
    """
    totals: dict[str, float] = {}
    best_of: dict[str, FusedLine] = {}
    for reading in readings:
        if not reading.text:
            continue
        totals[reading.text] = totals.get(reading.text, 0.0) + reading.confidence * weight(reading.text)
        if reading.text not in best_of or reading.confidence > best_of[reading.text].confidence:
            best_of[reading.text] = reading
    if not totals:
        return readings[0] if readings else FusedLine("", (), 0.0)
    ranked = sorted(totals, key=lambda t: (-totals[t], -len(t)))
    winner = best_of[ranked[0]]
    share = {t: totals[t] / totals[ranked[0]] for t in ranked}
    alternatives = dict(winner.alternatives)
    for text in ranked[1:]:
        alternatives[text] = max(alternatives.get(text, 0.0), round(best_of[text].confidence * share[text], 4))
    ordered = sorted(alternatives.items(), key=lambda kv: -kv[1])
    return FusedLine(
        winner.text, winner.char_confidences, winner.log_likelihood, tuple(ordered[:max_alternatives]),
        winner.presence,
    )
