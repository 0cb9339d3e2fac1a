"""OpenVINO plate reader: PP-OCR line detection, two recognisers fused, state from small text."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from recognition.read.config import ReaderConfig
from recognition.read.ctc import FoldedDictionary
from recognition.read.fusion import FusedLine, LineScores, fuse
from recognition.read.layout import split_layout
from recognition.read.lines import TextLine, crop_line, db_lines
from recognition.read.models import CompiledOcrModel
from recognition.read.preprocess import det_input, ensure_bgr, rec_batch
from recognition.read.states import match_state
from recognition.types import Alternative, PlateText

logger = logging.getLogger(__name__)

MIN_CROP_SIDE = 8


class OpenVinoPlateReader:
    """Reads plate crops with PaddleOCR models compiled by OpenVINO.

    1. PP-OCRv6 text detection finds the text lines of the crop (DB post-processing).
    2. The row of the tallest characters is the plate number; each of its lines is read by
       PP-OCRv6 and PP-OCRv4 recognition, folded to 0-9A-Z, and the readings are fused by
       joint CTC likelihood (:mod:`recognition.read.fusion`).
    3. The small lines are read with the full dictionary and matched to a state.

    Thread-safe: every inference uses its own infer request.
    """

    def __init__(self, config: ReaderConfig, models: dict[str, CompiledOcrModel]) -> None:
        self.config = config
        self._det = models["v6_det"]
        self._recs = [models["v6_rec"]] + ([models["v4_rec"]] if config.use_v4 and "v4_rec" in models else [])
        self._folds = [FoldedDictionary(m.characters) for m in self._recs]
        self._state_rec = models.get("v4_rec", models["v6_rec"])

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Read one BGR plate crop; None when no plausible text is found."""
        if not isinstance(crop, np.ndarray) or crop.ndim not in (2, 3) or min(crop.shape[:2]) < MIN_CROP_SIDE:
            logger.debug("crop rejected: %s", getattr(crop, "shape", type(crop)))
            return None
        image = np.ascontiguousarray(ensure_bgr(crop))
        lines = self._detect(image)
        cfg = self.config
        layout = split_layout(lines, image.shape[0], cfg.row_height_ratio, cfg.min_main_height, cfg.max_state_lines)
        parts = [crop_line(image, line) for line in layout.main] or [image]
        fused = self._read_row(parts)
        if len(fused.text) < 2 and layout.main:
            whole = self._read_row([image])
            if len(whole.text) > len(fused.text):
                fused = whole
        if not fused.text or fused.confidence < cfg.min_confidence:
            return None
        state, state_conf = self._state(image, layout.small) if cfg.read_state else (None, 0.0)
        return PlateText(
            text=fused.text,
            confidence=round(fused.confidence, 4),
            char_confidences=fused.char_confidences,
            alternatives=tuple(Alternative(t, c) for t, c in fused.alternatives),
            state=state,
            state_confidence=state_conf,
        )

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Read several crops (one result per crop, same order)."""
        return [self.read(crop) for crop in crops]

    def _detect(self, image: np.ndarray) -> list[TextLine]:
        cfg = self.config
        batch, sx, sy = det_input(image, cfg.det_short_side, 4 * cfg.det_short_side)
        prob = self._det.infer(batch)[0, 0]
        return db_lines(prob, sx, sy, cfg.det_thresh, cfg.det_box_thresh, cfg.det_unclip_ratio)

    def _scores(self, index: int, images: Sequence[np.ndarray]) -> list[LineScores]:
        batch, widths = rec_batch(images)
        probs = self._recs[index].infer(batch)
        frames_total, width = probs.shape[1], batch.shape[3]
        return [
            LineScores(self._folds[index].fold(probs[i]), int(np.ceil(widths[i] / width * frames_total)))
            for i in range(len(images))
        ]

    def _read_row(self, parts: Sequence[np.ndarray]) -> FusedLine:
        """Fuse every part with all models and join the parts left to right."""
        per_model = [self._scores(i, parts) for i in range(len(self._recs))]
        fused = [fuse([scores[p] for scores in per_model], self.config.max_alternatives) for p in range(len(parts))]
        if len(fused) == 1:
            return fused[0]
        texts = [f.text for f in fused]
        alternatives: list[tuple[str, float]] = []
        for p, f in enumerate(fused):
            prefix, suffix = "".join(texts[:p]), "".join(texts[p + 1 :])
            alternatives.extend((prefix + alt + suffix, conf) for alt, conf in f.alternatives)
        alternatives.sort(key=lambda kv: -kv[1])
        return FusedLine(
            text="".join(texts),
            char_confidences=tuple(c for f in fused for c in f.char_confidences),
            log_likelihood=sum(f.log_likelihood for f in fused),
            alternatives=tuple(alternatives[: self.config.max_alternatives]),
        )

    def _state(self, image: np.ndarray, small: Sequence[TextLine]) -> tuple[str | None, float]:
        if not small:
            return None, 0.0
        texts = self.read_text([crop_line(image, line) for line in small])
        match = match_state([t for t, _ in texts])
        if match is None:
            return None, 0.0
        logger.debug("state %s from %r", match.code, texts)
        return match.code, match.confidence

    def read_text(self, images: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Full-dictionary greedy reading of line images (state names, slogans).

        Returns:
            ``(text, mean character confidence)`` per image.

        """
        model = self._state_rec
        batch, widths = rec_batch(images)
        probs = model.infer(batch)
        frames_total, width = probs.shape[1], batch.shape[3]
        out: list[tuple[str, float]] = []
        for i in range(len(images)):
            frames = int(np.ceil(widths[i] / width * frames_total))
            best = probs[i, :frames].argmax(axis=1)
            peak = probs[i, :frames].max(axis=1)
            keep = (best != 0) & np.concatenate(([True], best[1:] != best[:-1]))
            chars = [model.characters[k] for k in best[keep]]
            conf = float(peak[keep].mean()) if keep.any() else 0.0
            out.append(("".join(chars), conf))
        return out
