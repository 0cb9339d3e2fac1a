"""Fake detector, reader and colour estimator for tests, demos without models and benchmarks.

They honour the protocols in :mod:`recognition.protocols` exactly, so the pipeline, tracker and
runtime can be tested without OpenVINO models.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np

from recognition.synth.scene import GroundTruthPlate
from recognition.types import PlateDetection, PlateText, VehicleColour

DetectFn = Callable[[np.ndarray], Sequence[PlateDetection]]
ReadFn = Callable[[np.ndarray], PlateText | None]

#: Look-alike substitutions a noisy fake reader makes.
CONFUSIONS = {"0": "O", "O": "0", "1": "I", "I": "1", "8": "B", "B": "8", "5": "S", "S": "5", "2": "Z", "Z": "2"}


def _busy(ms: float) -> None:
    if ms > 0:
        time.sleep(ms / 1000.0)


class FakeDetector:
    """Returns fixed detections, a per-call script, or whatever a function says."""

    def __init__(
        self,
        detections: Sequence[PlateDetection] | DetectFn = (),
        *,
        script: Sequence[Sequence[PlateDetection]] | None = None,
        cost_ms: float = 0.0,
    ) -> None:
        """Answer ``detections`` (or ``script[call]``, empty after its end) after ``cost_ms``."""
        self._fixed = detections
        self._script = script
        self._cost = cost_ms
        self.calls = 0

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """Return the detections for this call."""
        _busy(self._cost)
        call, self.calls = self.calls, self.calls + 1
        if self._script is not None:
            return list(self._script[call]) if call < len(self._script) else []
        if callable(self._fixed):
            return list(self._fixed(image))
        return list(self._fixed)


class FakeReader:
    """Reads every crop as the same text, or as a function of the crop."""

    def __init__(
        self,
        text: str | ReadFn | None = "ABC1234",
        *,
        confidence: float = 0.9,
        state: str | None = None,
        state_confidence: float = 0.8,
        cost_ms: float = 0.0,
    ) -> None:
        """Answer ``text`` with ``confidence`` (None = unreadable) after ``cost_ms`` per crop."""
        self._text = text
        self._confidence = confidence
        self._state = state
        self._state_confidence = state_confidence
        self._cost = cost_ms
        self.crops = 0

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Read one crop."""
        _busy(self._cost)
        self.crops += 1
        if callable(self._text):
            return self._text(crop)
        if self._text is None:
            return None
        n = len(self._text)
        return PlateText(self._text, self._confidence, (self._confidence,) * n, (), self._state,
                         self._state_confidence if self._state else 0.0)

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Read several crops."""
        return [self.read(c) for c in crops]


class FakeColourEstimator:
    """Always the same colour."""

    def __init__(self, code: str = "WHI", confidence: float = 0.7) -> None:
        """Answer ``code`` with ``confidence``."""
        self._colour = VehicleColour(code, confidence)

    def estimate(self, image: np.ndarray, plate: PlateDetection) -> VehicleColour | None:
        """Return the fixed colour."""
        return self._colour


class OracleModels:
    """Detector + reader pair that knows the demo scene's ground truth, with reading noise.

    ``truth`` maps a frame image to the plates drawn in it (see
    :meth:`recognition.sources.demo.DemoSource.truth_for`). The reader answers the crops of the
    last detected frame in order, as :class:`~recognition.pipeline.Pipeline` asks for them.
    Use one pair per thread.
    """

    def __init__(
        self,
        truth: Callable[[np.ndarray], Sequence[GroundTruthPlate]],
        *,
        noise: float = 0.08,
        miss: float = 0.05,
        seed: int = 0,
        detect_ms: float = 0.0,
        read_ms: float = 0.0,
        min_width: int = 40,
    ) -> None:
        """Confuse each character with probability ``noise``; miss a plate with probability ``miss``."""
        self._truth = truth
        self._noise = noise
        self._miss = miss
        self._rng = np.random.default_rng(seed)
        self._detect_ms = detect_ms
        self._read_ms = read_ms
        self._min_width = min_width
        self._last: list[GroundTruthPlate] = []
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """Return ground-truth boxes of plates wide enough to read, minus random misses."""
        _busy(self._detect_ms)
        plates = [p for p in self._truth(image) if p.box.w >= self._min_width and self._rng.random() >= self._miss]
        scored = sorted(((round(float(self._rng.uniform(0.6, 0.99)), 3), p) for p in plates), key=lambda sp: -sp[0])
        with self._lock:
            self._last = [p for _, p in scored]  # same order as the detections (best first)
        return [PlateDetection(p.box, score) for score, p in scored]

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Read the first plate of the last frame (for single-crop callers)."""
        return self.read_many([crop])[0]

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Read the last detected frame's plates noisily, in detection order."""
        _busy(self._read_ms * len(crops))
        with self._lock:
            plates = list(self._last)
        out: list[PlateText | None] = []
        for i in range(len(crops)):
            out.append(self._noisy(plates[i]) if i < len(plates) else None)
        return out

    def _noisy(self, plate: GroundTruthPlate) -> PlateText:
        chars, confs = [], []
        for ch in plate.text:
            if self._rng.random() < self._noise:
                chars.append(CONFUSIONS.get(ch, ch))
                confs.append(float(self._rng.uniform(0.3, 0.6)))
            else:
                chars.append(ch)
                confs.append(float(self._rng.uniform(0.8, 0.99)))
        conf = float(np.mean(confs))
        return PlateText("".join(chars), round(conf, 3), tuple(round(c, 3) for c in confs), (), plate.state, 0.7)

    # The reader half as a separate object for code that wants two.
    @property
    def detector(self) -> OracleModels:
        """Return the pair itself, typed as a detector."""
        return self

    @property
    def reader(self) -> OracleModels:
        """Return the pair itself, typed as a reader."""
        return self
