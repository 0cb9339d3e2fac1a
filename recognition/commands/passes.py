"""``python -m recognition passes SOURCE``: one JSON line per vehicle pass, then a summary line.

SOURCE is a video file, an RTSP/HTTP URL, a USB camera index or a folder of images. Each pass is
printed when the tracker closes it::

    {"text", "confidence", "state", "first_frame", "last_frame", "best_frame", "box": [x, y, w, h],
     "alternatives": [{"text", "confidence"}, ...]}

with 0-based frame numbers in source order, then ``{"passes": N, "frames": F, "fps": ...}``. Files
and folders are processed frame by frame with no drops (time in the tracker is the file's own time,
frame number / frame rate) unless ``--realtime`` is given; live sources always drop the oldest frame
when recognition falls behind. A truncated or corrupt video ends with ``{"error": ...}`` as the last
line and exit code 1, after the passes read before the damage.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from recognition.config import CaptureConfig
from recognition.pipeline import Pipeline
from recognition.sources import CaptureSource, FolderSource, OpenCvSource
from recognition.types import Frame, PlateRead

CAMERA_ID = "passes"
#: Frame rate assumed for image folders and for files that do not announce one.
DEFAULT_FPS = 10.0


class PassesError(Exception):
    """The source cannot be used or ended abnormally (message is the error line)."""


@dataclass(frozen=True, slots=True)
class Opened:
    """A started source and how to number and time its frames."""

    source: CaptureSource
    recorded: bool  # a file or folder: frames are numbered and timed by position
    fps: float


def open_source(spec: str, *, realtime: bool = False, fps: float | None = None) -> Opened:
    """Create and start the source ``spec`` names (file, folder, URL or USB index).

    Raises:
        PassesError: If a file or folder does not exist.

    """
    capture = CaptureConfig(queue_size=8)
    if spec.isdigit():
        return Opened(_started(OpenCvSource(CAMERA_ID, int(spec), capture)), False, fps or 0.0)
    if "://" in spec:
        return Opened(_started(OpenCvSource(CAMERA_ID, spec, capture)), False, fps or 0.0)
    if os.path.isdir(spec):
        rate = fps or DEFAULT_FPS
        folder = FolderSource(CAMERA_ID, spec, capture, fps=rate if realtime else None, loop=False)
        return Opened(_started(folder), True, rate)
    if os.path.isfile(spec):
        source = OpenCvSource(CAMERA_ID, spec, capture, is_file=True, realtime=realtime, pace_fps=fps)
        return Opened(_started(source), True, fps or 0.0)
    raise PassesError(f"no such file or folder: {spec}")


def _started(source: CaptureSource) -> CaptureSource:
    source.start()
    return source


def frames(opened: Opened, *, connect_timeout_s: float = 15.0) -> Iterator[tuple[int, Frame]]:
    """Yield ``(frame number, frame)`` until the source ends; frames of recorded sources carry file time.

    Raises:
        PassesError: If the source failed (corrupt or truncated file) or never delivered a frame.

    """
    source = opened.source
    started = time.monotonic()
    seen_any = False
    while True:
        frame = source.get(0.2)
        if frame is None:
            if not source.running:
                break
            if not seen_any and time.monotonic() - started > connect_timeout_s:
                raise PassesError(f"no frame within {connect_timeout_s:g} s: {source.health().last_error or 'no signal'}")
            continue
        seen_any = True
        number = frame.seq - 1
        if opened.recorded:
            rate = opened.fps or _file_fps(source) or DEFAULT_FPS
            frame = Frame(frame.camera_id, frame.seq, number / rate, frame.image)
        yield number, frame
    if source.failure:
        raise PassesError(source.failure)
    if not seen_any:
        raise PassesError(source.health().last_error or "the source delivered no frame")


def _file_fps(source: CaptureSource) -> float:
    rate = getattr(source, "fps", 0.0)
    return float(rate) if rate and 0 < rate < 1000 else 0.0


class FrameClock:
    """Frame numbers of recent frame timestamps (the tracker reports times, the output frame numbers)."""

    def __init__(self, keep: int = 100_000) -> None:
        """Remember up to ``keep`` frames."""
        self._keep = keep
        self._numbers: OrderedDict[float, int] = OrderedDict()

    def add(self, ts: float, number: int) -> None:
        """Record that the frame stamped ``ts`` is frame ``number``."""
        self._numbers[ts] = number
        if len(self._numbers) > self._keep:
            self._numbers.popitem(last=False)

    def number(self, ts: float) -> int:
        """Frame number of ``ts`` (-1 when forgotten)."""
        return self._numbers.get(ts, -1)


def pass_record(read: PlateRead, clock: FrameClock) -> dict[str, object]:
    """The JSON object printed for one pass."""
    return {
        "text": read.text,
        "confidence": round(read.confidence, 4),
        "state": read.state,
        "first_frame": clock.number(read.first_seen),
        "last_frame": clock.number(read.last_seen),
        "best_frame": clock.number(read.best_ts),
        "box": read.box.as_list(),
        "alternatives": [{"text": a.text, "confidence": round(a.confidence, 4)} for a in read.alternatives],
    }


def run(pipeline: Pipeline, opened: Opened, out: TextIO) -> dict[str, object]:
    """Process every frame, print each pass as it closes; return the summary (raises PassesError)."""
    clock = FrameClock()
    count = frames_done = 0
    t0 = time.perf_counter()

    def emit(reads: tuple[PlateRead, ...] | list[PlateRead]) -> None:
        nonlocal count
        for read in reads:
            if read.preview:
                continue
            out.write(json.dumps(pass_record(read, clock)) + "\n")
            out.flush()
            count += 1

    interrupted = False
    try:
        for number, frame in frames(opened):
            clock.add(frame.ts, number)
            emit(pipeline.tracker(frame.camera_id).expire(frame.ts))  # passes over by time: out before this frame's work
            emit(pipeline.process(frame).reads)
            frames_done += 1
    except KeyboardInterrupt:  # the normal end of a live source
        interrupted = True
    finally:
        opened.source.stop()
        emit(pipeline.flush(CAMERA_ID))
    elapsed = max(time.perf_counter() - t0, 1e-9)
    summary: dict[str, object] = {"passes": count, "frames": frames_done, "fps": round(frames_done / elapsed, 2),
                                  "dropped": opened.source.health().dropped}
    if interrupted:
        summary["interrupted"] = True
    return summary


def main(source: str, realtime: bool, fps: float | None, fake: bool) -> int:
    """Entry point of the ``passes`` subcommand."""
    from recognition.commands.models import ModelUnavailable, load_colour, load_models

    try:
        detector, reader = load_models(fake)
    except ModelUnavailable as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    try:
        opened = open_source(source, realtime=realtime, fps=fps)
    except PassesError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 2
    # video as in the console's runtime: no end re-read (runtime.factories.model_pipeline)
    pipeline = Pipeline(detector, reader, load_colour(), end_reread=None)  # type: ignore[arg-type]
    try:
        summary = run(pipeline, opened, sys.stdout)
    except PassesError as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 1
    print(json.dumps(summary), flush=True)
    return 0
