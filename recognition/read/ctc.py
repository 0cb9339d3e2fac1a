"""CTC greedy decoding restricted to the plate alphabet (0-9A-Z).

PaddleOCR recognisers score thousands of classes (Chinese, symbols, lowercase). For plates we fold
the model's dictionary onto 36 plate characters plus two pseudo-classes: the CTC blank and
"other" (any symbol that is not a plate character: hyphens, dots, Chinese, emoji ...). Lowercase
letters and full-width forms add their probability to the uppercase character, so a model that
prefers "o" over "O" still votes for O. "Other" acts as a separator, which strips hyphens and
graphics between characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recognition.types import PLATE_ALPHABET

#: Index of the CTC blank in the folded class axis; "other" is 1; plate characters start at 2.
BLANK = 0
OTHER = 1
FIRST_CHAR = 2


@dataclass(frozen=True, slots=True)
class DecodedChar:
    """One emitted character with its confidence and the folded class scores behind it.

    ``scores`` holds the peak probability of each of the 36 plate characters over the frames
    of this character (indexed like :data:`PLATE_ALPHABET`); alternatives come from it.
    ``position`` is the centre of the character's frames as a fraction of the decoded width.
    """

    char: str
    confidence: float
    scores: tuple[float, ...]
    position: float


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded line: characters in reading order."""

    chars: tuple[DecodedChar, ...]

    @property
    def text(self) -> str:
        """Characters joined."""
        return "".join(c.char for c in self.chars)

    @property
    def confidence(self) -> float:
        """Geometric-mean-like summary: the mean of character confidences (0 when empty)."""
        if not self.chars:
            return 0.0
        return float(np.mean([c.confidence for c in self.chars]))


def plate_char_of(symbol: str) -> str | None:
    """Plate character a dictionary symbol stands for (``"a"`` -> ``"A"``), or None."""
    if len(symbol) != 1:
        return None
    folded = unicodedata.normalize("NFKC", symbol).upper()
    return folded if len(folded) == 1 and folded in PLATE_ALPHABET else None


def build_fold_matrix(characters: Sequence[str]) -> np.ndarray:
    """Map every class of a model dictionary onto the folded class axis.

    Args:
        characters: The model's classes, blank first (as :class:`CompiledOcrModel` holds them).

    Returns:
        An int array, one entry per model class, with the folded class index
        (:data:`BLANK`, :data:`OTHER` or :data:`FIRST_CHAR` + position in PLATE_ALPHABET).

    """
    target = np.full(len(characters), OTHER, dtype=np.int64)
    target[0] = BLANK
    for i, symbol in enumerate(characters[1:], start=1):
        ch = plate_char_of(symbol)
        if ch is not None:
            target[i] = FIRST_CHAR + PLATE_ALPHABET.index(ch)
    return target


def fold_probs(probs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Sum per-frame probabilities ``[T, C]`` onto the folded axis ``[T, 2 + 36]``."""
    folded = np.zeros((probs.shape[0], FIRST_CHAR + len(PLATE_ALPHABET)), dtype=np.float32)
    np.add.at(folded.T, target, probs.T)
    return folded


class FoldedDictionary:
    """Precomputed folding of one model's dictionary (cheap to apply per line)."""

    def __init__(self, characters: Sequence[str]) -> None:
        target = build_fold_matrix(characters)
        self._char_idx = np.flatnonzero(target >= FIRST_CHAR)
        self._char_target = target[self._char_idx] - FIRST_CHAR
        self.size = len(characters)

    def fold(self, probs: np.ndarray) -> np.ndarray:
        """Fold ``[T, C]`` softmax output to ``[T, 38]`` (blank, other, 36 characters)."""
        t = probs.shape[0]
        out = np.zeros((t, FIRST_CHAR + len(PLATE_ALPHABET)), dtype=np.float32)
        out[:, BLANK] = probs[:, 0]
        chars = np.zeros((t, len(PLATE_ALPHABET)), dtype=np.float32)
        np.add.at(chars.T, self._char_target, probs[:, self._char_idx].T)
        out[:, FIRST_CHAR:] = chars
        out[:, OTHER] = np.clip(1.0 - out[:, BLANK] - chars.sum(axis=1), 0.0, 1.0)
        return out


def greedy_decode(folded: np.ndarray, valid_frames: int | None = None) -> Decoded:
    """Best-path CTC decoding on folded probabilities.

    Args:
        folded: ``[T, 38]`` probabilities from :meth:`FoldedDictionary.fold`.
        valid_frames: Frames that cover the image (the rest is right padding); all by default.

    Returns:
        The decoded characters; a character's confidence is its peak probability over its run.

    """
    t_total = folded.shape[0] if valid_frames is None else max(1, min(valid_frames, folded.shape[0]))
    best = folded[:t_total].argmax(axis=1)
    chars: list[DecodedChar] = []
    t = 0
    while t < t_total:
        label = int(best[t])
        end = t + 1
        while end < t_total and best[end] == label:
            end += 1
        if label >= FIRST_CHAR:
            run = folded[t:end, FIRST_CHAR:]
            peak = run.max(axis=0)
            chars.append(
                DecodedChar(
                    char=PLATE_ALPHABET[label - FIRST_CHAR],
                    confidence=float(peak[label - FIRST_CHAR]),
                    scores=tuple(float(x) for x in peak),
                    position=(t + end) / 2.0 / t_total,
                )
            )
        t = end
    return Decoded(tuple(chars))


def ctc_log_likelihood(folded: np.ndarray, text: str, valid_frames: int | None = None) -> float:
    """Log-probability that a CTC model emits ``text`` (forward algorithm, all alignments).

    "Other" symbols are merged into the blank: a hyphen or graphic between characters is a
    separator, not a character the plate text must contain.

    Args:
        folded: ``[T, 38]`` folded probabilities.
        text: Candidate made of PLATE_ALPHABET characters.
        valid_frames: Frames covering the image (padding excluded).

    """
    t_total = folded.shape[0] if valid_frames is None else max(1, min(valid_frames, folded.shape[0]))
    probs = folded[:t_total]
    eps = 1e-8
    log_blank = np.log(probs[:, BLANK] + probs[:, OTHER] + eps)
    if not text:
        return float(log_blank.sum())
    labels = [FIRST_CHAR + PLATE_ALPHABET.index(c) for c in text]
    ext = np.full(2 * len(labels) + 1, -1, dtype=np.int64)
    ext[1::2] = labels
    n = len(ext)
    log_char = np.log(probs[:, FIRST_CHAR:] + eps)
    emit = np.empty((t_total, n), dtype=np.float64)
    emit[:, 0::2] = log_blank[:, None]
    emit[:, 1::2] = log_char[:, np.asarray(labels) - FIRST_CHAR]
    # Skip transition s-2 -> s allowed for a character unless it repeats the previous one.
    skip = np.zeros(n, dtype=bool)
    for s in range(3, n, 2):
        skip[s] = ext[s] != ext[s - 2]
    alpha = np.full(n, -np.inf)
    alpha[0] = emit[0, 0]
    alpha[1] = emit[0, 1]
    for t in range(1, t_total):
        prev1 = np.concatenate(([-np.inf], alpha[:-1]))
        prev2 = np.concatenate(([-np.inf, -np.inf], alpha[:-2]))
        prev2 = np.where(skip, prev2, -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, prev1), prev2) + emit[t]
    return float(np.logaddexp(alpha[-1], alpha[-2]))
