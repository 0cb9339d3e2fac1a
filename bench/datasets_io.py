"""Loaders for the evaluation datasets the bench scene and clip builders share (EVALUATION ONLY).

Two kinds of labelled material are read:

- street scenes (``eu/``, ``br/``): ``<name>.jpg`` beside ``<name>.txt`` whose first line is
  ``file x y w h plate`` (tab- or space-separated; coordinates may be written as floats);
- US plate crops (``us_plates/``): ``labels.csv`` with the columns ``file,state,plate``.

A scene without its image, with a short label or with a box too small to hold a plate is skipped;
so is a crop whose file is missing or whose plate has no letter or digit. The order is the sorted
file order (scenes) and the CSV order (crops), so a builder's seed picks the same items every run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2

from recognition.evaluate.scoring import normalise_plate

#: A scene's plate box must be wider and taller than this to be used (smaller is a labelling slip).
MIN_BOX = (8, 4)


@dataclass(frozen=True, slots=True)
class LabelledScene:
    """A real street scene and its (first) labelled plate box ``(x, y, w, h)``."""

    image: Path
    box: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class PlateCrop:
    """A real plate crop, its state (upper case) and its plate text (letters and digits only)."""

    image: Path
    state: str
    text: str


def scene_box(label: Path) -> tuple[int, int, int, int] | None:
    """The plate box on the first line of a scene label, or None when the line is short or not numeric."""
    lines = label.read_text(encoding="utf-8").splitlines()
    parts = lines[0].split() if lines else []
    if len(parts) < 5:
        return None
    try:
        x, y, w, h = (int(float(v)) for v in parts[1:5])
    except ValueError:
        return None
    return x, y, w, h


def load_scenes(folders: Iterable[Path | str]) -> list[LabelledScene]:
    """Every labelled scene of ``folders`` (missing folders are skipped), in sorted file order."""
    scenes = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            continue
        for label in sorted(folder.glob("*.txt")):
            image = label.with_suffix(".jpg")
            box = scene_box(label) if image.is_file() else None
            if box is not None and box[2] > MIN_BOX[0] and box[3] > MIN_BOX[1]:
                scenes.append(LabelledScene(image, box))
    return scenes


def load_plate_crops(folder: Path | str, min_width: int = 0) -> list[PlateCrop]:
    """The crops listed in ``folder/labels.csv``, in file order.

    Args:
        folder: the folder holding ``labels.csv`` and the crop images.
        min_width: skip crops narrower than this many pixels (0: no check, the images are not opened).

    """
    root = Path(folder)
    crops = []
    with (root / "labels.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            path = root / row["file"]
            text = normalise_plate(row["plate"])  # as NCIC writes it: A-Z and 0-9 only
            if not text or not path.is_file():
                continue
            if min_width and not _at_least(path, min_width):
                continue
            crops.append(PlateCrop(path, row["state"].upper(), text))
    return crops


def _at_least(path: Path, width: int) -> bool:
    small = cv2.imread(str(path), cv2.IMREAD_REDUCED_GRAYSCALE_2)  # half size: enough to measure, cheaper
    return small is not None and small.shape[1] * 2 >= width
