"""Per-character-position voting over all readings of one track."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from recognition.track.align import align_to, similarity
from recognition.types import Alternative, PlateText, VehicleColour

#: A runner-up character whose share of the votes reaches this becomes an alternative reading.
ALTERNATIVE_SHARE = 0.15
MAX_ALTERNATIVES = 4
#: A reading less similar than this to the reference (normalised edit distance) is of another
#: object (a badge the track picked up for a frame) or garbled: it does not vote on characters.
OUTLIER_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Vote:
    """Outcome of a vote over a track's readings."""

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    alternatives: tuple[Alternative, ...]
    state: str | None
    state_confidence: float
    colour: VehicleColour | None
    readings: int


#: Share of a reading's weight that does not depend on its image quality (the rest scales with it).
QUALITY_FLOOR = 0.0


class PlateVoter:
    """Accumulates readings and colour estimates of one vehicle pass and votes on them.

    Each reading votes with weight ``confidence x (QUALITY_FLOOR + (1 - QUALITY_FLOOR) x q)`` where
    ``q`` is its image quality (plate size x sharpness, given by the tracker) relative to the best
    reading of the pass: an approaching plate's large, sharp frames outvote its small, blurred ones.
    At each character position the vote of a character is ``weight * char_confidence``. Readings
    are aligned to a reference of the most supported length, so a reading with one character
    missing or added still counts; a reading that is mostly different from the reference (another
    object's text picked up by the track, or a garbled frame) does not vote on its characters.
    """

    def __init__(self) -> None:
        """Start with no readings."""
        self._readings: list[PlateText] = []
        self._quality: list[float] = []
        self._colours: dict[str, float] = defaultdict(float)

    def add(self, reading: PlateText | None, colour: VehicleColour | None = None, quality: float = 1.0) -> None:
        """Add one frame's reading (None = plate seen but not read), its image quality and colour estimate."""
        if reading is not None and reading.text:
            self._readings.append(reading)
            self._quality.append(max(quality, 0.0))
        if colour is not None:
            self._colours[colour.code] += colour.confidence

    @property
    def count(self) -> int:
        """Number of readings with text."""
        return len(self._readings)

    def vote(self) -> Vote | None:
        """Consensus of the readings so far, or None without any reading."""
        readings = self._readings
        if not readings:
            return None
        weights = self._weights()
        reference = self._reference(readings, weights)
        weights = [w if similarity(r.text, reference) >= OUTLIER_SIMILARITY else 0.0 for r, w in zip(readings, weights, strict=True)]
        total = sum(weights)
        votes: list[dict[str, float]] = [defaultdict(float) for _ in reference]
        for r, weight in zip(readings, weights, strict=True):
            if weight <= 0.0:
                continue  # an outlier: takes no part in the vote
            chars = r.char_confidences if len(r.char_confidences) == len(r.text) else (r.confidence,) * len(r.text)
            mapping = range(len(r.text)) if len(r.text) == len(reference) else align_to(reference, r.text)
            for ch, pos, cc in zip(r.text, mapping, chars, strict=True):
                if pos is not None:
                    votes[pos][ch] += weight * max(cc, 1e-3)
        text_chars: list[str] = []
        char_conf: list[float] = []
        runners: list[tuple[int, str, float]] = []
        for pos, tally in enumerate(votes):
            ranked = sorted(tally.items(), key=lambda kv: -kv[1])
            if not ranked:  # every reading skipped this position: keep the reference's character
                text_chars.append(reference[pos])
                char_conf.append(0.0)
                continue
            text_chars.append(ranked[0][0])
            char_conf.append(min(1.0, ranked[0][1] / total))
            for ch, score in ranked[1:2]:
                if score / total >= ALTERNATIVE_SHARE:
                    runners.append((pos, ch, score / total))
        text = "".join(text_chars)
        confidence = 0.5 * (sum(char_conf) / len(char_conf)) + 0.5 * min(char_conf)
        state, state_conf = self._vote_state(readings, weights, total)
        return Vote(
            text=text,
            confidence=round(confidence, 4),
            char_confidences=tuple(round(c, 4) for c in char_conf),
            alternatives=self._alternatives(text, runners, readings),
            state=state,
            state_confidence=round(state_conf, 4),
            colour=self._vote_colour(),
            readings=len(readings),
        )

    def _weights(self) -> list[float]:
        best = max(self._quality) if self._quality else 0.0
        return [
            max(r.confidence, 1e-3) * (QUALITY_FLOOR + (1 - QUALITY_FLOOR) * (q / best if best > 0 else 1.0))
            for r, q in zip(self._readings, self._quality, strict=True)
        ]

    @staticmethod
    def _reference(readings: list[PlateText], weights: list[float]) -> str:
        by_length: dict[int, float] = defaultdict(float)
        for r, weight in zip(readings, weights, strict=True):
            by_length[len(r.text)] += weight
        length = max(by_length, key=lambda k: (by_length[k], k))
        candidates = [(weight, r.text) for r, weight in zip(readings, weights, strict=True) if len(r.text) == length]
        return max(candidates)[1]

    @staticmethod
    def _vote_state(readings: list[PlateText], weights: list[float], total: float) -> tuple[str | None, float]:
        tally: dict[str, float] = defaultdict(float)
        for r, weight in zip(readings, weights, strict=True):
            if r.state:
                tally[r.state] += weight * r.state_confidence
        if not tally:
            return None, 0.0
        state = max(tally, key=lambda k: tally[k])
        return state, min(1.0, tally[state] / total)

    def _vote_colour(self) -> VehicleColour | None:
        if not self._colours:
            return None
        code = max(self._colours, key=lambda k: self._colours[k])
        return VehicleColour(code, round(self._colours[code] / sum(self._colours.values()), 4))

    @staticmethod
    def _alternatives(
        text: str, runners: list[tuple[int, str, float]], readings: list[PlateText]
    ) -> tuple[Alternative, ...]:
        found: dict[str, float] = {}
        for pos, ch, share in runners:
            alt = text[:pos] + ch + text[pos + 1 :]
            found[alt] = max(found.get(alt, 0.0), share)
        for r in readings:  # the reader's own look-alike alternatives
            for a in r.alternatives:
                if a.text != text:
                    found[a.text] = max(found.get(a.text, 0.0), a.confidence * 0.5)
        ranked = sorted(found.items(), key=lambda kv: -kv[1])[:MAX_ALTERNATIVES]
        return tuple(Alternative(t, round(c, 4)) for t, c in ranked)
