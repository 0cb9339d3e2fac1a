"""The seams of the pipeline. Each has an OpenVINO/OpenCV implementation and a fake for tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from recognition.types import CameraHealth, Frame, PlateDetection, PlateText, VehicleColour


@runtime_checkable
class FrameSource(Protocol):
    """A camera or file that yields frames. Implementations reconnect on their own."""

    camera_id: str

    def start(self) -> None:
        """Begin capturing (starts the capture thread)."""

    def stop(self) -> None:
        """Stop capturing and release the device; idempotent."""

    def get(self, timeout: float) -> Frame | None:
        """Newest frame not yet handed out, or None after ``timeout`` seconds."""

    def health(self) -> CameraHealth:
        """Current state, rates and counters."""


@runtime_checkable
class PlateDetector(Protocol):
    """Finds plates in a full BGR frame."""

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """Plates in ``image`` sorted by score, best first."""


@runtime_checkable
class PlateReader(Protocol):
    """Reads the characters (and, when it can, the state) of a plate crop."""

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Reading of a BGR plate crop, or None when no plausible text is found."""

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Batch form of :meth:`read` (one result per crop, same order)."""


@runtime_checkable
class ColourEstimator(Protocol):
    """Estimates vehicle colour from the region around a plate."""

    def estimate(self, image: np.ndarray, plate: PlateDetection) -> VehicleColour | None:
        """NCIC colour code of the vehicle carrying ``plate``."""
