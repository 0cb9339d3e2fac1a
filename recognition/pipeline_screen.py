"""Read every candidate cheaply first; read in full only the ones that could be a plate.

A street scene gives the detector ~2.5 text-like candidates per plate: the plate and vehicle lettering,
badges, signs and stickers. The full reader is dearest on exactly those: a text that is short, unsure
or fits no plate format triggers every refinement it has (second recogniser, row band, state lines,
five voted views), so on the US scenes ~78 % of the reading time went to candidates that were not
plates (notes/detector.md). The screen reads each candidate once with a quick reader (line detection
and one recogniser, no refinements) and gives the full read only to those whose quick reading could
be a plate (:class:`ScreenRules`); the others keep their quick reading, so nothing is dropped: a
short or odd text is still reported, only not refined.

Candidates of one image (:meth:`ScreenedReader.read_many`) are judged together: once one of them
reads as a sure plate (a digit and a letter, 5-8 characters, confident), the others need that full
plate shape too: in such a scene a letters-only or digits-only text ("CITRON", "SANDERO", "1201") is
far more often lettering than a second plate. Such a text is still reported with its quick reading.

Plates are found the same way with or without the screen (the detector is untouched); what changes
is how much is spent reading what is not a plate.

The quick and the full reader share their compiled models through :class:`RememberedModel`: a full
read of a crop starts with exactly the inferences its quick read just ran (the crop's line detection
and the first recogniser on its rows), and those are answered from memory instead of run again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from recognition.protocols import PlateReader
from recognition.read.plausibility import plate_shape_score
from recognition.types import BBox, PlateText


@dataclass(frozen=True, slots=True)
class ScreenRules:
    """Which quick readings are worth a full read.

    Alone, any reading of 3-10 characters: the quick read can lose part of a real plate's row
    ("KTA001" read "001"; the full read's row band and voted views get it back), so only fragments
    of 1-2 characters, nothing at all, or a text longer than any plate (a street name) keep their
    quick reading. Among the candidates of one image with a sure plate (:meth:`full_reads`), the
    others need the full plate shape (a digit, a letter, 5-8 characters): a make ("FIAT"), a sticker
    year ("2012") or a dealer's name then keep their quick reading.
    """

    min_chars: int = 3
    max_chars: int = 10
    min_shape: int = 0
    #: a quick reading this confident with the full plate shape (3) makes the image's other candidates
    #: need shape 3 too (> 1: never)
    sure_confidence: float = 0.9
    #: Voted views (the full reader's dearest step, for unsure readings) only for a candidate of an image
    #: whose plate-likeness before the vote is at least this share of the best other candidate's
    #: (:meth:`ScreenedReader.read_many`); the others keep their full reading without the vote. 0: every
    #: unsure reading is voted.
    vote_within: float = 0.0
    #: A quick reading of fewer than ``min_chars`` characters (a fragment of a row; not nothing) on a crop of
    #: plate shape (width / height within this range) is read in full when no candidate of the image reads as
    #: a sure plate: the quick read alone loses whole rows of real plates ("ANTI GOV" read "60", "123 ABC"
    #: read "23"; the full read gets them back). None: fragments keep their quick reading.
    fragment_aspect: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.min_chars <= self.max_chars or not 0 <= self.min_shape <= 3:
            raise ValueError("1 <= min_chars <= max_chars and 0 <= min_shape <= 3 required")
        if self.sure_confidence <= 0.0:
            raise ValueError("sure_confidence > 0 required")
        if self.vote_within < 0.0:
            raise ValueError("vote_within >= 0 required")
        if self.fragment_aspect is not None and not 0.0 < self.fragment_aspect[0] <= self.fragment_aspect[1]:
            raise ValueError("0 < fragment_aspect[0] <= fragment_aspect[1] required")

    def worth_full_read(self, quick: PlateText | None, min_shape: int | None = None) -> bool:
        """Whether ``quick`` (the quick reading of a candidate) could be a plate's reading."""
        if quick is None:
            return False
        text = _chars(quick.text)
        shape = self.min_shape if min_shape is None else min_shape
        return self.min_chars <= len(text) <= self.max_chars and plate_shape_score(text) >= shape

    def is_sure_plate(self, quick: PlateText | None) -> bool:
        """Whether ``quick`` is a confident reading with the full plate shape."""
        return (
            quick is not None
            and quick.confidence >= self.sure_confidence
            and self.worth_full_read(quick, 3)
        )

    def full_reads(self, quick: Sequence[PlateText | None],
                   sizes: Sequence[tuple[int, int]] | None = None) -> list[bool]:
        """Which candidates of one image get a full read, given their quick readings.

        ``sizes``: each candidate crop's (height, width), for :attr:`fragment_aspect`.
        """
        sure = any(self.is_sure_plate(q) for q in quick)
        shape = 3 if sure else self.min_shape
        wanted = [self.worth_full_read(q, max(shape, self.min_shape)) for q in quick]
        if sure or sizes is None or self.fragment_aspect is None:
            return wanted
        return [w or self.plate_shaped_fragment(q, size) for w, q, size in zip(wanted, quick, sizes, strict=True)]

    def plate_shaped_fragment(self, quick: PlateText | None, size: tuple[int, int]) -> bool:
        """Whether ``quick`` is a fragment of a row read on a crop of plate shape (:attr:`fragment_aspect`)."""
        if self.fragment_aspect is None or quick is None or not 0 < len(_chars(quick.text)) < self.min_chars:
            return False
        height, width = size
        lo, hi = self.fragment_aspect
        return height > 0 and lo <= width / height <= hi


class InferenceModel(Protocol):
    """What the reader needs of a compiled OCR model (:class:`recognition.read.models.CompiledOcrModel`)."""

    key: str
    characters: tuple[str, ...]

    def infer(self, batch: np.ndarray) -> np.ndarray:
        """First output for an NCHW batch."""
        ...


class RememberedModel:
    """A compiled OCR model that answers a repeated input from memory (the latest inputs).

    Inputs are told apart by shape, dtype and a 128-bit BLAKE2 digest of their bytes (~1 ms for a
    line-detection input), so only an identical batch is answered from memory; each answer is a copy.
    The memory keeps at most ``size`` answers and ``max_bytes`` of them (a recogniser's answer holds a
    score for each of its ~18,000 dictionary entries per time step: megabytes). Thread-safe: the memory
    is locked, inference runs outside the lock.
    """

    def __init__(self, model: InferenceModel, size: int = 8, max_bytes: int = 24 << 20) -> None:
        if size < 1 or max_bytes < 1:
            raise ValueError("size >= 1 and max_bytes >= 1 required")
        self.model = model
        self.key = model.key
        self.characters = model.characters
        self.size = size
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._memory: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:  # path, compiled, ...: the wrapped model's
        if name == "model":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.model, name)

    @property
    def held_bytes(self) -> int:
        """Bytes of the answers held in memory."""
        return self._bytes

    def infer(self, batch: np.ndarray) -> np.ndarray:
        """The model's output for ``batch``, from memory when the same batch was inferred lately."""
        data = np.ascontiguousarray(batch)
        key = (data.shape, data.dtype.str, hashlib.blake2b(data.data, digest_size=16).digest())
        with self._lock:
            known = self._memory.get(key)
            if known is not None:
                self._memory.move_to_end(key)
                self.hits += 1
                return known.copy()
        out = self.model.infer(batch)
        with self._lock:
            self.misses += 1
            if key not in self._memory and out.nbytes <= self.max_bytes:
                self._memory[key] = np.array(out, copy=True)
                self._bytes += out.nbytes
            while len(self._memory) > self.size or self._bytes > self.max_bytes:
                self._bytes -= self._memory.popitem(last=False)[1].nbytes
        return out


def screened_reader(config: object | None = None, screen: bool = True, rules: ScreenRules | None = None) -> PlateReader:
    """The shipped reader (``config``: a ``ReaderConfig``), screened by a quick reader sharing its models.

    The quick reader is the same reader with its refinements off (no second recogniser, row band,
    state lines or voted views): about a third of a full read on plates, far less on lettering. The two
    share :class:`RememberedModel` wrappers, so a full read does not repeat its quick read's inferences.
    ``screen=False`` gives the full reader alone (crops known to be plates); ``rules``: which candidates
    are read in full and voted (default :class:`ScreenRules`).
    """
    from recognition.read import OpenVinoPlateReader, ReaderConfig, load_model

    cfg = config if isinstance(config, ReaderConfig) else ReaderConfig()
    keys = [cfg.det_model, "v6_rec"] + (["v4_rec"] if cfg.use_v4 or cfg.read_state else [])
    compiled = {key: load_model(key, cfg.device, cfg.precision, cfg.threads, hint=cfg.hint) for key in keys}
    if not screen:
        return OpenVinoPlateReader(cfg, compiled)
    models: dict[str, Any] = {key: RememberedModel(model) for key, model in compiled.items()}
    full = OpenVinoPlateReader(cfg, models)
    quick_cfg = cfg.model_copy(update={"use_v4": False, "read_state": False, "band_extra_conf": 1.0, "vote_below": 0.0})
    return ScreenedReader(OpenVinoPlateReader(quick_cfg, models), full, rules)


def _chars(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


class ScreenedReader:
    """A :class:`~recognition.protocols.PlateReader` that reads quickly first and fully where it pays.

    Args:
        quick: Cheap reader (e.g. the full reader's models with its refinements off).
        full: The reader whose reading is reported for plate-like candidates.
        rules: Which quick readings get a full read.

    """

    def __init__(self, quick: PlateReader, full: PlateReader, rules: ScreenRules | None = None) -> None:
        self.quick = quick
        self.full = full
        self.rules = rules or ScreenRules()
        self.full_reads = 0  # candidates read in full (for benchmarks)
        self.quick_only = 0  # candidates that kept their quick reading
        self.votes = 0  # unsure full readings given the voted views (``rules.vote_within`` > 0)
        self.unvoted = 0  # unsure full readings left without them

    def read(self, crop: np.ndarray) -> PlateText | None:
        """Quick reading of ``crop``, replaced by the full reading when the quick one could be a plate."""
        first = self.quick.read(crop)
        if not self.rules.worth_full_read(first) and not self.rules.plate_shaped_fragment(first, crop.shape[:2]):
            self.quick_only += 1
            return first
        self.full_reads += 1
        return self.full.read(crop)

    def read_many(self, crops: Sequence[np.ndarray]) -> list[PlateText | None]:
        """Readings of the candidates of ONE image (same order), judged together (:meth:`ScreenRules.full_reads`).

        A candidate whose quick reading has the full plate shape is read in full whatever the others
        read, so right away (its quick read's inferences are still in the shared models' memory); the
        others wait until every quick reading of the image is known. With ``rules.vote_within`` the
        voted views of unsure full readings come last, most plate-like candidate first
        (:meth:`_settle_votes`).
        """
        defer = self.rules.vote_within > 0.0 and hasattr(self.full, "read_unvoted")
        read_full = self.full.read_unvoted if defer else self.full.read
        quick: list[PlateText | None] = []
        full: dict[int, Any] = {}
        for i, crop in enumerate(crops):
            quick.append(self.quick.read(crop))
            if self.rules.worth_full_read(quick[-1], 3):
                full[i] = read_full(crop)
        wanted_full = self.rules.full_reads(quick, [c.shape[:2] for c in crops])
        out: list[Any] = []
        for i, (crop, first, wanted) in enumerate(zip(crops, quick, wanted_full, strict=True)):
            if wanted:
                self.full_reads += 1
                out.append(full[i] if i in full else read_full(crop))
            else:
                self.quick_only += 1
                out.append(first)
        return self._settle_votes(crops, out) if defer else out

    def _settle_votes(self, crops: Sequence[np.ndarray], readings: list[Any]) -> list[PlateText | None]:
        """Finish the full reads of one image (:meth:`~recognition.read.reader.OpenVinoPlateReader.read_unvoted`).

        An unsure reading gets the voted views only when, before them, it is at least
        ``rules.vote_within`` times as plate-like (:func:`recognition.ranking.still_likeness`, the order
        ``read`` reports plates in; box = the crop) as the best other candidate as it stands then, so
        the candidates that could come first are settled by the vote and lettering beside a plate is
        not. Most plate-like first, so a voted reading counts for the ones after it. Nothing is
        dropped: an unvoted candidate keeps its full reading.
        """
        from recognition.ranking import still_likeness
        from recognition.read.reader import PendingRead

        boxes = [BBox(0, 0, int(c.shape[1]), int(c.shape[0])) for c in crops]
        out: list[PlateText | None] = [None if isinstance(r, PendingRead) else r for r in readings]
        pending = {i: r for i, r in enumerate(readings) if isinstance(r, PendingRead)}
        likeness = [
            still_likeness(r.reading if isinstance(r, PendingRead) else r, box)
            for r, box in zip(readings, boxes, strict=True)
        ]
        for i in sorted(pending, key=lambda k: (-likeness[k], k)):
            best_other = max((v for k, v in enumerate(likeness) if k != i), default=0.0)
            vote = pending[i].unsure and likeness[i] >= self.rules.vote_within * best_other
            self.votes += vote
            self.unvoted += pending[i].unsure and not vote
            out[i] = self.full.finish(pending[i], vote=vote)
            likeness[i] = still_likeness(out[i], boxes[i])
        return out

    def state_of(self, crop: np.ndarray) -> tuple[str | None, float]:
        """The full reader's state reading (the tracker reads the state once per vehicle)."""
        state_of = getattr(self.full, "state_of", None)
        return state_of(crop) if state_of is not None else (None, 0.0)
