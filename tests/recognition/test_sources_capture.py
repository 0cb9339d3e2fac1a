"""Capture thread behaviour: drop-oldest, corrupt frames, reconnect with backoff, health."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from recognition.config import CaptureConfig
from recognition.sources.base import CaptureSource, CorruptFrame, EndOfStream, SourceError, as_bgr
from tests.recognition._sources import drain, wait_for

FAST = CaptureConfig(queue_size=2, backoff_initial_s=0.02, backoff_max_s=0.1, offline_after=2)
IMAGE = np.full((48, 64, 3), 128, np.uint8)


class ScriptedSource(CaptureSource):
    """Plays a script of steps: an image, 'corrupt', 'drop' (connection lost), 'end', 'fail-open'."""

    def __init__(self, steps, capture=FAST, backpressure=False):
        super().__init__("scripted", capture)
        self.steps = list(steps)
        self.opens = 0
        self.backpressure = backpressure
        self.fail_opens = 0
        self.gate = threading.Event()
        self.gate.set()

    def _open(self):
        self.opens += 1
        if self.fail_opens > 0:
            self.fail_opens -= 1
            raise SourceError("camera unreachable")

    def _read(self):
        self.gate.wait(5)
        if not self.steps:
            raise EndOfStream()
        step = self.steps.pop(0)
        if isinstance(step, np.ndarray):
            return step
        if step == "corrupt":
            raise CorruptFrame("bad jpeg")
        if step == "zero":
            return np.zeros((0, 0, 3), np.uint8)
        if step == "drop":
            raise SourceError("connection reset")
        raise EndOfStream()


def test_corrupt_and_zero_size_frames_are_counted_not_fatal():
    source = ScriptedSource([IMAGE, "corrupt", "zero", IMAGE, "corrupt", IMAGE], backpressure=True)
    source.start()
    frames = drain(source, 3.0)
    source.stop()
    health = source.health()
    assert len(frames) == 3
    assert health.corrupt == 3 and health.dropped == 3
    assert health.reconnects == 0
    assert "corrupt" in (health.last_error or "")


def test_connection_drop_reconnects_and_reports_reconnecting():
    source = ScriptedSource([IMAGE, "drop", IMAGE])
    source.gate.clear()
    source.start()
    source.gate.set()
    # Then the source reopens after the drop and keeps delivering frames
    assert wait_for(lambda: source.opens == 2)
    frames = drain(source, 3.0)
    source.stop()
    assert len(frames) >= 1
    assert source.health().reconnects == 1


def test_state_is_reconnecting_while_waiting_after_a_drop():
    cfg = CaptureConfig(queue_size=2, backoff_initial_s=2.0, backoff_max_s=2.0)
    source = ScriptedSource(["drop"], capture=cfg)
    source.start()
    assert wait_for(lambda: source.health().state == "reconnecting")
    source.stop()
    assert source.health().state == "stopped"


def test_unreachable_camera_goes_offline_with_backoff_then_recovers():
    source = ScriptedSource([IMAGE] * 3, backpressure=True)
    source.fail_opens = 3
    source.start()
    assert wait_for(lambda: source.health().state == "offline")
    assert wait_for(lambda: source.opens == 4)
    frames = drain(source, 3.0)
    source.stop()
    assert len(frames) == 3
    assert source.health().last_error == "camera unreachable"


def test_slow_consumer_drops_oldest_and_counts():
    source = ScriptedSource([IMAGE] * 30)
    source.start()
    assert wait_for(lambda: not source.running)
    # Given the consumer took nothing while 30 frames were captured
    newest = source.get(0.1)
    source.stop()
    health = source.health()
    assert newest is not None and newest.seq == 30
    assert health.dropped == 29


def test_backpressure_sources_lose_nothing():
    source = ScriptedSource([IMAGE] * 30, backpressure=True)
    source.start()
    frames = drain(source, 3.0)
    source.stop()
    assert [f.seq for f in frames] == list(range(1, 31))
    assert source.health().dropped == 0


def test_stop_is_idempotent_and_fast():
    source = ScriptedSource([IMAGE] * 1000)
    source.gate.clear()
    source.start()
    t0 = time.monotonic()
    source.gate.set()
    source.stop()
    source.stop()
    assert time.monotonic() - t0 < 2
    assert not source.running


@pytest.mark.parametrize(
    ("image", "shape"),
    [(np.zeros((4, 5), np.uint8), (4, 5, 3)), (np.zeros((4, 5, 4), np.uint8), (4, 5, 3))],
)
def test_grey_and_bgra_frames_become_bgr(image, shape):
    assert as_bgr(image).shape == shape


@pytest.mark.parametrize("bad", [None, np.zeros((0, 0, 3), np.uint8), np.zeros((4, 4, 3), np.float32),
                                 np.zeros((4, 4, 2), np.uint8)])
def test_unusable_frames_raise_corrupt(bad):
    with pytest.raises(CorruptFrame):
        as_bgr(bad)
