"""Agency-supplied SSD-style detectors: output ``[1,1,N,7]`` of image_id, label, conf, x1, y1, x2, y2."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import openvino as ov

from recognition.detect.config import SsdDetectorConfig
from recognition.detect.errors import ModelLoadError
from recognition.detect.geometry import nms, to_detections
from recognition.detect.runtime import OpenVinoDetector, compile_model, read_model
from recognition.types import PlateDetection

logger = logging.getLogger(__name__)


def decode_ssd(
    output: np.ndarray,
    width: int,
    height: int,
    conf_threshold: float,
    label_ids: tuple[int, ...] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Boxes of a raw SSD output in frame pixels.

    Args:
        output: ``[1,1,N,7]`` rows ``image_id, label, conf, x1, y1, x2, y2`` with corners
            normalised to 0-1; a row with ``image_id < 0`` ends the list (OpenVINO convention).
        width: Frame width in pixels.
        height: Frame height in pixels.
        conf_threshold: Minimum confidence.
        label_ids: Labels that count as plates; None for all.

    Returns:
        ``(xyxy [K,4], scores [K])``.

    """
    rows = output.reshape(-1, 7).astype(np.float32, copy=False)
    end = np.flatnonzero(rows[:, 0] < 0)
    if end.size:
        rows = rows[: end[0]]
    keep = rows[:, 2] >= conf_threshold
    if label_ids:
        keep &= np.isin(rows[:, 1].astype(np.int64), label_ids)
    rows = rows[keep]
    xyxy = rows[:, 3:7].astype(np.float64) * np.array([width, height, width, height], dtype=np.float64)
    return xyxy, rows[:, 2]


def _layout(model: ov.Model, path: Path) -> tuple[int, int, bool, bool]:
    """(height, width, nhwc, dynamic) of the image input."""
    shape = model.input(0).get_partial_shape()
    if shape.rank.is_dynamic or shape.rank.get_length() != 4:
        raise ModelLoadError(f"{path}: expected a 4-D image input, got {shape}")
    nhwc = (
        shape[3].is_static
        and shape[3].get_length() == 3
        and not (shape[1].is_static and shape[1].get_length() == 3)
    )
    c = shape[3] if nhwc else shape[1]
    if c.is_static and c.get_length() != 3:
        raise ModelLoadError(f"{path}: expected 3 input channels, got {shape}")
    h, w = (shape[1], shape[2]) if nhwc else (shape[2], shape[3])
    if h.is_static and w.is_static:
        return h.get_length(), w.get_length(), nhwc, False
    return 0, 0, nhwc, True


class SsdPlateDetector(OpenVinoDetector):
    """SSD-style detector run through OpenVINO (plain resize, normalised corner outputs)."""

    def __init__(self, config: SsdDetectorConfig) -> None:
        path = Path(config.model_path).expanduser()
        model = read_model(path)
        height, width, nhwc, dynamic = _layout(model, path)
        if dynamic:
            height, width = config.input_height, config.input_width
            dims = [1, height, width, 3] if nhwc else [1, 3, height, width]
            model.reshape({model.input(0).get_any_name(): dims})
        out = model.output(0).get_partial_shape()
        if (
            out.rank.is_dynamic
            or out.rank.get_length() != 4
            or not out[3].is_static
            or out[3].get_length() != 7
        ):
            raise ModelLoadError(f"{path}: SSD output must be [1,1,N,7], got {out}")
        super().__init__(
            compile_model(model, str(path), config.device, config.threads, config.precision, config.hint),
            config.roi,
        )
        self._config = config
        self._size = (width, height)
        self._nhwc = nhwc
        logger.info("SSD detector %s: input %dx%d (%s)", path.name, width, height, "NHWC" if nhwc else "NCHW")

    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, None]:
        resized = cv2.resize(image, self._size, interpolation=cv2.INTER_LINEAR)
        if self._config.channel_order == "rgb":
            resized = resized[:, :, ::-1]
        tensor = resized.astype(np.float32)
        if self._config.scale != 1.0:
            tensor /= self._config.scale
        if not self._nhwc:
            tensor = tensor.transpose(2, 0, 1)
        return np.ascontiguousarray(tensor[None]), None

    def _decode(self, output: np.ndarray, image_shape: tuple[int, int], meta: None) -> list[PlateDetection]:
        cfg = self._config
        h, w = image_shape
        xyxy, scores = decode_ssd(output, w, h, cfg.conf_threshold, cfg.label_ids)
        if not len(scores):
            return []
        kept = nms(xyxy, scores, cfg.iou_threshold)
        return to_detections(xyxy[kept], scores[kept], w, h, cfg.max_detections)
