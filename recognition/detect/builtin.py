"""The detector shipped with the product: PP-OCRv4 text detection plus plate-shape filtering.

The model file is PaddleOCR's PP-OCRv4 mobile text detector (Apache-2.0) carried by the
``rapidocr_openvino`` wheel. We locate it without importing that package and run it with our
own OpenVINO code. See ``recognition/models/detector/manifest.json`` for provenance and
``notes/detector.md`` for why this beat the alternatives we measured.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import openvino as ov
from openvino.preprocess import ColorFormat, PrePostProcessor

from recognition.detect.cascade import build_mosaic, pack, select_windows, tile_to_frame, track_window
from recognition.detect.config import BuiltinDetectorConfig
from recognition.detect.errors import ModelLoadError
from recognition.detect.geometry import join_row_pieces, nms, to_detections
from recognition.detect.runtime import (
    DetectionsCallback,
    OpenVinoDetector,
    StaticShapes,
    as_bgr,
    compile_model,
    read_model,
)
from recognition.detect.textlines import TextLineFilter, plate_candidates, text_regions
from recognition.types import PlateDetection

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "rapidocr_openvino"
MODEL_FILE = "models/ch_PP-OCRv4_det_infer.onnx"
MANIFEST = Path(__file__).resolve().parent.parent / "models" / "detector" / "manifest.json"
_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255]  # ImageNet statistics, RGB order
_STD = [0.229 * 255, 0.224 * 255, 0.225 * 255]
_NMS_IOU = 0.3
_TRACK_MIN_SCALE = 0.4  # a large known plate is shrunk towards zoom_plate_px (stays >= 60 px wide)
_ZOOM_MAX_TEXT_PX = 24.0  # taller text lines were seen well enough by the coarse pass
_JOIN_SPECKS = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1))


def builtin_model_path() -> Path:
    """Path of the PP-OCRv4 detection model inside the installed wheel.

    Raises:
        ModelLoadError: If the wheel or the file is missing.

    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            f"package {MODEL_PACKAGE!r} carrying the built-in detector model is not installed"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise ModelLoadError(f"built-in detector model missing: {path}")
    return path


def _with_preprocessing(model: ov.Model) -> ov.Model:
    """Fold BGR->RGB, uint8->float, mean/std and NHWC->NCHW into the graph (faster than numpy)."""
    ppp = PrePostProcessor(model)
    ppp.input().tensor().set_element_type(ov.Type.u8).set_layout(ov.Layout("NHWC")).set_color_format(
        ColorFormat.BGR
    )
    ppp.input().model().set_layout(ov.Layout("NCHW"))
    ppp.input().preprocess().convert_element_type(ov.Type.f32).convert_color(ColorFormat.RGB).mean(
        _MEAN
    ).scale(_STD)
    return ppp.build()


def shrink(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Resize to ``width`` x ``height`` with area averaging where it matters, cheaply.

    Plain INTER_AREA from 1080p costs ~8 ms; a linear step to twice the target followed by an
    exact 2:1 area step keeps small plate characters legible for ~1 ms.
    """
    h, w = image.shape[:2]
    if w > 2 * width and h > 2 * height:
        image = cv2.resize(image, (2 * width, 2 * height), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def check_provenance(path: Path) -> bool:
    """Compare the model file with the sha256 in the manifest; log a warning when they differ.

    A different ``rapidocr_openvino`` release may carry another model whose accuracy we never
    measured: worth a warning, not a refusal to detect.
    """
    try:
        expected = json.loads(MANIFEST.read_text(encoding="utf-8"))["builtin"]["sha256"]
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("detector manifest unreadable (%s); model provenance not checked", exc)
        return False
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        logger.warning("built-in detector model %s differs from the measured one (sha256 %s)", path, actual)
        return False
    return True


def coarse_scale(long_side: int, config: BuiltinDetectorConfig) -> float:
    """Scale of the coarse pass for a frame whose longest side is ``long_side`` pixels.

    ``input_size`` over the long side, raised to ``min_scale`` for large frames (capped at
    ``max_input_size``), never above 1: upscaling costs time and finds nothing new.
    """
    scale = config.input_size / max(1, long_side)
    if config.min_scale > scale:
        scale = min(config.min_scale, max(config.input_size, config.max_input_size) / max(1, long_side))
    return min(1.0, scale)


@dataclass(frozen=True, slots=True)
class _Scaling:
    """Frame pixels per probability-map pixel."""

    sx: float
    sy: float


class BuiltinPlateDetector(OpenVinoDetector):
    """Finds plates as dense text lines of plate shape (implements PlateDetector)."""

    def __init__(self, config: BuiltinDetectorConfig | None = None, model_path: Path | None = None) -> None:
        self._config = config or BuiltinDetectorConfig()
        path = model_path or builtin_model_path()
        if model_path is None:
            check_provenance(path)
        model = read_model(path)
        shape = model.input(0).get_partial_shape()
        if shape.rank.is_dynamic or shape.rank.get_length() != 4:
            raise ModelLoadError(f"{path}: expected a 4-D image input, got {shape}")
        cfg = self._config
        model = _with_preprocessing(model)
        super().__init__(
            compile_model(model, str(path), cfg.device, cfg.threads, cfg.precision, cfg.hint), cfg.roi
        )
        self._static = StaticShapes(
            model, lambda m: compile_model(m, str(path), cfg.device, cfg.threads, cfg.precision, cfg.hint),
            limit=cfg.static_shapes, background=cfg.static_in_background,
        ) if cfg.static_shapes > 0 else None
        self._rules = TextLineFilter(
            bin_threshold=cfg.bin_threshold,
            box_threshold=cfg.box_threshold,
            min_height=float(cfg.min_height),
            min_aspect=cfg.min_aspect,
            max_aspect=cfg.max_aspect,
        )
        logger.info("built-in plate detector: %s, input side %d", path.name, cfg.input_size)

    def _prepare(self, image: np.ndarray) -> tuple[np.ndarray, _Scaling]:
        h, w = image.shape[:2]
        scale = coarse_scale(max(h, w), self._config)
        nh = max(32, round(h * scale / 32) * 32)
        nw = max(32, round(w * scale / 32) * 32)
        return shrink(image, nw, nh)[None], _Scaling(w / nw, h / nh)

    def _decode(
        self, output: np.ndarray, image_shape: tuple[int, int], meta: _Scaling
    ) -> list[PlateDetection]:
        prob = output.reshape(output.shape[-2:])
        xyxy, scores = plate_candidates(prob, meta.sx, meta.sy, self._rules)
        return self._finish(xyxy, scores, image_shape)

    def _finish(self, xyxy: np.ndarray, scores: np.ndarray, image_shape: tuple[int, int]) -> list[PlateDetection]:
        if not len(scores):
            return []
        kept = nms(xyxy, scores, _NMS_IOU)
        joined, joined_scores = join_row_pieces(xyxy[kept], scores[kept])
        h, w = image_shape
        return to_detections(joined, joined_scores, w, h, self._config.max_detections)

    def _infer(self, tensor: np.ndarray) -> np.ndarray:
        request = self._static.request(tensor.shape) if self._static is not None else None
        if request is None:
            result = self._request().infer({0: tensor})
            out = np.asarray(result[self._output])
        else:
            request.infer({0: tensor})
            out = np.array(request.get_output_tensor(0).data)  # a copy: the request's buffer is reused
        return out.reshape(out.shape[-2:])

    def detect(self, image: np.ndarray) -> list[PlateDetection]:
        """Plates in a BGR frame, best first: the coarse pass, then zoomed windows (``zoom_windows``)."""
        return self.detect_guided(image, None, coarse=True)

    def detect_guided(
        self, image: np.ndarray, plates: np.ndarray | None, *, coarse: bool = True
    ) -> list[PlateDetection]:
        """Plates in a BGR frame, looking first at zoomed windows around known plate boxes.

        Args:
            image: The frame.
            plates: ``[N,4]`` x, y, w, h boxes (frame pixels) where plates were last seen (a
                tracker's guess for this frame); each gets a zoomed window of its own, ahead of the
                text spots of the coarse map. ``None`` or empty: none.
            coarse: Run the full-frame coarse pass (and zoom on its text spots). ``False`` looks
                only at the windows of ``plates`` (one small inference; video frames where nothing
                new moved, :mod:`recognition.detect.video`).

        """
        frame = as_bgr(image)
        if frame is None:
            return []
        region, dx, dy = self._region(frame)
        guides = np.zeros((0, 4))
        if plates is not None and len(plates):
            guides = np.asarray(plates, dtype=np.float64).reshape(-1, 4) - [dx, dy, 0, 0]
        if coarse:
            tensor, meta = self._prepare(region)
            prob = self._infer(tensor)
            xyxy, scores = plate_candidates(prob, meta.sx, meta.sy, self._rules)
            xyxy = xyxy.reshape(-1, 4)
        else:
            prob, meta = None, _Scaling(1.0, 1.0)
            xyxy, scores = np.zeros((0, 4)), np.zeros(0)
        if self._config.zoom_windows:
            zx, zs = self._zoom_pass(region, prob, meta, xyxy, scores, guides)
            xyxy, scores = np.concatenate([xyxy, zx]), np.concatenate([scores, zs])
        return self._shift(self._finish(xyxy, scores, region.shape[:2]), dx, dy)

    def _zoom_pass(
        self, frame: np.ndarray, prob: np.ndarray | None, meta: _Scaling, xyxy: np.ndarray, scores: np.ndarray,
        guides: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Look again, zoomed, at known plates, small plates and text-like spots of the coarse map.

        Returns the boxes and scores found in the windows (frame pixels); overlaps with the coarse
        boxes are settled by the caller's non-maximum suppression.
        """
        cfg = self._config
        h, w = frame.shape[:2]
        if prob is not None:
            # Specks of one plate's characters join when the low-threshold mask is closed sideways.
            mask = cv2.dilate((prob > cfg.zoom_threshold).astype(np.uint8), _JOIN_SPECKS)
            kernels, means = text_regions(np.where(mask > 0, np.maximum(prob, 1e-3), 0).astype(np.float32), 0)
            kernels = kernels * np.array([meta.sx, meta.sy, meta.sx, meta.sy])
        else:
            kernels, means = np.zeros((0, 4)), np.zeros(0)
        small_text = kernels[:, 3] <= _ZOOM_MAX_TEXT_PX
        heights = xyxy[:, 3] - xyxy[:, 1] if len(xyxy) else np.zeros(0)
        small_plates = heights <= 2 * _ZOOM_MAX_TEXT_PX
        # Small plates already found come first (a sharper box, maybe the rest of the plate).
        seeds = np.concatenate([
            np.column_stack([xyxy[small_plates, :2], xyxy[small_plates, 2:] - xyxy[small_plates, :2]]).reshape(-1, 4),
            kernels[small_text],
        ])
        priority = np.concatenate([1 + scores[small_plates], means[small_text]])
        found = xyxy[~small_plates] if len(xyxy) else np.zeros((0, 4))
        if prob is not None:  # the coarse map sees large plates itself: guide only the small ones
            guides = guides[guides[:, 3] <= 2 * _ZOOM_MAX_TEXT_PX]
        tracked = [
            track_window(tuple(box), w, h, plate_px=cfg.zoom_plate_px, min_scale=_TRACK_MIN_SCALE)
            for box in guides[: cfg.zoom_windows]
        ]
        windows = tracked + select_windows(
            seeds, priority, found, w, h, plate_px=cfg.zoom_plate_px, limit=cfg.zoom_windows - len(tracked),
            taken=tracked,
        )
        if not windows:
            return np.zeros((0, 4)), np.zeros(0)
        # The mosaic keeps its full width even for one guided window: a tight mosaic lost plates
        # (less grey context; notes/detector.md).
        placed, mw, mh = pack(windows, cfg.zoom_mosaic_width)
        mosaic_prob = self._infer(build_mosaic(frame, placed, mw, mh)[None])
        boxes, found_scores = [], []
        for win in placed:
            tile = mosaic_prob[win.ty : win.ty + win.tile_h, win.tx : win.tx + win.tile_w]
            zx, zs = plate_candidates(tile, 1.0, 1.0, self._zoom_rules(win.scale))
            if len(zs):
                boxes.append(tile_to_frame(zx + [win.tx, win.ty, win.tx, win.ty], win))
                found_scores.append(zs)
        if not boxes:
            return np.zeros((0, 4)), np.zeros(0)
        return np.concatenate(boxes), np.concatenate(found_scores)

    def _zoom_rules(self, scale: float) -> TextLineFilter:
        """The plate-shape rules in mosaic pixels of a tile zoomed by ``scale``."""
        rules = self._rules
        return TextLineFilter(
            bin_threshold=rules.bin_threshold,
            box_threshold=rules.box_threshold,
            min_height=rules.min_height * scale,
            min_aspect=rules.min_aspect,
            max_aspect=rules.max_aspect,
        )

    def submit(self, image: np.ndarray, callback: DetectionsCallback) -> None:
        """Detect (both passes) and call ``callback``; with zooming this runs in the caller's thread."""
        if not self._config.zoom_windows:
            super().submit(image, callback)
            return
        callback(self.detect(image))
