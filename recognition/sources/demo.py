"""The ``demo`` source: a synthetic road scene, so the product runs with no camera."""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict

import numpy as np

from recognition.config import CaptureConfig, DemoSourceConfig
from recognition.sources.base import CaptureSource, EndOfStream
from recognition.synth.scene import GroundTruthPlate, SceneFrame, TrafficScene

RESOLUTIONS = {"720p": (1280, 720), "1080p": (1920, 1080)}


class DemoSource(CaptureSource):
    """Renders :class:`~recognition.synth.scene.TrafficScene` frames at the configured rate.

    Scene time advances by ``1/fps`` per frame whatever the wall clock does, so a given seed
    always produces the same sequence of frames.
    """

    def __init__(
        self,
        camera_id: str,
        config: DemoSourceConfig | None = None,
        capture: CaptureConfig | None = None,
        *,
        plates: tuple[str, ...] = (),
    ) -> None:
        """Create the feed; ``plates`` adds texts (e.g. the demo hot list) to those in ``config``."""
        super().__init__(camera_id, capture)
        self.config = config or DemoSourceConfig()
        width, height = RESOLUTIONS[self.config.resolution]
        self.scene = TrafficScene(
            width,
            height,
            seed=self.config.seed,
            vehicles_per_minute=self.config.vehicles_per_minute,
            parked_car=self.config.parked_car,
            seeded_plates=tuple(self.config.plates) + tuple(plates),
            seeded_share=self.config.seeded_share,
        )
        self._index = 0
        self._next_due = 0.0
        self.backpressure = not self.config.realtime
        self._truth: OrderedDict[int, tuple[weakref.ref[np.ndarray], tuple[GroundTruthPlate, ...]]] = OrderedDict()
        self._truth_lock = threading.Lock()

    def describe(self) -> str:
        """Resolution and rate."""
        return f"demo {self.config.resolution}@{self.config.fps:g}"

    def _open(self) -> None:
        self._next_due = time.monotonic()

    def render_next(self) -> SceneFrame:
        """Render the next frame of the scene (also usable without the capture thread)."""
        frame = self.scene.render(self._index / self.config.fps)
        self._index += 1
        return frame

    def _read(self) -> np.ndarray:
        if self.config.duration_s and self._index >= self.config.duration_s * self.config.fps:
            raise EndOfStream()
        if self.config.realtime:
            self._next_due += 1.0 / self.config.fps
            delay = self._next_due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                self._next_due = time.monotonic()
        frame = self.render_next()
        with self._truth_lock:
            self._truth[id(frame.image)] = (weakref.ref(frame.image), frame.plates)
            while len(self._truth) > 256:
                self._truth.popitem(last=False)
        return frame.image

    def truth_for(self, image: np.ndarray) -> tuple[GroundTruthPlate, ...]:
        """Plates drawn in ``image`` if it is one of this source's recent frames, else ``()``.

        Lets tests and benchmarks score reads and drive the oracle fakes in :mod:`recognition.fakes`.
        """
        with self._truth_lock:
            entry = self._truth.get(id(image))
        if entry is None or entry[0]() is not image:
            return ()
        return entry[1]
