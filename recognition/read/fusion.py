"""Fuse the readings of several CTC recognisers of one line and list look-alike alternatives.

Each model's greedy text is a candidate; so is every mix of the two where they disagree (per
aligned column, either model's choice, including "no character"). Every candidate is scored by
the sum of its CTC log-likelihood under each model (all alignments, :func:`ctc_log_likelihood`)
and the best one wins. The models' time axes need not line up, because each model scores whole
strings on its own frames.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recognition.read.ctc import Decoded, ctc_log_likelihood, greedy_decode
from recognition.types import PLATE_ALPHABET

#: Character pairs plates print alike; each is offered as an alternative of the other.
LOOKALIKES: tuple[str, ...] = ("O0", "I1", "B8", "S5", "Z2", "G6", "D0", "Q0", "OQ")
LOOKALIKE_OF: dict[str, str] = {
    c: "".join(p.replace(c, "") for p in LOOKALIKES if c in p) for c in set("".join(LOOKALIKES))
}
_MAX_MIXES = 64


@dataclass(frozen=True, slots=True, eq=False)
class LineScores:
    """One model's folded CTC probabilities for a line and the frames that cover it."""

    folded: np.ndarray
    frames: int

    def greedy(self) -> Decoded:
        """Best-path decoding."""
        return greedy_decode(self.folded, self.frames)

    def log_likelihood(self, text: str) -> float:
        """CTC log-likelihood of ``text``."""
        return ctc_log_likelihood(self.folded, text, self.frames)


@dataclass(frozen=True, slots=True)
class FusedLine:
    """Fused text of a line with per-character confidences and its joint log-likelihood."""

    text: str
    char_confidences: tuple[float, ...]
    log_likelihood: float
    alternatives: tuple[tuple[str, float], ...] = ()
    #: Per character: how surely a character is there at all (its position's top score), whichever
    #: character was chosen; empty means the same as ``char_confidences``.
    presence: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        """Mean character confidence (0 for an empty line)."""
        return float(np.mean(self.char_confidences)) if self.char_confidences else 0.0


def align(a: str, b: str) -> list[tuple[str, str]]:
    """Levenshtein alignment as columns ``(char of a or "", char of b or "")``."""
    n, m = len(a), len(b)
    # Plain lists: element access on a numpy array costs more than the arithmetic here.
    dist = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dist[i][0] = i
    dist[0] = list(range(m + 1))
    for i in range(1, n + 1):
        row, above, ai = dist[i], dist[i - 1], a[i - 1]
        for j in range(1, m + 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (ai != b[j - 1]))
    cols: list[tuple[str, str]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and dist[i][j] == dist[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            cols.append((a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and dist[i][j] == dist[i - 1][j] + 1:
            cols.append((a[i - 1], ""))
            i -= 1
        else:
            cols.append(("", b[j - 1]))
            j -= 1
    return cols[::-1]


def mixes(texts: Sequence[str]) -> set[str]:
    """Return the texts plus every per-column mix of the first two (capped at 64)."""
    out = set(texts)
    if len(texts) < 2:
        return out
    options = [sorted({x, y}) for x, y in align(texts[0], texts[1])]
    if math.prod(len(o) for o in options) <= _MAX_MIXES:
        out.update("".join(p) for p in itertools.product(*options))
    return out


def char_confidences_of(text: str, decodings: Sequence[Decoded], presence: bool = False) -> tuple[float, ...]:
    """Per character of ``text``: mean over models of the model's peak score for it (0 if absent).

    With ``presence``, the aligned character's own confidence is used instead, whichever
    character ``text`` holds there: how surely there is a character at all.
    """
    totals = np.zeros(len(text))
    for decoded in decodings:
        cols = align(text, decoded.text)
        k = 0  # index into decoded.chars
        i = 0  # index into text
        for x, y in cols:
            if x and y:
                char = decoded.chars[k]
                totals[i] += char.confidence if presence else char.scores[PLATE_ALPHABET.index(x)]
            if x:
                i += 1
            if y:
                k += 1
    return tuple(float(round(v / max(1, len(decodings)), 4)) for v in totals)


def fuse(lines: Sequence[LineScores], max_alternatives: int = 4) -> FusedLine:
    """Fuse the readings of one line by several models.

    Args:
        lines: One :class:`LineScores` per model (same line image).
        max_alternatives: Look-alike alternatives to keep.

    Returns:
        The most likely text under all models together.

    """
    decodings = [line.greedy() for line in lines]
    candidates = mixes([d.text for d in decodings])

    def joint(text: str) -> float:
        return sum(line.log_likelihood(text) for line in lines)

    scored = {c: joint(c) for c in candidates}
    best = max(scored, key=lambda c: (scored[c], len(c)))
    confidences = char_confidences_of(best, decodings)
    alternatives = _alternatives(best, scored[best], confidences, joint, max_alternatives)
    return FusedLine(best, confidences, scored[best], alternatives)


def _alternatives(
    text: str, best_ll: float, confidences: tuple[float, ...], joint, limit: int
) -> tuple[tuple[str, float], ...]:
    """Single look-alike swaps of ``text`` with confidences relative to the best reading.

    An alternative's confidence is the reading's mean confidence times the likelihood ratio
    ``P(alt) / P(best)`` under the fused models, so a swap the models find nearly as likely
    keeps a confidence close to the best reading's.
    """
    if limit <= 0 or not text:
        return ()
    base = float(np.mean(confidences)) if confidences else 0.0
    found: dict[str, float] = {}
    for i, ch in enumerate(text):
        for other in LOOKALIKE_OF.get(ch, ""):
            alt = text[:i] + other + text[i + 1 :]
            ratio = math.exp(min(0.0, joint(alt) - best_ll))
            found[alt] = round(base * ratio, 4)
    ranked = sorted(found.items(), key=lambda kv: -kv[1])
    return tuple(ranked[:limit])


def drop_weak(line: FusedLine, floor: float, min_length: int = 4) -> FusedLine:
    """Drop characters read with confidence below ``floor`` (state graphics read as characters).

    Nothing is dropped when fewer than ``min_length`` characters would remain. The undropped
    text stays available as an alternative.
    """
    keep = [i for i, c in enumerate(line.presence or line.char_confidences) if c >= floor]
    if len(keep) == len(line.text) or len(keep) < min_length:
        return line
    text = "".join(line.text[i] for i in keep)
    confidences = tuple(line.char_confidences[i] for i in keep)
    presence = tuple(line.presence[i] for i in keep) if line.presence else ()
    base = float(np.mean(confidences))
    alternatives = [("".join(t[i] for i in keep), c) for t, c in line.alternatives if len(t) == len(line.text)]
    alternatives.append((line.text, round(line.confidence * 0.5, 4)))
    seen: dict[str, float] = {}
    for t, c in alternatives:
        if t != text:
            seen[t] = max(min(c, base), seen.get(t, 0.0))
    return FusedLine(
        text, confidences, line.log_likelihood, tuple(seen.items())[: max(1, len(line.alternatives))], presence
    )
