"""Score a plate reader on labelled scenes given the TRUE plate box (the reader alone, no detector).

Each labelled plate is cut at its box grown by the pipeline's crop margin (5 %) and read. This is
the "reader given the true box" figure: it separates reading errors from detection misses. A 7th
label column (the state, as ``bench/make_us_scenes.py`` writes it) is scored too when present.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from recognition.evaluate.crops import CropResult
from recognition.evaluate.scenes import labelled_images
from recognition.evaluate.scoring import edit_distance, fold_lookalikes, normalise_plate, percentile
from recognition.protocols import PlateReader
from recognition.track.images import crop_box
from recognition.types import BBox

logger = logging.getLogger(__name__)

#: The pipeline's default margin around a detection before reading.
CROP_PAD = 0.05


def _states(label_file: Path) -> list[str]:
    """The optional 7th column (state) of each label line, "" where absent."""
    out = []
    for line in label_file.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 6:
            out.append(parts[6].strip().upper() if len(parts) >= 7 else "")
    return out


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
    if not folder.is_dir():
        raise FileNotFoundError(f"scene folder not found: {folder}")
    pairs = labelled_images(folder)
    pairs = pairs[:limit] if limit else pairs
    exact = edit1 = folded = state_ok = state_n = n = 0
    times: list[float] = []
    for path, labels in pairs:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            logger.warning("unreadable image skipped: %s", path.name)
            continue
        states = _states(path.with_suffix(".txt"))
        for k, label in enumerate(labels):
            box = BBox(label.box.x, label.box.y, label.box.w, label.box.h)
            crop = crop_box(image, box, pad)
            t0 = time.perf_counter()
            reading = reader.read(crop)
            ms = (time.perf_counter() - t0) * 1000.0
            times.append(ms)
            text = normalise_plate(reading.text if reading else "")
            truth = label.text
            n += 1
            exact += text == truth
            folded += fold_lookalikes(text) == fold_lookalikes(truth)
            edit1 += edit_distance(text, truth) <= 1
            state = states[k] if k < len(states) else ""
            if state:
                state_n += 1
                state_ok += bool(reading and reading.state and reading.state.upper() == state)
            if on_item is not None:
                on_item(CropResult(f"{path.name}#{k}", truth, state, reading, ms))

    def pct(k: int, d: int) -> float | None:
        return round(100.0 * k / d, 2) if d else None

    return {
        "n": n,
        "exact_pct": pct(exact, n),
        "edit1_pct": pct(edit1, n),
        "folded_pct": pct(folded, n),
        "det_recall_pct": None,
        "state_pct": pct(state_ok, state_n),
        "ms_mean": round(float(np.mean(times)), 2) if times else None,
        "ms_p95": round(percentile(times, 95), 2) if times else None,
    }
