"""Plate-syntax prior: how much more plate-like a text is than an arbitrary string of its length.

For one jurisdiction J the table defines a generative model of plate text::

    P(text | J) = sum over formats f of J that text fits:  w_f / Z * 1 / |strings f can make|
                + vanity_J / Z * L_J(len) * 36 ** -len          (personalised: any characters)

with ``Z = sum(w_f) + vanity_J`` and ``L_J`` uniform over 2..max_length (lengths outside that
range keep a small share, so nothing is impossible). Without a state the prior is the mixture over
all jurisdictions weighted by registrations; with a state read at confidence c it is
``c * P(text | state) + (1 - c) * P(text)``.

The decoder adds ``boost = log P(text) + len * log 36`` to the recognisers' log-likelihood: the
CTC posteriors already treat every character alike, so only the prior's departure from a uniform
string model is added. A vanity plate therefore keeps a length-neutral constant and reads as the
recognisers see it; a reading that fits a format gains up to ~10 nats, enough to settle O/0, B/8,
S/5 ... where the image is ambiguous but not to overrule a clear read.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from recognition.plates.formats import FormatTable, Jurisdiction, load_table

_LOG36 = math.log(36.0)
#: Share of the length prior left to lengths outside 2..max_length (a 1- or 9-character read).
_OUT_OF_RANGE = 0.02


@dataclass(frozen=True, slots=True)
class _Term:
    """One format within a prior: its compiled matcher and ``log(weight) - log(choices)``."""

    regex: re.Pattern[str]
    classes: tuple[str, ...]
    log_coef: float


@dataclass(frozen=True, slots=True)
class _Model:
    """A compiled prior: format terms by length, and the vanity log-probability by length."""

    by_length: dict[int, tuple[_Term, ...]]
    vanity_log: dict[int, float]
    vanity_default: float

    def log_prob_times_36n(self, text: str) -> float:
        """``log P(text) + len(text) * log 36``."""
        n = len(text)
        shift = n * _LOG36
        terms = [t.log_coef + shift for t in self.by_length.get(n, ()) if t.regex.fullmatch(text)]
        terms.append(self.vanity_log.get(n, self.vanity_default))
        top = max(terms)
        return top + math.log(sum(math.exp(t - top) for t in terms))


def _regex(classes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("".join(f"[{c}]" if len(c) > 1 else c for c in classes))


def _length_share(n: int, max_length: int) -> float:
    if 2 <= n <= max_length:
        return (1.0 - _OUT_OF_RANGE) / (max_length - 1)
    return _OUT_OF_RANGE / 4.0


def _compile(parts: list[tuple[float, Jurisdiction]]) -> _Model:
    """Mix jurisdictions (``(share, jurisdiction)``) into one compiled prior."""
    coef: dict[tuple[str, ...], float] = defaultdict(float)
    vanity: dict[int, float] = defaultdict(float)
    for share, j in parts:
        z = sum(f.weight for f in j.formats) + j.vanity
        for f in j.formats:
            coef[f.classes] += share * f.weight / z * math.exp(-f.log_choices())
        for n in range(1, 12):
            vanity[n] += share * j.vanity / z * _length_share(n, j.max_length)
    by_length: dict[int, list[_Term]] = defaultdict(list)
    for classes, c in coef.items():
        by_length[len(classes)].append(_Term(_regex(classes), classes, math.log(c)))
    return _Model(
        by_length={n: tuple(sorted(ts, key=lambda t: -t.log_coef)) for n, ts in by_length.items()},
        vanity_log={n: math.log(v) for n, v in vanity.items()},
        vanity_default=math.log(min(vanity.values())),
    )


class PlatePrior:
    """Format prior over plate texts, per jurisdiction or over all of them (thread-safe, immutable)."""

    def __init__(self, table: FormatTable | None = None) -> None:
        self.table = table or load_table()
        self._global = _compile([(self.table.prior_weight(c), j) for c, j in self.table.jurisdictions.items()])
        self._by_state = {c: _compile([(1.0, j)]) for c, j in self.table.jurisdictions.items()}
        self._boost = lru_cache(maxsize=8192)(self._boost_uncached)
        # the reader keys every reading and its alternatives (recognition.plates.keying): per frame in video
        self._fits = lru_cache(maxsize=8192)(self._fits_uncached)

    def boost(self, text: str, state: str | None = None, state_confidence: float = 1.0) -> float:
        """``log P(text) + len(text) * log 36``: the log-odds a decoder adds for plate syntax.

        Args:
            text: Candidate reading (0-9A-Z).
            state: Two-letter code of the jurisdiction read on the plate, or None.
            state_confidence: How sure the state read is (0..1); the rest goes to all jurisdictions.

        """
        if state not in self._by_state:
            state, state_confidence = None, 0.0
        return self._boost(text, state, round(min(1.0, max(0.0, state_confidence)), 2))

    def _boost_uncached(self, text: str, state: str | None, state_confidence: float) -> float:
        overall = self._global.log_prob_times_36n(text)
        if state is None or state_confidence <= 0.0:
            return overall
        local = self._by_state[state].log_prob_times_36n(text)
        if state_confidence >= 1.0:
            return local
        a, b = math.log(state_confidence) + local, math.log(1.0 - state_confidence) + overall
        top = max(a, b)
        return top + math.log(math.exp(a - top) + math.exp(b - top))

    def formats(self, state: str | None = None, min_length: int = 1, max_length: int = 10) -> list[tuple[str, ...]]:
        """Character classes of the formats to try in constrained decoding, most common first.

        With a known state: that state's formats followed by the other common ones; otherwise all.
        """
        models = [self._by_state[state], self._global] if state in self._by_state else [self._global]
        seen: dict[tuple[str, ...], float] = {}
        for rank, model in enumerate(models):
            for n, terms in model.by_length.items():
                if min_length <= n <= max_length:
                    for t in terms:
                        seen.setdefault(t.classes, t.log_coef + n * _LOG36 - 100.0 * rank)
        return sorted(seen, key=lambda c: -seen[c])

    def fits(self, text: str, state: str | None = None) -> bool:
        """Whether ``text`` fits a listed format (of ``state``, or of any jurisdiction)."""
        return self._fits(text, state)

    def _fits_uncached(self, text: str, state: str | None) -> bool:
        model = self._by_state.get(state or "", self._global)
        return any(t.regex.fullmatch(text) for t in model.by_length.get(len(text), ()))


@lru_cache(maxsize=1)
def default_prior() -> PlatePrior:
    """The prior over the bundled table (built once per process)."""
    return PlatePrior()
