"""Picklable pipeline factories (top-level functions) for the runtime and its child process."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from recognition.config import TrackerConfig
from recognition.fakes import OracleModels
from recognition.pipeline import Pipeline
from recognition.pipeline_reuse import ReadReuse
from recognition.protocols import FrameSource
from recognition.synth.scene import GroundTruthPlate

VIDEO_INPUT_SIZE = 640  # coarse detector pass on video frames (frame rate for several cameras)


def model_pipeline(
    sources: Mapping[str, FrameSource] | None = None, tracker: TrackerConfig | None = None
) -> Pipeline:
    """Pipeline on the shipped OpenVINO detector and reader (plus colour when available).

    Imports the model packages lazily so that importing the runtime stays cheap.
    """
    from recognition.detect import create_detector
    from recognition.pipeline_screen import screened_reader

    colour = None
    try:
        from recognition.colour import HsvColourEstimator

        colour = HsvColourEstimator()
    except ImportError:  # colour estimation is optional
        colour = None
    from recognition.read import ReaderConfig

    # per frame without the state lines (the costliest step); the pipeline reads the state once per
    # vehicle on its best crop (PlateTracker, state_reader). Candidates are read quickly first and in
    # full only when the quick reading could be a plate (vehicle lettering, signs, badges keep their
    # quick reading; recognition/pipeline_screen.py, notes/detector.md).
    reader = screened_reader(ReaderConfig(read_state=False))
    # Video: coarse pass at 640 plus zoomed windows (stills default to 960 + windows): a plate too
    # small for this frame is usually found a few frames later as it approaches (notes/detector.md).
    from recognition.detect import BuiltinDetectorConfig
    from recognition.detect.video import VideoPlateDetector

    # Motion-gated: the full pass on every 2nd frame and where something new moves, zoomed windows
    # on the plates of the last frame otherwise, nothing on still empty frames (notes/detector.md).
    detector = VideoPlateDetector(create_detector(BuiltinDetectorConfig(input_size=VIDEO_INPUT_SIZE)))
    # A plate whose readings have settled is not read again every frame (only when it has grown or
    # every few frames): reading cost as much as detecting (notes/speed.md).
    return Pipeline(detector, reader, colour, tracker_config=tracker, reuse=ReadReuse())


def oracle_pipeline(
    sources: Mapping[str, FrameSource],
    tracker: TrackerConfig | None = None,
    noise: float = 0.08,
    detect_ms: float = 0.0,
    read_ms: float = 0.0,
) -> Pipeline:
    """Pipeline whose 'models' know the ground truth of the demo sources (tests, benchmarks)."""
    demo = [s for s in sources.values() if hasattr(s, "truth_for")]

    def truth(image: np.ndarray) -> tuple[GroundTruthPlate, ...]:
        for source in demo:
            plates = source.truth_for(image)  # type: ignore[attr-defined]
            if plates:
                return plates
        return ()

    models = OracleModels(truth, noise=noise, detect_ms=detect_ms, read_ms=read_ms)
    return Pipeline(models, models, tracker_config=tracker)
