"""Model loading shared by the commands (lazy imports keep ``--help`` fast)."""

from __future__ import annotations

import numpy as np

from recognition.fakes import FakeDetector, FakeReader
from recognition.protocols import PlateDetector, PlateReader
from recognition.types import BBox, PlateDetection

#: Smallest coarse-pass scale for still images: a 1080p frame is read at 1440, not 960 (US scenes: detection
#: recall 89.2 -> 92.3 % for ~35 % more detector CPU; 720p and smaller frames are unchanged at 960).
STILL_MIN_SCALE = 0.75


#: Still images (``read``, ``eval --scenes``): the voted views of unsure readings only for candidates at least
#: this share as plate-like as the image's best other one (``ScreenRules.vote_within``; US dev stills: the same
#: 222 first readings with a third fewer votes, notes/speed.md session 26). The live runtime votes every one.
STILL_VOTE_WITHIN = 0.5
#: Still images: the voted views are read by PP-OCRv6 alone (``ReaderConfig.vote_fuse``), about half a vote's CPU
#: (US dev exact as with fusion, 1-edit +1 image; EU and BR the same: notes/speed.md session 26).
STILL_VOTE_FUSE = False
#: Still images: a candidate whose quick reading is a fragment (0-2 characters) on a crop of plate shape (width /
#: height in this range) is read in full when no candidate of the image reads as a sure plate
#: (``ScreenRules.fragment_aspect``; US dev stills: "ANTI GOV" read "60" and "123 ABC" read "23" get their row
#: back, nothing lost; notes/reader.md session 28). The live runtime leaves fragments to the other frames.
STILL_FRAGMENT_ASPECT = (1.5, 5.0)


class ModelUnavailable(RuntimeError):
    """The detector or reader could not be loaded."""


def load_models(fake: bool = False, screen: bool = False) -> tuple[PlateDetector, PlateReader]:
    """Load the shipped detector and reader, or fakes (``fake=True``, for contract tests).

    ``screen`` (detector candidates of stills: ``read``, ``eval --scenes``): every candidate is read
    quickly first and only plate-like ones in full (:mod:`recognition.pipeline_screen`); False gives the
    full reader alone (crops known to be plates: ``eval --crops``, ``--true-box``).

    Raises:
        ModelUnavailable: If a model package is missing or a model file cannot be loaded.

    """
    if fake:
        return FakeDetector(_centre_box), FakeReader("TEST123", confidence=0.9, state="CA")
    try:
        from recognition.detect import BuiltinDetectorConfig, create_detector

        # Stills (read, eval): large frames are not shrunk below STILL_MIN_SCALE (notes/detector.md).
        detector = create_detector(BuiltinDetectorConfig(min_scale=STILL_MIN_SCALE))
        return detector, load_reader(screen=screen)
    except Exception as exc:  # ImportError, ModelLoadError, OpenVINO errors
        raise ModelUnavailable(f"cannot load recognition models: {exc}") from exc


def load_reader(config: object | None = None, screen: bool = True) -> PlateReader:
    """The shipped reader of stills (``config``: a ``ReaderConfig``), screened by a quick reader sharing its models.

    Votes only near the best candidate (:data:`STILL_VOTE_WITHIN`), and (``screen`` without ``config``) reads the
    voted views with PP-OCRv6 alone (:data:`STILL_VOTE_FUSE`). See :func:`recognition.pipeline_screen.screened_reader` (the live runtime builds the same reader).
    """
    from recognition.pipeline_screen import ScreenRules, screened_reader
    from recognition.read import ReaderConfig

    if config is None and screen:
        config = ReaderConfig(vote_fuse=STILL_VOTE_FUSE)
    rules = ScreenRules(vote_within=STILL_VOTE_WITHIN, fragment_aspect=STILL_FRAGMENT_ASPECT)
    return screened_reader(config, screen, rules)


def load_colour() -> object | None:
    """Return the HSV colour estimator when it is available."""
    try:
        from recognition.colour import HsvColourEstimator  # type: ignore[import-not-found]
    except ImportError:
        return None
    return HsvColourEstimator()


def _centre_box(image: np.ndarray) -> list[PlateDetection]:
    h, w = image.shape[:2]
    return [PlateDetection(BBox(w // 3, h // 3, max(1, w // 3), max(1, h // 6)), 0.9)]
