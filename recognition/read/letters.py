"""Undo the natural-text letter prior the recognisers learned, for letter-for-letter choices on plates.

PP-OCR's recognisers were trained on natural text, so their softmax leans towards common letters:
an O with a faint tail reads "O" (7.5 % of English letters) rather than "Q" (0.1 %), an M with soft
middle strokes "H" (6.1 %) or "N" (6.7 %) rather than "M" (2.4 %). Plate serial letters are close
to uniform, so the decoder may add back ``alpha * (log f(read) - log f(candidate))`` for each
letter a candidate puts where the recognisers' own best reading has another letter. Only
letter-for-letter changes are priced: a letter against a digit is the format prior's business
(:mod:`recognition.plates.prior`), and the recognisers' own best reading is never moved by this
term alone (its shift is 0).
"""

from __future__ import annotations

import math

#: Relative frequency (%) of letters in English text (a public table, e.g. Lewand 2000).
ENGLISH_LETTER_PCT: dict[str, float] = {
    "A": 8.2, "B": 1.5, "C": 2.8, "D": 4.3, "E": 12.7, "F": 2.2, "G": 2.0, "H": 6.1, "I": 7.0,
    "J": 0.15, "K": 0.77, "L": 4.0, "M": 2.4, "N": 6.7, "O": 7.5, "P": 1.9, "Q": 0.095, "R": 6.0,
    "S": 6.3, "T": 9.1, "U": 2.8, "V": 0.98, "W": 2.4, "X": 0.15, "Y": 2.0, "Z": 0.074,
}  # fmt: skip
_LOG_PCT = {c: math.log(p) for c, p in ENGLISH_LETTER_PCT.items()}

#: Letters plates print alike at small sizes; each is offered as a candidate for the others.
LETTER_LOOKALIKES: tuple[str, ...] = ("OQD", "MHNW", "GC", "UV", "EF", "PR", "IJ")
LETTER_LOOKALIKE_OF: dict[str, str] = {
    c: "".join(group.replace(c, "") for group in LETTER_LOOKALIKES if c in group)
    for c in set("".join(LETTER_LOOKALIKES))
}


def letter_swaps(text: str) -> set[str]:
    """Every single letter-for-letter look-alike swap of ``text`` (candidates for the decoder)."""
    out: set[str] = set()
    for i, ch in enumerate(text):
        out.update(text[:i] + other + text[i + 1 :] for other in LETTER_LOOKALIKE_OF.get(ch, ""))
    return out


def letter_shift(text: str, reference: str, alpha: float) -> float:
    """Log-odds for ``text`` against the recognisers' ``reference`` reading, letter for letter.

    ``alpha * sum(log f(ref) - log f(cand))`` over the positions where ``text`` holds a look-alike
    of the reference's letter (:data:`LETTER_LOOKALIKES`); 0 for texts of another length (their
    letters are not paired) and for ``reference`` itself.
    """
    if alpha <= 0.0 or len(text) != len(reference):
        return 0.0
    shift = 0.0
    for cand, ref in zip(text, reference, strict=True):
        if cand != ref and cand in LETTER_LOOKALIKE_OF.get(ref, ""):
            shift += _LOG_PCT[ref] - _LOG_PCT[cand]
    return alpha * shift
