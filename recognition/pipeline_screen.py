"""Read every candidate cheaply first; read in full only the ones that could be a plate.

A street scene gives the detector ~2.5 text-like candidates per plate: the plate and vehicle lettering,
badges, signs and stickers. The full reader is dearest on exactly those: a text that is short, unsure
or fits no plate format triggers every refinement it has (second recogniser, row band, state lines,
five voted views), so on the US scenes ~78 % of the reading time went to candidates that were not
plates (notes/detector.md). The screen reads each candidate once with a quick reader (line detection
and one recogniser, no refinements) and gives the full read only to those whose quick reading could
be a plate (:class:`ScreenRules`); the others keep their quick reading, so nothing is dropped: a
short or odd text is still reported, only not refined.

Plates are found the same way with or without the screen (the detector is untouched); what changes
is how much is spent reading what is not a plate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recognition.protocols import PlateReader
from recognition.read.plausibility import plate_shape_score
from recognition.types import PlateText


@dataclass(frozen=True, slots=True)
class ScreenRules:
    """Which quick readings are worth a full read.

    A plate reads as 4-10 characters with a digit and a letter or 5-8 characters (plate shape >= 2,
    :func:`recognition.read.plausibility.plate_shape_score`): letters-only vanity plates pass, a
    four-letter make ("FIAT"), a lone digit, a sticker year ("2012") or a street name longer than
    any plate do not.
    """

    min_chars: int = 4
    max_chars: int = 10
    min_shape: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.min_chars <= self.max_chars or not 0 <= self.min_shape <= 3:
            raise ValueError("1 <= min_chars <= max_chars and 0 <= min_shape <= 3 required")

    def worth_full_read(self, quick: PlateText | None) -> bool:
        """Whether ``quick`` (the quick reading of a candidate) could be a plate's reading."""
        if quick is None:
            return False
        text = "".join(c for c in quick.text.upper() if c.isalnum())
        return self.min_chars <= len(text) <= self.max_chars and plate_shape_score(text) >= self.min_shape


class ScreenedReader:
    """A :class:`~recognition.protocols.PlateReader` that reads quickly first and fully where it pays.

    Args:
        quick: Cheap reader (e.g. the full reader's models with its refinements off).
        full: The reader whose reading is reported for plate-like candidates.
        rules: Which quick readings get a full read.

    """

    def __init__(self, quick: PlateReader, full: PlateReader, rules: ScreenRules | None = None) -> None:
        self.quick = quick
        self.full = full
        self.rules = rules or ScreenRules()
        self.full_reads = 0  # candidates read in full (for benchmarks)
        self.quick_only = 0  # candidates that kept their quick reading

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Quick reading of ``crop``, replaced by the full reading when the quick one could be a plate."""
        first = self.quick.read(crop)
        if not self.rules.worth_full_read(first):
            self.quick_only += 1
            return first
        self.full_reads += 1
        return self.full.read(crop)

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """:meth:`read` for each crop (same order)."""
        return [self.read(crop) for crop in crops]

    def state_of(self, crop: np.ndarray) -> tuple[str | None, float]:
        """The full reader's state reading (the tracker reads the state once per vehicle)."""
        state_of = getattr(self.full, "state_of", None)
        return state_of(crop) if state_of is not None else (None, 0.0)
