"""Decode a plate row's CTC outputs with the plate-syntax prior (constrained search + re-ranking).

Candidates come from three places:

1. each recogniser's greedy text and every per-column mix of two of them (as :mod:`fusion` does);
2. for every plate format of the prior (the read state's first), the best string that fits the
   format under each recogniser: a Viterbi search over the CTC frames whose character states only
   emit the characters the format allows at that position (so "5AOJ230" can become "5A0J230",
   and a cactus read as a leading "4" can fall out of a six-character format as blank frames);
3. single look-alike swaps (O/0, B/8 ...) of the best unconstrained text.

Every candidate is scored ``sum over recognisers of log P_ctc(text | frames) + weight * boost``
where ``boost`` is :meth:`PlatePrior.boost` (log prior relative to a uniform string). A vanity
plate that fits no format keeps the same constant boost as any other unlisted string, so it reads
as the recognisers see it: a format is preferred, never forced.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from recognition.plates.prior import PlatePrior
from recognition.read.ctc import BLANK, FIRST_CHAR, OTHER
from recognition.read.fusion import LOOKALIKE_OF, FusedLine, LineScores, align, char_confidences_of, mixes
from recognition.read.letters import letter_shift, letter_swaps
from recognition.types import PLATE_ALPHABET

_EPS = 1e-8
_INDEX = {c: i for i, c in enumerate(PLATE_ALPHABET)}
#: Formats whose constrained path scores this far below the best one are not decoded further.
_VITERBI_MARGIN = 20.0
_MAX_MODEL_MIXES = 16


def concat_scores(parts: Sequence[LineScores]) -> LineScores:
    """Join the frames of a row's parts (left to right) with one blank frame between parts."""
    if len(parts) == 1:
        return parts[0]
    width = parts[0].folded.shape[1]
    sep = np.zeros((1, width), dtype=np.float32)
    sep[0, BLANK] = 1.0
    chunks: list[np.ndarray] = []
    for i, part in enumerate(parts):
        if i:
            chunks.append(sep)
        chunks.append(part.folded[: max(1, min(part.frames, part.folded.shape[0]))])
    joined = np.concatenate(chunks, axis=0)
    return LineScores(joined, joined.shape[0])


def _log_probs(line: LineScores) -> tuple[np.ndarray, np.ndarray]:
    """``(log P(blank or other) [T], log P(char) [T, 36])`` over the valid frames."""
    probs = line.folded[: max(1, min(line.frames, line.folded.shape[0]))].astype(np.float64)
    return np.log(probs[:, BLANK] + probs[:, OTHER] + _EPS), np.log(probs[:, FIRST_CHAR:] + _EPS)


def log_likelihoods(line: LineScores, texts: Sequence[str]) -> np.ndarray:
    """CTC log-likelihood of many texts at once (forward algorithm, batched over texts).

    Equals :func:`recognition.read.ctc.ctc_log_likelihood` for each text.
    """
    log_blank, log_char = _log_probs(line)
    k = len(texts)
    if k == 0:
        return np.zeros(0)
    lengths = np.array([len(t) for t in texts])
    n_max = max(1, int(lengths.max()))
    labels = np.zeros((k, n_max), dtype=np.int64)
    for i, text in enumerate(texts):
        labels[i, : len(text)] = [_INDEX[c] for c in text]
    s_total = 2 * n_max + 1
    skip = np.zeros((k, s_total), dtype=bool)
    skip[:, 3::2] = labels[:, 1:] != labels[:, :-1]
    t_total = log_blank.shape[0]
    emit = np.empty((t_total, k, s_total))
    emit[:, :, 0::2] = log_blank[:, None, None]
    emit[:, :, 1::2] = log_char[:, labels]
    alpha = np.full((k, s_total), -np.inf)
    alpha[:, 0] = emit[0, :, 0]
    alpha[:, 1] = emit[0, :, 1]
    neg = np.full((k, 1), -np.inf)
    neg2 = np.full((k, 2), -np.inf)
    for t in range(1, t_total):
        prev1 = np.concatenate((neg, alpha[:, :-1]), axis=1)
        prev2 = np.where(skip, np.concatenate((neg2, alpha[:, :-2]), axis=1), -np.inf)
        alpha = np.logaddexp(np.logaddexp(alpha, prev1), prev2) + emit[t]
    rows = np.arange(k)
    last = alpha[rows, 2 * lengths]
    before = np.where(lengths > 0, alpha[rows, np.maximum(2 * lengths - 1, 0)], -np.inf)
    return np.logaddexp(last, before)


def constrained_texts(line: LineScores, formats: Sequence[tuple[str, ...]], margin: float = _VITERBI_MARGIN) -> list[str]:
    """Best text fitting each format under one recogniser (Viterbi over the CTC frames).

    A character state of position j emits the best character its class allows in that frame;
    after the best path is found, each position takes the class character with the highest
    summed log-probability over its frames. Formats whose best path is more than ``margin``
    below the best format's are skipped.
    """
    if not formats:
        return []
    log_blank, log_char = _log_probs(line)
    t_total = log_blank.shape[0]
    class_ids: dict[str, int] = {}
    for fmt in formats:
        for allowed in fmt:
            class_ids.setdefault(allowed, len(class_ids))
    members = [np.array([_INDEX[c] for c in allowed]) for allowed in class_ids]
    class_max = np.stack([log_char[:, m].max(axis=1) for m in members], axis=1)  # [T, C]
    p = len(formats)
    lengths = np.array([len(f) for f in formats])
    n_max = int(lengths.max())
    if t_total < 1:
        return []
    s_total = 2 * n_max + 1
    cls = np.zeros((p, n_max), dtype=np.int64)
    for i, fmt in enumerate(formats):
        cls[i, : len(fmt)] = [class_ids[a] for a in fmt]
    emit = np.empty((t_total, p, s_total))
    emit[:, :, 0::2] = log_blank[:, None, None]
    emit[:, :, 1::2] = class_max[:, cls]
    delta = np.full((p, s_total), -np.inf)
    delta[:, 0] = emit[0, :, 0]
    delta[:, 1] = emit[0, :, 1]
    back = np.zeros((t_total, p, s_total), dtype=np.int8)
    # Predecessors of each state: itself, the state before, and (character states from the second one on) the
    # character two states before. Ties go to the first of the three (as ``argmax`` over them would).
    prev1 = np.full((p, s_total), -np.inf)
    prev2 = np.full((p, s_total), -np.inf)
    for t in range(1, t_total):
        prev1[:, 1:] = delta[:, :-1]
        prev2[:, 3::2] = delta[:, 1:-2:2]
        step = prev1 > delta
        best = np.where(step, prev1, delta)
        jump = prev2 > best
        back[t] = np.where(jump, 2, step)
        delta = np.maximum(best, prev2, out=best)
        delta += emit[t]
    rows = np.arange(p)
    end_a, end_b = delta[rows, 2 * lengths], delta[rows, 2 * lengths - 1]
    final = np.maximum(end_a, end_b)
    state = np.where(end_a >= end_b, 2 * lengths, 2 * lengths - 1)
    keep = np.flatnonzero(final >= final.max() - margin)
    states = np.empty((t_total, p), dtype=np.int64)
    for t in range(t_total - 1, -1, -1):
        states[t] = state
        state = state - back[t, rows, state]
    out: list[str] = []
    for i in keep:
        path = states[:, i]
        # The path never goes back, so each character state's frames are one run of the path.
        runs = np.flatnonzero(np.diff(path, prepend=-1))
        run_state = path[runs]
        starts = dict(zip(run_state.tolist(), runs.tolist(), strict=True))
        ends = dict(zip(run_state.tolist(), np.append(runs[1:], t_total).tolist(), strict=True))
        chars: list[str] = []
        for j, allowed in enumerate(formats[i]):
            start = starts.get(2 * j + 1)
            if start is None:
                break
            m = members[class_ids[allowed]]
            chars.append(PLATE_ALPHABET[int(m[log_char[start : ends[2 * j + 1]][:, m].sum(axis=0).argmax()])])
        if len(chars) == len(formats[i]):
            out.append("".join(chars))
    return out


def _model_mixes(texts: Sequence[str]) -> set[str]:
    """Per-position mixes of equal-length texts (the recognisers' fits of one format)."""
    out = set(texts)
    if len(texts) == 2 and len(texts[0]) == len(texts[1]):
        options = [sorted({a, b}) for a, b in zip(texts[0], texts[1], strict=True)]
        if math.prod(len(o) for o in options) <= _MAX_MODEL_MIXES:
            out.update("".join(x) for x in itertools.product(*options))
    return out


def _edits_allowed(text: str, plain: str, presence: Sequence[float], max_delete_presence: float) -> bool:
    """Whether ``text`` differs from the recognisers' own best ``plain`` only as the prior may.

    Substitutions are free (the likelihood prices them); no character may be added, and only
    characters with presence below ``max_delete_presence`` may be dropped.
    """
    if len(text) > len(plain):
        return False
    if len(text) == len(plain):
        return True
    k = 0
    for x, y in align(text, plain):
        if x and not y:
            return False
        if y:
            if not x and presence[k] >= max_delete_presence:
                return False
            k += 1
    return True


def decode_row(
    lines: Sequence[LineScores],
    prior: PlatePrior | None,
    state: str | None = None,
    state_confidence: float = 0.0,
    weight: float = 1.0,
    max_alternatives: int = 4,
    max_delete_presence: float = 0.75,
    letter_prior: float = 0.0,
) -> FusedLine:
    """Most likely plate text of one row under the recognisers and the syntax prior.

    Args:
        lines: One :class:`LineScores` per recogniser, each covering the whole row (parts joined
            with :func:`concat_scores`).
        prior: Plate-syntax prior; None (or ``weight`` 0) scores by the recognisers alone.
        state: Jurisdiction read on the plate, if any.
        state_confidence: Confidence of that state read.
        weight: Scale of the prior's log-odds against the recognisers' log-likelihood.
        max_alternatives: Alternatives kept.
        max_delete_presence: The prior may drop a character the recognisers read only when they
            are less sure than this that a character is there at all; it never adds one.
        letter_prior: Scale of the letter-frequency correction (:mod:`recognition.read.letters`):
            a letter swapped for a rarer look-alike letter gains ``letter_prior`` times their
            log-frequency ratio against the recognisers' own best reading (0: off).

    """
    decodings = [line.greedy() for line in lines]
    candidates = mixes([d.text for d in decodings])
    for decoded in decodings:
        text = decoded.text
        for i, ch in enumerate(text):
            candidates.update(text[:i] + other + text[i + 1 :] for other in LOOKALIKE_OF.get(ch, ""))
        if letter_prior > 0.0:
            candidates.update(letter_swaps(text))
    use_prior = prior is not None and weight > 0.0
    if use_prior:
        lengths = [len(d.text) for d in decodings]
        formats = prior.formats(state, min_length=max(1, min(lengths) - 2), max_length=max(lengths) + 2)
        fits = [constrained_texts(line, formats) for line in lines]
        for per_model in fits:
            candidates.update(per_model)
        if len(fits) == 2:
            for a, b in itertools.product(fits[0], fits[1]):
                if len(a) == len(b) and a != b and sum(x != y for x, y in zip(a, b, strict=True)) <= 3:
                    candidates.update(_model_mixes([a, b]))
    candidates.discard("")
    if not candidates:
        return FusedLine("", (), float(sum(_log_probs(line)[0].sum() for line in lines)))
    ordered = sorted(candidates)
    # Mean, not sum, over recognisers: the prior weighs the same whether one or two of them ran.
    ll = np.mean([log_likelihoods(line, ordered) for line in lines], axis=0)
    score = ll.copy()
    plain = ordered[int(np.lexsort((-np.array([len(t) for t in ordered]), -ll))[0])]
    if letter_prior > 0.0:
        score += [letter_shift(text, plain, letter_prior) for text in ordered]
    if use_prior:
        presence = char_confidences_of(plain, decodings, presence=True)
        for i, text in enumerate(ordered):
            if _edits_allowed(text, plain, presence, max_delete_presence):
                score[i] += weight * prior.boost(text, state, state_confidence)
            else:
                score[i] = -np.inf
    rank = np.lexsort((-np.array([len(t) for t in ordered]), -score))
    best = ordered[int(rank[0])]
    confidences = char_confidences_of(best, decodings)
    base = float(np.mean(confidences)) if confidences else 0.0
    alternatives = []
    for i in rank[1 : 1 + max(0, max_alternatives)]:
        alternatives.append((ordered[int(i)], round(base * math.exp(min(0.0, float(score[i] - score[rank[0]]))), 4)))
    presence = char_confidences_of(best, decodings, presence=True)
    return FusedLine(best, confidences, float(ll[rank[0]]), tuple(alternatives), presence)
