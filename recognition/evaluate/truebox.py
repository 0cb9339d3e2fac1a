"""Score a plate reader on labelled scenes given the TRUE plate box (the reader alone, no detector).

Each labelled plate is cut at its box grown by the pipeline's crop margin (5 %) and read. This is
the "reader given the true box" figure: it separates reading errors from detection misses. A 7th
label column (the state, as ``bench/make_us_scenes.py`` writes it) is scored too when present.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from recognition.evaluate.crops import CropResult, ReadingTally
from recognition.evaluate.scenes import readable_scenes
from recognition.protocols import PlateReader
from recognition.track.images import crop_box

#: The pipeline's default margin around a detection before reading.
CROP_PAD = 0.05


def evaluate_true_boxes(
    reader: PlateReader,
    folder: Path,
    limit: int | None = None,
    pad: float = CROP_PAD,
    on_item: Callable[[CropResult], None] | None = None,
) -> dict:
    """Read every labelled plate of a scene folder at its true box and score the readings.

    Returns the same keys as :func:`recognition.evaluate.crops.evaluate_crops` (``det_recall_pct``
    None: no detection happens).

    Raises:
        FileNotFoundError: If ``folder`` does not exist.

    """
    tally = ReadingTally()
    for path, image, labels in readable_scenes(folder, limit):
        for k, label in enumerate(labels):
            crop = crop_box(image, label.box, pad)
            t0 = time.perf_counter()
            reading = reader.read(crop)
            result = CropResult(f"{path.name}#{k}", label.text, label.state, reading, (time.perf_counter() - t0) * 1000.0)
            tally.add(result)
            if on_item is not None:
                on_item(result)
    return tally.summary()
