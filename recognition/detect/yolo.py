"""Agency-supplied YOLO detectors: YOLOv5 ``[1,N,5+C]`` and YOLOv8 ``[1,4+C,N]`` exports."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import numpy as np
import openvino as ov

from recognition.detect.config import YoloDetectorConfig
from recognition.detect.errors import ModelLoadError
from recognition.detect.geometry import Letterbox, cxcywh_to_xyxy, letterbox, nms, to_detections, unletterbox
from recognition.detect.runtime import OpenVinoDetector, compile_model, read_model
from recognition.types import PlateDetection

logger = logging.getLogger(__name__)

YoloVersion = Literal["v5", "v8"]


def guess_version(shape: tuple[int, ...]) -> YoloVersion:
    """Output layout from a ``[1, A, B]`` shape: v8 puts the few channels first (4+C < N)."""
    _, a, b = shape
    return "v8" if a < b else "v5"


def decode_yolo(
    output: np.ndarray,
    version: YoloVersion,
    conf_threshold: float,
    class_ids: tuple[int, ...] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate boxes of a raw YOLO output, before NMS.

    Args:
        output: ``[1,N,5+C]`` (v5: cx, cy, w, h, objectness, class scores) or ``[1,4+C,N]``
            (v8: cx, cy, w, h, class scores), in model-input pixels.
        version: Which layout ``output`` has.
        conf_threshold: Minimum score (v5: objectness x best plate-class score).
        class_ids: Classes that count as plates; None for all.

    Returns:
        ``(xyxy [K,4], scores [K])`` in model-input pixels.

    """
    rows = output[0] if version == "v5" else output[0].T
    rows = rows.astype(np.float32, copy=False)
    first_class = 5 if version == "v5" else 4
    classes = rows[:, first_class:]
    if class_ids:
        classes = classes[:, [c for c in class_ids if c < classes.shape[1]]]
    if classes.shape[1]:
        cls_score = classes.max(axis=1)
    else:  # a single-class v5 export may carry no class columns at all
        cls_score = np.ones(len(rows), dtype=np.float32)
    scores = cls_score * rows[:, 4] if version == "v5" else cls_score
    keep = scores >= conf_threshold
    return cxcywh_to_xyxy(rows[keep, :4]), scores[keep]


def _input_hw(model: ov.Model, path: Path, default: int) -> tuple[int, int, bool]:
    """(height, width, dynamic) of an NCHW 3-channel input."""
    shape = model.input(0).get_partial_shape()
    if shape.rank.is_dynamic or shape.rank.get_length() != 4:
        raise ModelLoadError(f"{path}: expected a 4-D image input, got {shape}")
    if shape[1].is_static and shape[1].get_length() != 3:
        raise ModelLoadError(f"{path}: expected 3 input channels (NCHW), got {shape}")
    if shape[2].is_static and shape[3].is_static:
        return shape[2].get_length(), shape[3].get_length(), False
    return default, default, True


class YoloPlateDetector(OpenVinoDetector):
    """YOLOv5/YOLOv8 export run through OpenVINO with letterboxing and NMS."""

    def __init__(self, config: YoloDetectorConfig) -> None:
        path = Path(config.model_path).expanduser()
        model = read_model(path)
        height, width, dynamic = _input_hw(model, path, config.input_size)
        if dynamic:
            model.reshape({model.input(0).get_any_name(): [1, 3, height, width]})
        out = model.output(0).get_partial_shape()
        if out.rank.is_dynamic or out.rank.get_length() != 3 or out.is_dynamic:
            raise ModelLoadError(f"{path}: YOLO output must be [1,N,5+C] or [1,4+C,N], got {out}")
        shape = tuple(d.get_length() for d in out)
        version: YoloVersion = guess_version(shape) if config.version == "auto" else config.version
        channels = shape[2] if version == "v5" else shape[1]
        if channels < 5:
            raise ModelLoadError(f"{path}: output {list(shape)} has too few channels for YOLO{version}")
        super().__init__(
            compile_model(model, str(path), config.device, config.threads, config.precision, config.hint),
            config.roi,
        )
        self._config = config
        self._version = version
        self._size = (width, height)
        logger.info("YOLO%s detector %s: input %dx%d, output %s", version, path.name, width, height, shape)

    @property
    def version(self) -> YoloVersion:
        """Output layout in use (``"v5"`` or ``"v8"``)."""
        return self._version

    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, Letterbox]:
        boxed, lb = letterbox(image, *self._size)
        tensor = boxed[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
        return np.ascontiguousarray(tensor), lb

    def _decode(
        self, output: np.ndarray, image_shape: tuple[int, int], meta: Letterbox
    ) -> list[PlateDetection]:
        cfg = self._config
        xyxy, scores = decode_yolo(output, self._version, cfg.conf_threshold, cfg.class_ids)
        if not len(scores):
            return []
        xyxy = unletterbox(xyxy, meta)
        kept = nms(xyxy, scores, cfg.iou_threshold)
        h, w = image_shape
        return to_detections(xyxy[kept], scores[kept], w, h, cfg.max_detections)
