"""Throttled, downscaled preview frames for the console's camera tiles."""

from __future__ import annotations

import cv2

from recognition.config import PreviewConfig
from recognition.runtime.events import PreviewFrame, PreviewPlate
from recognition.track.images import encode_jpeg
from recognition.types import BBox, Frame, PlateObservation


class PreviewThrottle:
    """Decides per camera whether a frame becomes a preview and builds it."""

    def __init__(self, config: PreviewConfig) -> None:
        """Use ``config`` for rate, size and encoding."""
        self.config = config
        self._last: dict[str, float] = {}

    def due(self, camera_id: str, ts: float) -> bool:
        """Tell whether a frame of ``camera_id`` captured at ``ts`` should be published."""
        if not self.config.enabled:
            return False
        last = self._last.get(camera_id)
        if last is not None and ts - last < 1.0 / self.config.max_fps:
            return False
        self._last[camera_id] = ts
        return True

    def build(self, frame: Frame, observations: tuple[PlateObservation, ...]) -> PreviewFrame:
        """Downscale ``frame`` and scale the plate boxes to it."""
        image = frame.image
        h, w = image.shape[:2]
        scale = min(1.0, self.config.max_width / w)
        if scale < 1.0:
            image = cv2.resize(image, (int(w * scale), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
        plates = tuple(
            PreviewPlate(_scaled(o.detection.box, scale), o.reading.text if o.reading else "",
                         o.reading.confidence if o.reading else 0.0)
            for o in observations
        )
        if self.config.jpeg:
            return PreviewFrame(frame.camera_id, frame.seq, frame.ts, image.shape[1], image.shape[0], None,
                                encode_jpeg(image, 70), plates)
        return PreviewFrame(frame.camera_id, frame.seq, frame.ts, image.shape[1], image.shape[0],
                            image if scale < 1.0 else image.copy(), b"", plates)


def _scaled(box: BBox, scale: float) -> BBox:
    return BBox(int(box.x * scale), int(box.y * scale), max(1, int(box.w * scale)), max(1, int(box.h * scale)))
