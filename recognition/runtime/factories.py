"""Picklable pipeline factories (top-level functions) for the runtime and its child process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from recognition.config import TrackerConfig
from recognition.fakes import OracleModels
from recognition.pipeline import Pipeline
from recognition.pipeline_reuse import ReadReuse
from recognition.protocols import FrameSource
from recognition.synth.scene import GroundTruthPlate

VIDEO_INPUT_SIZE = 640  # coarse detector pass on video frames (frame rate for several cameras)
VIDEO_HINT = "THROUGHPUT"  # one CPU stream per core: the inference workers run side by side (RuntimeConfig.workers)


_SHARED: dict[str, Any] = {}
_SHARED_LOCK = threading.Lock()


def video_models() -> tuple[Any, Any]:
    """The runtime's detector and reader, compiled once per process and shared by its inference workers.

    Compiled with the THROUGHPUT hint: OpenVINO gives each CPU core a stream of its own, so the
    workers' inferences run side by side instead of queueing on one stream (a LATENCY model runs one
    request at a time), and one inference no longer spreads over both cores of a 2-core workstation,
    whose synchronisation cost CPU (notes/speed.md, session 22). Both are thread-safe: the detector
    keeps an infer request per thread, the reader creates one per call.
    """
    with _SHARED_LOCK:
        if not _SHARED:
            from recognition.detect import BuiltinDetectorConfig, create_detector
            from recognition.pipeline_screen import screened_reader
            from recognition.read import ReaderConfig

            # Video: coarse pass at 640 plus zoomed windows (stills default to 960 + windows): a plate
            # too small for this frame is usually found a few frames later as it approaches.
            # Static-shape copies (20-30 % less CPU per detector inference) compiled on a separate thread: compiled
            # inline, one stalled the frame that made it due by ~0.25 s, which a live read waited for (one bench
            # pair, notes/speed.md session 26: fps 15.3 -> 18.1, CPU per frame 63.5 -> 53.2, frame_to_read_p95
            # 448 -> 622 ms).
            _SHARED["detector"] = create_detector(
                BuiltinDetectorConfig(input_size=VIDEO_INPUT_SIZE, hint=VIDEO_HINT, static_in_background=True)
            )
            # per frame without the state lines (the costliest step); the pipeline reads the state once
            # per vehicle on its best crop (PlateTracker, state_reader). Candidates are read quickly
            # first and in full only when the quick reading could be a plate (vehicle lettering, signs,
            # badges keep their quick reading; recognition/pipeline_screen.py, notes/detector.md).
            _SHARED["reader"] = screened_reader(ReaderConfig(read_state=False, hint=VIDEO_HINT))
        return _SHARED["detector"], _SHARED["reader"]


def model_pipeline(
    sources: Mapping[str, FrameSource] | None = None, tracker: TrackerConfig | None = None
) -> Pipeline:
    """Pipeline on the shipped OpenVINO detector and reader (plus colour when available).

    Imports the model packages lazily so that importing the runtime stays cheap. Each call (one per
    inference worker) gets its own per-stream state around the process's shared models
    (:func:`video_models`).
    """
    from recognition.detect.video import VideoPlateDetector

    colour = None
    try:
        from recognition.colour import HsvColourEstimator

        colour = HsvColourEstimator()
    except ImportError:  # colour estimation is optional
        colour = None
    detector, reader = video_models()
    # Motion-gated: the full pass on every 2nd frame and where something new moves, zoomed windows
    # on the plates of the last frame otherwise, nothing on still empty frames (notes/detector.md).
    video = VideoPlateDetector(detector)
    # A plate whose readings have settled is not read again every frame (only when it has grown or
    # every few frames): reading cost as much as detecting (notes/speed.md).
    # No end re-read on video: the vote across a pass's frames settles its row ends, and the re-read
    # changed no pass on the clips while costing ~15 % CPU a frame (notes/reader.md session 30).
    return Pipeline(video, reader, colour, tracker_config=tracker, reuse=ReadReuse(), end_reread=None)


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
