"""OpenVINO plate reader: PP-OCR line detection, two recognisers fused, state from small text."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

import cv2
import numpy as np

from recognition.plates import default_prior
from recognition.plates.keying import key_zero
from recognition.read.config import ReaderConfig
from recognition.read.ctc import FoldedDictionary
from recognition.read.decode import concat_scores, decode_row
from recognition.read.fusion import FusedLine, LineScores, drop_weak, fuse
from recognition.read.layout import split_layout
from recognition.read.lines import TextLine, crop_line, db_lines
from recognition.read.models import CompiledOcrModel
from recognition.read.plausibility import plausibility_factor
from recognition.read.preprocess import det_input, ensure_bgr, rec_batch
from recognition.read.rectify import upright
from recognition.read.region import STATE_CONFIDENCE, north_american_weight
from recognition.read.states import match_state
from recognition.read.views import plate_views, vote
from recognition.types import Alternative, PlateText

logger = logging.getLogger(__name__)

MIN_CROP_SIDE = 8
#: A state match this good needs no further small lines read.
STATE_STOP_CONFIDENCE = 0.85
#: A row ending closer than this many character heights to a side of the crop touches the edge:
#: its outer character may have been cut off by the line detector.
EDGE_TOUCH = 0.1
#: Share of the US/Canadian prior's weight from which a reading is keyed as a North American plate
#: (O as zero, :mod:`recognition.plates.keying`): a plate of US shape or with a state read.
KEY_MIN_SHARE = 0.5


class Syntax(NamedTuple):
    """What the plate-syntax prior knows about one crop: the state read and the prior's weight there."""

    state: str | None = None
    state_confidence: float = 0.0
    weight: float = 0.0


class PendingRead(NamedTuple):
    """A crop read up to the voted views (:meth:`OpenVinoPlateReader.read_unvoted`)."""

    image: np.ndarray
    fused: FusedLine
    syntax: Syntax
    angle: float
    #: The reading is doubtful enough for the voted views (:meth:`OpenVinoPlateReader.finish`).
    unsure: bool
    #: The reading as it stands, whatever its confidence (None: no text): for ranking before voting.
    reading: PlateText | None


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
        self._det = models[config.det_model]
        self._recs = [models["v6_rec"]] + ([models["v4_rec"]] if config.use_v4 and "v4_rec" in models else [])
        self._folds = [FoldedDictionary(m.characters) for m in self._recs]
        self._state_rec = models.get("v4_rec", models["v6_rec"])
        self._prior = default_prior() if config.syntax_weight > 0.0 else None

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Read one BGR plate crop; None when no plausible text is found."""
        pending = self.read_unvoted(crop)
        return self.finish(pending, vote=True) if pending is not None else None

    def read_unvoted(self, crop: np.ndarray) -> PendingRead | None:
        """Everything :meth:`read` does except the voted views; :meth:`finish` completes it.

        The caller can then decide which unsure readings are worth the voted views (the dearest step:
        five more views through the recognisers), e.g. only those that could be an image's first plate
        (:class:`recognition.pipeline_screen.ScreenedReader`). None when the crop is unusable.
        """
        if not isinstance(crop, np.ndarray) or crop.ndim not in (2, 3) or min(crop.shape[:2]) < MIN_CROP_SIDE:
            logger.debug("crop rejected: %s", getattr(crop, "shape", type(crop)))
            return None
        image = np.ascontiguousarray(ensure_bgr(crop))
        lines = self._detect(image)
        cfg = self.config
        layout = split_layout(lines, image.shape[0], cfg.row_height_ratio, cfg.min_main_height, cfg.max_state_lines)
        state, state_conf = self._state(image, layout.small) if cfg.read_state else (None, 0.0)
        syntax = self._syntax(image.shape, state, state_conf)
        parts = [crop_line(image, line) for line in layout.main] or [image]
        if cfg.deslant and layout.main:
            parts = [upright(part) for part in parts]
        fused = self._read_row(parts, syntax)
        if layout.main and cfg.band_extra_conf < 1.0:
            fused = self._extend_with_band(image, layout.main, fused, syntax)
        fused = drop_weak(fused, cfg.drop_below)
        if len(fused.text) < 2 and layout.main:
            whole = self._read_row([image], syntax)
            if len(whole.text) > len(fused.text):
                fused = whole
        unsure = cfg.vote_below > 0.0 and self._unsure(fused, syntax)
        angle = layout.main[0].angle if layout.main and cfg.vote_level else 0.0
        return PendingRead(image, fused, syntax, angle, unsure, self._plate_text(fused, syntax, floor=False))

    def finish(self, pending: PendingRead, vote: bool = True) -> PlateText | None:
        """The reading of a :meth:`read_unvoted` crop, after the voted views when it is unsure and ``vote``."""
        fused = pending.fused
        if vote and pending.unsure:
            fused = self._vote_views(pending.image, fused, pending.syntax, pending.angle)
        return self._plate_text(fused, pending.syntax)

    def _plate_text(self, fused: FusedLine, syntax: Syntax, floor: bool = True) -> PlateText | None:
        if not fused.text or (floor and fused.confidence < self.config.min_confidence):
            return None
        text, alternatives = self._keyed(fused, syntax)
        return PlateText(
            text=text,
            confidence=round(fused.confidence * plausibility_factor(fused.text), 4),
            char_confidences=fused.char_confidences,
            alternatives=alternatives,
            state=syntax.state,
            state_confidence=syntax.state_confidence,
        )

    def _keyed(self, fused: FusedLine, syntax: Syntax) -> tuple[str, tuple[Alternative, ...]]:
        """The reading and its alternatives as a North American plate is keyed (:mod:`recognition.plates.keying`).

        Only where the US/Canadian prior holds at least half its weight (a plate of US shape or with
        a state read). When keying changed the reading, the recognisers' own text becomes the first
        alternative: a hot-list entry written with the letter O is still found by its exact lookup of
        the alternatives (an O/0 difference per character would otherwise count as a look-alike
        substitution each). Alternatives that key to the reading or to an earlier one are dropped.
        """
        plain = tuple(Alternative(t, c) for t, c in fused.alternatives)
        if self._prior is None or syntax.weight <= 0.0 or syntax.weight < KEY_MIN_SHARE * self.config.syntax_weight:
            return fused.text, plain
        state = syntax.state if syntax.state_confidence >= STATE_CONFIDENCE else None
        text = key_zero(fused.text, self._prior, state)
        if text == fused.text and not any("O" in a.text for a in plain):
            return text, plain
        seen = {text}
        alternatives = []
        if text != fused.text:
            seen.add(fused.text)
            alternatives.append(Alternative(fused.text, round(float(fused.confidence), 4)))
        for alt in plain:
            keyed = key_zero(alt.text, self._prior, state)
            if keyed not in seen:
                seen.add(keyed)
                alternatives.append(Alternative(keyed, alt.confidence))
        return text, tuple(alternatives[: max(1, self.config.max_alternatives)])

    def state_of(self, crop: np.ndarray) -> tuple[str | None, float]:
        """Read only the state of a plate crop (the pipeline calls this once per vehicle, on the best crop)."""
        if not isinstance(crop, np.ndarray) or crop.ndim not in (2, 3) or min(crop.shape[:2]) < MIN_CROP_SIDE:
            return None, 0.0
        image = np.ascontiguousarray(ensure_bgr(crop))
        cfg = self.config
        layout = split_layout(self._detect(image), image.shape[0], cfg.row_height_ratio, cfg.min_main_height,
                              cfg.max_state_lines)
        return self._state(image, layout.small)

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Read several crops (one result per crop, same order)."""
        return [self.read(crop) for crop in crops]

    def _syntax(self, shape: tuple[int, ...], state: str | None, state_conf: float) -> Syntax:
        """The prior's weight on this crop: full on US/Canadian-looking plates, none on EU/BR ones."""
        if self._prior is None:
            return Syntax(state, state_conf, 0.0)
        share = north_american_weight(shape[1], shape[0], state, state_conf, self.config.region)
        return Syntax(state, state_conf, self.config.syntax_weight * share)

    def _unsure(self, fused: FusedLine, syntax: Syntax) -> bool:
        """Whether a row reading is doubtful enough to read more views of the crop."""
        if fused.confidence < self.config.vote_below or len(fused.text) < 4:
            return True
        prior = self._prior
        if prior is None or syntax.weight <= 0.0:
            return False
        return not prior.fits(fused.text, syntax.state) and not prior.fits(fused.text)

    def _vote_views(self, image: np.ndarray, fused: FusedLine, syntax: Syntax, angle: float = 0.0) -> FusedLine:
        """Read bands of the levelled crop and sheared copies too, and vote (:mod:`recognition.read.views`)."""
        views = plate_views(image, angle, self.config.vote_shears)
        if not views:
            return fused
        readings = [fused] + self._read_each(views, syntax, others=self.config.vote_fuse)
        prior = self._prior if syntax.weight > 0.0 else None

        def weight(text: str) -> float:
            fits = prior is not None and prior.fits(text, syntax.state if syntax.state_confidence > 0 else None)
            return plausibility_factor(text) * (1.5 if fits else 1.0)

        return vote(readings, weight, self.config.max_alternatives)

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

    def _read_row(self, parts: Sequence[np.ndarray], syntax: Syntax = Syntax()) -> FusedLine:
        """Fuse every part with all models and join the parts left to right.

        ``syntax`` is the state read on the plate, its confidence and the prior's weight on this
        crop: the plate formats the decoder prefers (:mod:`recognition.read.decode`).
        """
        first = self._scores(0, parts)
        per_model = [first]
        if len(self._recs) > 1 and not self._confident(first):
            per_model += [self._scores(i, parts) for i in range(1, len(self._recs))]
        if syntax.weight > 0.0:
            rows = [concat_scores(scores) for scores in per_model]
            return decode_row(rows, self._prior, syntax.state, syntax.state_confidence, syntax.weight,
                              self.config.max_alternatives, letter_prior=self.config.letter_prior)
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

    def _read_each(self, images: Sequence[np.ndarray], syntax: Syntax, others: bool = True) -> list[FusedLine]:
        """Read several single-line images, each on its own, with one batched inference per model.

        ``others=False``: the first recogniser alone.
        """
        first = self._scores(0, images)
        unsure = [i for i, line in enumerate(first) if not self._confident([line])]
        if others and len(self._recs) > 1 and unsure:
            others = [self._scores(m, [images[i] for i in unsure]) for m in range(1, len(self._recs))]
            extra = {i: [o[k] for o in others] for k, i in enumerate(unsure)}
        else:
            extra = {}
        out = []
        for i, line in enumerate(first):
            lines = [line, *extra.get(i, [])]
            if syntax.weight > 0.0:
                out.append(decode_row(lines, self._prior, syntax.state, syntax.state_confidence, syntax.weight,
                                      self.config.max_alternatives, letter_prior=self.config.letter_prior))
            else:
                out.append(fuse(lines, self.config.max_alternatives))
        return out

    def _extend_with_band(
        self, image: np.ndarray, row: Sequence[TextLine], fused: FusedLine, syntax: Syntax
    ) -> FusedLine:
        """Add characters the detector missed at the row's ends (a lone county digit, say).

        The full-width band of the row is read too; when it reads the row's text with extra
        confident characters before or after it, those are added.
        """
        h, w = image.shape[:2]
        left, right = min(ln.left for ln in row), max(ln.right for ln in row)
        height = max(ln.height for ln in row)
        margin = self.config.edge_margin * height
        touch = EDGE_TOUCH * height
        at_edge = margin > 0 and (left < touch or right > w - touch)
        if (right - left >= 0.85 * w and not at_edge) or not fused.text:
            return fused
        top = int(max(0, min(ln.top for ln in row)))
        bottom = int(min(h, max(ln.bottom for ln in row) + 1))
        if bottom - top < MIN_CROP_SIDE:
            return fused
        band = image[top:bottom]
        if at_edge:
            # A character at the crop's edge is read better with a margin beside it.
            side = int(round(margin))
            band = cv2.copyMakeBorder(band, 0, 0, side, side, cv2.BORDER_REPLICATE)
        band = self._read_row([band], syntax)
        at = band.text.find(fused.text)
        if at < 0:
            return fused
        end = at + len(fused.text)
        extra = band.char_confidences[:at] + band.char_confidences[end:]
        if not extra or min(extra) < self.config.band_extra_conf:
            return fused
        logger.debug("band added %d characters", len(extra))
        pre, post = band.text[:at], band.text[end:]
        return FusedLine(
            text=pre + fused.text + post,
            char_confidences=band.char_confidences[:at] + fused.char_confidences + band.char_confidences[end:],
            log_likelihood=fused.log_likelihood,
            alternatives=tuple((pre + t + post, c) for t, c in fused.alternatives),
            presence=(band.char_confidences[:at] + fused.presence + band.char_confidences[end:]) if fused.presence else (),
        )

    def _confident(self, scores: Sequence[LineScores]) -> bool:
        """Whether the first model alone is sure enough to skip the others (saves an inference)."""
        decoded = [line.greedy() for line in scores]
        chars = [c.confidence for d in decoded for c in d.chars]
        return 4 <= len(chars) <= 8 and min(chars) >= self.config.fuse_below

    def _state(self, image: np.ndarray, small: Sequence[TextLine]) -> tuple[str | None, float]:
        """State from the small lines, widest first; stops at the first confident match."""
        texts: list[str] = []
        match = None
        for line in small:
            texts.extend(t for t, _ in self.read_text([crop_line(image, line)], self.config.state_max_width))
            match = match_state(texts)
            if match is not None and match.confidence >= STATE_STOP_CONFIDENCE:
                break
        if match is None:
            return None, 0.0
        logger.debug("state %s from %r", match.code, texts)
        return match.code, match.confidence

    def read_text(self, images: Sequence[np.ndarray], max_width: int = 960) -> list[tuple[str, float]]:
        """Full-dictionary greedy reading of line images (state names, slogans).

        Args:
            images: BGR line crops.
            max_width: Widest recogniser input; longer lines are squeezed.

        Returns:
            ``(text, mean character confidence)`` per image.

        """
        model = self._state_rec
        batch, widths = rec_batch(images, max_width=max_width)
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
