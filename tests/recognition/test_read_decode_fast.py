"""The constrained decoder and the Levenshtein alignment, rewritten for speed, against their previous forms.

``constrained_texts`` (Viterbi without per-frame stacking, each character state's frames taken as one run of the
path) and ``fusion.align`` (plain lists) must give exactly what the straightforward versions gave, ties included.
"""

from __future__ import annotations

import numpy as np
import pytest

from recognition.plates import default_prior
from recognition.read.ctc import BLANK, FIRST_CHAR, OTHER
from recognition.read.decode import _INDEX, _VITERBI_MARGIN, _log_probs, constrained_texts
from recognition.read.fusion import LineScores, align
from recognition.types import PLATE_ALPHABET


def _reference_constrained(line: LineScores, formats, margin: float = _VITERBI_MARGIN) -> list[str]:
    """``constrained_texts`` as it was before session 27 (np.stack per frame, flatnonzero per position)."""
    if not formats:
        return []
    log_blank, log_char = _log_probs(line)
    t_total = log_blank.shape[0]
    class_ids: dict[str, int] = {}
    for fmt in formats:
        for allowed in fmt:
            class_ids.setdefault(allowed, len(class_ids))
    members = [np.array([_INDEX[c] for c in allowed]) for allowed in class_ids]
    class_max = np.stack([log_char[:, m].max(axis=1) for m in members], axis=1)
    p = len(formats)
    lengths = np.array([len(f) for f in formats])
    n_max = int(lengths.max())
    s_total = 2 * n_max + 1
    cls = np.zeros((p, n_max), dtype=np.int64)
    for i, fmt in enumerate(formats):
        cls[i, : len(fmt)] = [class_ids[a] for a in fmt]
    emit = np.empty((t_total, p, s_total))
    emit[:, :, 0::2] = log_blank[:, None, None]
    emit[:, :, 1::2] = class_max[:, cls]
    can_skip = np.zeros((p, s_total), dtype=bool)
    can_skip[:, 3::2] = True
    delta = np.full((p, s_total), -np.inf)
    delta[:, 0] = emit[0, :, 0]
    delta[:, 1] = emit[0, :, 1]
    back = np.zeros((t_total, p, s_total), dtype=np.int8)
    neg = np.full((p, 1), -np.inf)
    neg2 = np.full((p, 2), -np.inf)
    for t in range(1, t_total):
        options = np.stack(
            (
                delta,
                np.concatenate((neg, delta[:, :-1]), axis=1),
                np.where(can_skip, np.concatenate((neg2, delta[:, :-2]), axis=1), -np.inf),
            )
        )
        back[t] = options.argmax(axis=0)
        delta = options.max(axis=0) + emit[t]
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
        chars: list[str] = []
        for j, allowed in enumerate(formats[i]):
            frames = np.flatnonzero(states[:, i] == 2 * j + 1)
            if frames.size == 0:
                break
            m = members[class_ids[allowed]]
            chars.append(PLATE_ALPHABET[int(m[log_char[frames][:, m].sum(axis=0).argmax()])])
        if len(chars) == len(formats[i]):
            out.append("".join(chars))
    return out


def _reference_align(a: str, b: str) -> list[tuple[str, str]]:
    """``fusion.align`` as it was (numpy distance table)."""
    n, m = len(a), len(b)
    dist = np.zeros((n + 1, m + 1), dtype=np.int32)
    dist[:, 0] = np.arange(n + 1)
    dist[0, :] = np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            dist[i, j] = min(
                dist[i - 1, j] + 1, dist[i, j - 1] + 1, dist[i - 1, j - 1] + (a[i - 1] != b[j - 1])
            )
    cols: list[tuple[str, str]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and dist[i, j] == dist[i - 1, j - 1] + (a[i - 1] != b[j - 1]):
            cols.append((a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i > 0 and dist[i, j] == dist[i - 1, j] + 1:
            cols.append((a[i - 1], ""))
            i -= 1
        else:
            cols.append(("", b[j - 1]))
            j -= 1
    return cols[::-1]


def _plate_like_scores(
    rng: np.random.Generator, text: str, frames_per_char: int = 4, quantise: bool = False
) -> LineScores:
    """Folded CTC frames that spell ``text`` with noise (``quantise``: coarse values, so paths tie)."""
    rows = []
    for ch in text:
        for k in range(frames_per_char):
            row = rng.dirichlet(np.full(FIRST_CHAR + 36, 0.3))
            target = FIRST_CHAR + PLATE_ALPHABET.index(ch) if k in (1, 2) else BLANK
            row[target] += rng.uniform(0.5, 3.0)
            row[OTHER] += rng.uniform(0.0, 0.3)
            rows.append(row / row.sum())
    folded = np.asarray(rows, dtype=np.float32)
    if quantise:
        folded = np.round(folded * 4) / 4
    return LineScores(folded, folded.shape[0] - int(rng.integers(0, 3)))


@pytest.mark.parametrize("quantise", [False, True])
def test_constrained_texts_match_the_reference(quantise: bool) -> None:
    prior = default_prior()
    rng = np.random.default_rng(27)
    texts = ["ABC1234", "7XYZ529", "KM4821", "5AOJ230", "1B80338", "WXF7388", "Q0O0D8B", "AB"]
    for trial in range(60):
        text = texts[trial % len(texts)]
        line = _plate_like_scores(rng, text, frames_per_char=int(rng.integers(2, 6)), quantise=quantise)
        state = ("CA", "TX", "NY", None)[trial % 4]
        formats = prior.formats(state, min_length=max(1, len(text) - 2), max_length=len(text) + 2)
        for margin in (_VITERBI_MARGIN, 1e9):
            assert constrained_texts(line, formats, margin) == _reference_constrained(line, formats, margin)


def test_constrained_texts_of_one_frame_and_of_no_format() -> None:
    line = LineScores(np.full((1, FIRST_CHAR + 36), 1.0 / (FIRST_CHAR + 36), dtype=np.float32), 1)
    formats = [("0123456789",), ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789")]
    assert constrained_texts(line, formats) == _reference_constrained(line, formats)
    assert constrained_texts(line, []) == []


def test_align_matches_the_reference() -> None:
    rng = np.random.default_rng(5)
    alphabet = "AB01O"
    pairs = [
        ("", ""),
        ("A", ""),
        ("", "B"),
        ("ABC1234", "ABC1234"),
        ("ABC1234", "A8C123"),
        ("LJM367", "LJM0367"),
    ]
    for _ in range(300):
        a = "".join(rng.choice(list(alphabet), int(rng.integers(0, 9))))
        b = "".join(rng.choice(list(alphabet), int(rng.integers(0, 9))))
        pairs.append((a, b))
    for a, b in pairs:
        assert align(a, b) == _reference_align(a, b)
