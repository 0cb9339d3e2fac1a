"""Score a plate reader on a folder of labelled plate crops (``labels.csv``: file,state,plate)."""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2

from recognition.evaluate.scoring import edit_distance, fold_lookalikes, normalise_plate, percentile
from recognition.protocols import PlateReader
from recognition.types import PlateText

logger = logging.getLogger(__name__)


class LabelsError(ValueError):
    """The folder has no usable ``labels.csv``."""


@dataclass(frozen=True, slots=True)
class CropResult:
    """Outcome for one labelled crop (passed to the optional ``on_item`` callback)."""

    file: str
    truth: str
    truth_state: str
    reading: PlateText | None
    ms: float


def load_labels(folder: Path) -> list[tuple[str, str, str]]:
    """``(file, state, plate)`` rows of ``folder/labels.csv``.

    Raises:
        LabelsError: If the file is missing or lacks the columns.

    """
    path = folder / "labels.csv"
    if not path.is_file():
        raise LabelsError(f"no labels.csv in {folder}")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"file", "plate"} <= set(reader.fieldnames):
            raise LabelsError(f"{path}: expected columns file,state,plate")
        return [(r["file"], (r.get("state") or "").strip().upper(), r["plate"]) for r in reader]


def evaluate_crops(
    reader: PlateReader,
    folder: Path,
    limit: int | None = None,
    on_item: Callable[[CropResult], None] | None = None,
) -> dict:
    """Read every labelled crop and score the readings.

    Args:
        reader: The reader under test.
        folder: Folder with ``labels.csv`` and the crops it names.
        limit: Score only the first ``limit`` rows.
        on_item: Called with each :class:`CropResult` (for reports of the failures).

    Returns:
        ``n``, ``exact_pct``, ``edit1_pct``, ``folded_pct``, ``state_pct`` (over rows with a
        state label), ``ms_mean``, ``ms_p95`` and ``det_recall_pct`` (None: crops need no detection).

    """
    rows = load_labels(folder)[: limit if limit is not None else None]
    tally = ReadingTally()
    for file, state, plate in rows:
        image = cv2.imread(str(folder / file), cv2.IMREAD_COLOR)
        if image is None:
            logger.warning("unreadable image %s", file)
            continue
        t0 = time.perf_counter()
        reading = reader.read(image)
        result = CropResult(file, normalise_plate(plate), state, reading, (time.perf_counter() - t0) * 1000.0)
        tally.add(result)
        if on_item is not None:
            on_item(result)
    return tally.summary()


@dataclass(slots=True)
class ReadingTally:
    """Running scores of readings against their labels (crops, and scenes read at their true box)."""

    n: int = 0
    exact: int = 0
    edit1: int = 0
    folded: int = 0
    state_n: int = 0
    state_ok: int = 0
    times: list[float] = field(default_factory=list)

    def add(self, result: CropResult) -> None:
        """Count one reading (``result.truth`` already normalised)."""
        reading, truth, state = result.reading, result.truth, result.truth_state
        text = normalise_plate(reading.text if reading else "")
        self.times.append(result.ms)
        self.n += 1
        self.exact += text == truth
        self.folded += fold_lookalikes(text) == fold_lookalikes(truth)
        self.edit1 += edit_distance(text, truth) <= 1
        if state:
            self.state_n += 1
            self.state_ok += bool(reading and reading.state and reading.state.upper() == state)

    def summary(self) -> dict:
        """The keys :func:`evaluate_crops` returns (``det_recall_pct`` None: no detection ran)."""

        def pct(k: int, d: int) -> float | None:
            return round(100.0 * k / d, 2) if d else None

        times = self.times
        return {
            "n": self.n,
            "exact_pct": pct(self.exact, self.n),
            "edit1_pct": pct(self.edit1, self.n),
            "folded_pct": pct(self.folded, self.n),
            "det_recall_pct": None,
            "state_pct": pct(self.state_ok, self.state_n),
            "ms_mean": round(sum(times) / len(times), 2) if times else None,
            "ms_p95": round(percentile(times, 95), 2) if times else None,
        }
