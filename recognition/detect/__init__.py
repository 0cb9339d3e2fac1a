"""Plate detection: the built-in detector and agency-supplied YOLO/SSD models, all on OpenVINO.

Use :func:`create_detector`; every backend implements :class:`recognition.protocols.PlateDetector`
and additionally offers ``submit``/``wait``/``detect_many`` for asynchronous inference.
"""

from __future__ import annotations

from recognition.detect.config import (
    BuiltinDetectorConfig,
    DetectorConfig,
    SsdDetectorConfig,
    YoloDetectorConfig,
)
from recognition.detect.errors import ModelLoadError
from recognition.detect.runtime import OpenVinoDetector

__all__ = [
    "BuiltinDetectorConfig",
    "DetectorConfig",
    "ModelLoadError",
    "OpenVinoDetector",
    "SsdDetectorConfig",
    "YoloDetectorConfig",
    "create_detector",
]


def create_detector(config: DetectorConfig | None = None) -> OpenVinoDetector:
    """Build the detector a config asks for (the built-in one when ``config`` is None).

    Raises:
        ModelLoadError: If the model file is missing, unreadable, or has the wrong inputs/outputs.

    """
    config = config or BuiltinDetectorConfig()
    if isinstance(config, YoloDetectorConfig):
        from recognition.detect.yolo import YoloPlateDetector

        return YoloPlateDetector(config)
    if isinstance(config, SsdDetectorConfig):
        from recognition.detect.ssd import SsdPlateDetector

        return SsdPlateDetector(config)
    from recognition.detect.builtin import BuiltinPlateDetector

    return BuiltinPlateDetector(config)
