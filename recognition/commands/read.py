"""``python -m recognition read IMAGE... [--stdin]``: plates in still images, one JSON line each.

Output per image: ``{"image": PATH, "plates": [{"text", "confidence", "likeness", "box": [x, y, w, h],
"state"}], "ms": 41.2}`` with the most plate-like reading first (``likeness``,
:mod:`recognition.ranking`: confidence weighed by text syntax and box shape, so a confident street
name or badge does not come before the plate), or ``{"image": PATH, "error": ...}`` when the
image cannot be read.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable
from typing import TextIO

import cv2

from recognition.pipeline import Pipeline
from recognition.ranking import rank_readings
from recognition.types import PlateObservation


def read_one(pipeline: Pipeline, path: str) -> dict[str, object]:
    """Answer for one image path (never raises for bad images)."""
    t0 = time.perf_counter()
    try:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
    except (cv2.error, OSError) as exc:  # pragma: no cover - imread reports failure as None
        return {"image": path, "error": f"cannot read image: {exc}"}
    if image is None or image.size == 0:
        return {"image": path, "error": "cannot read image (missing, empty or not a supported format)"}
    try:
        observed = pipeline.observe(image)
    except Exception as exc:  # a model failure on one image must not end a persistent process
        return {"image": path, "error": f"recognition failed: {exc}"}
    observations = observed.observations
    ranked = rank_readings([o.reading for o in observations], [o.detection.box for o in observations])
    plates = [_plate(observations[i], likeness) for i, likeness in ranked]
    return {"image": path, "plates": plates, "ms": round((time.perf_counter() - t0) * 1000.0, 1)}


def _plate(observation: PlateObservation, likeness: float) -> dict[str, object]:
    """One plate of an answer (``observation`` has a reading with text: :func:`rank_readings` keeps only those)."""
    reading = observation.reading
    assert reading is not None
    return {
        "text": reading.text,
        "confidence": round(reading.confidence, 4),
        "likeness": round(likeness, 4),
        "box": observation.detection.box.as_list(),
        "state": reading.state,
    }


def run(pipeline: Pipeline, paths: Iterable[str], out: TextIO) -> int:
    """Print one JSON line per path; returns the number of images that failed."""
    failures = 0
    for raw in paths:
        path = raw.strip()
        if not path:
            continue
        answer = read_one(pipeline, path)
        failures += "error" in answer
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return failures


def main(images: list[str], use_stdin: bool, fake: bool) -> int:
    """Entry point of the ``read`` subcommand."""
    from recognition.commands.models import ModelUnavailable, load_models

    try:
        detector, reader = load_models(fake, screen=True)
    except ModelUnavailable as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    pipeline = Pipeline(detector, reader)
    run(pipeline, images, sys.stdout)
    if use_stdin:
        run(pipeline, sys.stdin, sys.stdout)
    return 0
