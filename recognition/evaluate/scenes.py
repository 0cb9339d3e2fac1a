"""Score a detector (and optionally a reader) on a folder of labelled street scenes.

Folder format (see the datasets README): ``<name>.jpg`` plus ``<name>.txt`` holding
``file<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE[<TAB>STATE]`` lines, one per plate. Per image we time the whole
detect + crop + read path, count a plate as found when a detection overlaps it with IoU >= 0.3,
and compare the most confident reading with the label.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import cv2
import numpy as np

from recognition.evaluate.scoring import edit_distance, fold_lookalikes, normalise_plate, percentile
from recognition.pipeline import Pipeline
from recognition.protocols import PlateDetector, PlateReader
from recognition.ranking import rank_readings
from recognition.types import BBox, PlateText

logger = logging.getLogger(__name__)

IOU_FOUND = 0.3
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


@dataclass(frozen=True, slots=True)
class LabelledPlate:
    """One ground-truth plate of a scene."""

    box: BBox
    text: str
    state: str = ""  # the optional 7th column, upper case ("" where absent)


def load_labels(path: Path) -> list[LabelledPlate]:
    """Plates listed in a ``<name>.txt`` label file (malformed lines are skipped)."""
    plates: list[LabelledPlate] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 6:
            continue
        try:
            x, y, w, h = (round(float(v)) for v in parts[1:5])
        except ValueError:
            continue
        state = parts[6].strip().upper() if len(parts) > 6 else ""
        plates.append(LabelledPlate(BBox(x, y, w, h), normalise_plate(parts[5]), state))
    return plates


def labelled_images(folder: Path) -> list[tuple[Path, list[LabelledPlate]]]:
    """Image files of ``folder`` that have a label file, in name order."""
    pairs = []
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        label = image.with_suffix(".txt")
        if label.is_file():
            plates = load_labels(label)
            if plates:
                pairs.append((image, plates))
    return pairs


def readable_scenes(
    folder: Path, limit: int | None = None
) -> Iterator[tuple[Path, np.ndarray, list[LabelledPlate]]]:
    """``(path, image, plates)`` of the first ``limit`` labelled images of ``folder`` (unreadable ones skipped).

    Raises:
        FileNotFoundError: If ``folder`` does not exist.

    """
    if not folder.is_dir():
        raise FileNotFoundError(f"scene folder not found: {folder}")
    pairs = labelled_images(folder)
    for path, labels in pairs[:limit] if limit else pairs:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            logger.warning("unreadable image skipped: %s", path.name)
            continue
        yield path, image, labels


def best_reading(
    readings: list[PlateText | None], boxes: list[BBox] | None = None, *, by_likeness: bool = True
) -> str:
    """Normalised text the product would report first for an image ("" when nothing was read).

    Readings are in detection order (best detection first), which breaks ties. ``by_likeness``
    ranks as ``read`` does (:func:`recognition.ranking.rank_readings`: text syntax, box shape when
    ``boxes`` are given, confidence); False ranks by reader confidence alone.
    """
    if by_likeness:
        ranked = rank_readings(readings, boxes if boxes is not None else [None] * len(readings))
        return normalise_plate(readings[ranked[0][0]].text) if ranked else ""  # type: ignore[union-attr]
    best, best_key = "", None
    for rank, reading in enumerate(readings):
        text = normalise_plate(reading.text) if reading is not None else ""
        if text and (best_key is None or (reading.confidence, -rank) > best_key):  # type: ignore[union-attr]
            best, best_key = text, (reading.confidence, -rank)  # type: ignore[union-attr]
    return best


def _pct(count: int, total: int) -> float:
    return round(100.0 * count / total, 2) if total else 0.0


def evaluate_scenes(
    detector: PlateDetector,
    reader: PlateReader | None,
    folder: Path,
    limit: int | None = None,
    by_likeness: bool = True,
) -> dict[str, float | int | None]:
    """Score detection (and reading, when a reader is given) on a labelled scene folder.

    Args:
        detector: The plate detector under test.
        reader: Reads the detected crops; None to measure detection only.
        folder: Folder of images with ``<name>.txt`` labels.
        limit: Score only the first ``limit`` images (name order).
        by_likeness: Rank readings as ``read`` does (plate-likeness, :mod:`recognition.ranking`);
            False ranks by reader confidence alone.

    Returns:
        ``n`` (images), ``exact_pct``, ``edit1_pct``, ``folded_pct`` (the first reading by
        :func:`best_reading` against the first label of the image; 0 without a reader), ``det_recall_pct`` (labelled
        plates overlapped by a detection with IoU >= 0.3), ``state_pct`` (None: scenes carry no
        state), ``ms_mean`` and ``ms_p95`` (detect + crop + read per image).

    Raises:
        FileNotFoundError: If ``folder`` does not exist.

    """
    exact = edit1 = folded = found = plates_total = 0
    times: list[float] = []
    # With a reader, images go through the pipeline ``read`` uses (same crops, same plate limit).
    pipeline = Pipeline(detector, reader) if reader is not None else None
    for _, image, labels in readable_scenes(folder, limit):
        start = perf_counter()
        readings: list[PlateText | None] = []
        if pipeline is not None:
            observations = pipeline.observe(image).observations
            detections = [o.detection for o in observations]
            readings = [o.reading for o in observations]
        else:
            detections = detector.detect(image)
        times.append((perf_counter() - start) * 1000)
        plates_total += len(labels)
        found += sum(any(d.box.iou(lab.box) >= IOU_FOUND for d in detections) for lab in labels)
        if reader is not None:
            truth, guess = labels[0].text, best_reading(readings, [d.box for d in detections], by_likeness=by_likeness)
            exact += guess == truth
            edit1 += edit_distance(guess, truth) <= 1
            folded += fold_lookalikes(guess) == fold_lookalikes(truth)
    n = len(times)
    return {
        "n": n,
        "exact_pct": _pct(exact, n),
        "edit1_pct": _pct(edit1, n),
        "folded_pct": _pct(folded, n),
        "det_recall_pct": _pct(found, plates_total),
        "state_pct": None,
        "ms_mean": round(float(np.mean(times)), 2) if times else 0.0,
        "ms_p95": round(percentile(times, 95), 2) if times else 0.0,
    }
