"""Damaged video files end with an error, never with what looks like a normal end of file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from recognition.config import CaptureConfig
from recognition.sources import OpenCvSource
from tests.recognition._sources import drain, wait_for

FRAMES = 30


def write_clip(path: Path) -> Path:
    """A 30-frame MPEG-4 file of plain numbered frames (small frames: damage hits headers, not just pixels)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10, (160, 120))
    for i in range(FRAMES):
        image = np.full((120, 160, 3), 60 + 3 * i, np.uint8)
        cv2.putText(image, str(i), (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        writer.write(image)
    writer.release()
    return path


def damaged(src: Path, dst: Path, *, truncate: bool) -> Path:
    data = bytearray(src.read_bytes())
    if truncate:  # the index (moov) of a plain MP4 is at the end: the file cannot be opened at all
        data = data[: len(data) // 2]
    else:  # the frame data a third of the way in is overwritten: decoding stops there
        start = len(data) // 3
        data[start : start + 4000] = bytes(4000)
    dst.write_bytes(data)
    return dst


def play(path: Path) -> tuple[OpenCvSource, list]:
    source = OpenCvSource("v", str(path), CaptureConfig(queue_size=4), is_file=True, realtime=False)
    source.start()
    frames = drain(source, 20.0)
    assert wait_for(lambda: not source.running, 5.0)
    return source, frames


def test_intact_file_ends_normally(tmp_path):
    source, frames = play(write_clip(tmp_path / "ok.mp4"))
    assert len(frames) == FRAMES
    assert source.failure is None
    assert [f.seq for f in frames] == list(range(1, FRAMES + 1))


def test_file_corrupted_midway_reports_how_far_it_got(tmp_path):
    bad = damaged(write_clip(tmp_path / "ok.mp4"), tmp_path / "bad.mp4", truncate=False)
    source, frames = play(bad)
    assert len(frames) < FRAMES
    assert source.failure is not None
    assert f"after {len(frames)} of {FRAMES} frames" in source.failure
    assert "truncated or corrupt" in source.failure
    assert source.health().last_error == source.failure


def test_truncated_file_fails_at_once_instead_of_retrying(tmp_path):
    cut = damaged(write_clip(tmp_path / "ok.mp4"), tmp_path / "cut.mp4", truncate=True)
    source = OpenCvSource("v", str(cut), CaptureConfig(queue_size=4, backoff_initial_s=0.05), is_file=True,
                          realtime=False)
    source.start()
    assert wait_for(lambda: not source.running, 10.0), "a damaged file must not be retried forever"
    assert source.failure is not None and "cannot open video file" in source.failure
    assert source.health().reconnects == 0


def test_a_looping_file_camera_keeps_playing_but_reports_the_damage(tmp_path):
    bad = damaged(write_clip(tmp_path / "ok.mp4"), tmp_path / "bad.mp4", truncate=False)
    source = OpenCvSource("v", str(bad), CaptureConfig(queue_size=4), is_file=True, realtime=False, loop=True)
    source.start()
    frames = [source.get(5.0) for _ in range(FRAMES + 5)]
    source.stop()
    assert all(f is not None for f in frames)
    assert source.failure is None
    assert "truncated or corrupt" in (source.health().last_error or "")
