"""How plate-like a track is: shape, crop appearance, text syntax and persistence across frames.

Vehicle lettering (make and model names, fleet slogans, phone numbers, web addresses) and texture
on empty road are read as confidently as plates, so text confidence cannot tell them apart. A track
collects evidence from every sighting; :meth:`PlateEvidence.score` turns it into a likeness in
0..1 that the tracker uses to drop tracks that are not plates and to keep only the most plate-like
track among those that move together on one vehicle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from recognition.track.align import similarity
from recognition.types import BBox


def syntax_score(text: str) -> float:
    """0..1 for how much ``text`` looks like a plate serial (never 0: vanity plates exist).

    US and Canadian plates have 2-8 characters, mostly 5-7, usually mixing letters and digits.
    Phone numbers (10-11 digits), web addresses and slogans are longer; make names are letters only.
    """
    n = len(text)
    if n == 0:
        return 0.0
    length = {1: 0.05, 2: 0.25, 3: 0.5, 4: 0.8, 5: 1.0, 6: 1.0, 7: 1.0, 8: 0.75, 9: 0.2}.get(n, 0.05)
    digits = sum(c.isdigit() for c in text)
    if digits == n:
        mix = 0.8  # all-digit plates are common in some states
    elif any(c.isdigit() and c != "0" for c in text):
        mix = 1.0
    else:
        # letters only: vanity plates, but also every make name and slogan. A zero among letters counts
        # as a letter: North American readings key an unsettled O as zero (recognition.plates.keying)
        mix = 0.6
    return length * mix


def shape_score(box: BBox) -> float:
    """0..1 for how plate-shaped a box is (US plates are 2:1; plate boxes measure 1.5-2.8)."""
    if box.h <= 0:
        return 0.0
    aspect = box.w / box.h
    if 1.5 <= aspect <= 2.8:
        return 1.0
    if aspect < 1.5:
        return max(0.0, (aspect - 0.9) / 0.6)
    return max(0.0, 1.0 - (aspect - 2.8) / 2.2)


#: Panel contrast (:func:`recognition.track.images.panel_contrast`) from which a box counts as a
#: panel of its own; lettering on body paint measures 0-8, plates 10-100.
PANEL_FULL = 15.0
#: Likeness factor of a track whose boxes show no panel at all (1 when they all do).
PANEL_FLOOR = 0.6
#: Read sightings whose panel must be measured before it counts: one or two frames (a blurred
#: frame, a box that caught a piece of the bumper) judge it poorly.
PANEL_MIN_SIGHTINGS = 3


def panel_score(contrast: float) -> float:
    """0..1 for how clearly a box is a panel of its own colour (a plate) rather than text on body paint."""
    return min(1.0, max(0.0, contrast) / PANEL_FULL)


@dataclass(slots=True)
class PlateEvidence:
    """Evidence collected over the sightings of one track."""

    shapes: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    panels: list[float] = field(default_factory=list)
    sightings: int = 0

    def add(self, box: BBox, text: str | None, panel: float | None = None) -> None:
        """Record one sighting: its box, (when read) its text and (when measured) its panel contrast."""
        self.sightings += 1
        self.shapes.append(shape_score(box))
        if text:
            self.texts.append(text)
            if panel is not None:
                self.panels.append(panel_score(panel))

    def panel(self) -> float | None:
        """Median panel score of the read sightings (None when measured in fewer than ``PANEL_MIN_SIGHTINGS``)."""
        return float(np.median(self.panels)) if len(self.panels) >= PANEL_MIN_SIGHTINGS else None

    def panel_factor(self) -> float:
        """Weight of this track against a rival on the same vehicle: 1 for a clear panel, ``PANEL_FLOOR`` for none.

        1 as well when too few sightings were measured (no frame image, a track of one or two frames),
        so such a track is judged on its text and shape as before.
        """
        panel = self.panel()
        return 1.0 if panel is None else PANEL_FLOOR + (1.0 - PANEL_FLOOR) * panel

    def consistency(self, voted: str) -> float:
        """Mean similarity of the readings to the voted text (a plate reads alike frame after frame)."""
        if not self.texts:
            return 0.0
        return float(np.mean([similarity(t, voted) for t in self.texts]))

    def score(self, voted: str, *, panel: bool = True) -> float:
        """Likeness in 0..1 of the track whose readings voted ``voted`` (``panel``: weighed by :meth:`panel_factor`)."""
        if not self.texts:
            return 0.0
        shape = float(np.median(self.shapes)) if self.shapes else 0.5
        read_share = len(self.texts) / max(1, self.sightings)
        persistence = min(1.0, len(self.texts) / 4.0)
        return (self.panel_factor() if panel else 1.0) * (
            syntax_score(voted)
            * (0.4 + 0.6 * shape)
            * (0.5 + 0.5 * self.consistency(voted))
            * (0.6 + 0.4 * persistence)
            * (0.7 + 0.3 * read_share)
        )


def appearance(crop: np.ndarray | None) -> float | None:
    """Character height as a share of the crop height (None when it cannot be measured)."""
    if crop is None or crop.size == 0 or min(crop.shape[:2]) < 8:
        return None
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = binary == 0
    chars = dark if dark.mean() < 0.5 else ~dark
    count, _, stats, _ = cv2.connectedComponentsWithStats(chars.astype(np.uint8))
    h, w = grey.shape
    heights = [
        stats[i, cv2.CC_STAT_HEIGHT]
        for i in range(1, count)
        if 0.2 * h < stats[i, cv2.CC_STAT_HEIGHT] < 0.98 * h and stats[i, cv2.CC_STAT_WIDTH] < 0.5 * w
    ]
    return float(np.median(heights)) / h if heights else None
