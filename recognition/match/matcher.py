"""Matching a read against the current :class:`HotListIndex`, with atomic index swaps.

A :class:`Matcher` holds one index reference. ``match`` reads that reference once and works
on that (immutable) index to the end, so a ``swap`` from another thread never disturbs a
match in progress and never makes one wait: replacing a reference is atomic in CPython.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields, make_dataclass
from typing import Literal

import numpy as np

from recognition.match.config import MatchConfig
from recognition.match.confusion import (
    CLASS_DIGITS,
    FOLD_BYTES,
    MAX_KEY_LENGTH,
    fold,
    folded_key,
    key_to_plate,
    normalise,
    plate_key,
    substitutions,
)
from recognition.match.index import HotListIndex, first_at_least
from recognition.match.rows import ID_OVERFLOW, unpack_entry
from recognition.types import Alternative

logger = logging.getLogger(__name__)

MatchKind = Literal["exact", "alternative", "lookalike", "wildcard"]
StateMatch = Literal["match", "mismatch", "unknown"]

_KIND_RANK: dict[str, int] = {"exact": 0, "alternative": 1, "lookalike": 2, "wildcard": 3}
_CLASSES = np.array(CLASS_DIGITS, dtype=np.int64)
_POW36 = [36**i for i in range(MAX_KEY_LENGTH + 1)]
#: For a read of length n: column of 36^(n-i) for insertion positions i = 0..n.
_POW36_ARRAYS = [np.array(_POW36[n::-1], dtype=np.int64)[:, None] for n in range(MAX_KEY_LENGTH + 1)]


@dataclass(frozen=True, slots=True)
class Match:
    """One hot-list entry matched by a read.

    Attributes:
        entry_id: the hot-list entry.
        kind: exact; alternative (a reader alternative matched exactly); lookalike (look-alike
            substitutions and/or one missing/extra character); wildcard (a partial-plate entry).
        distance: substitutions plus missing/extra characters (0 for exact).
        substitutions: look-alike characters that differ.
        state_match: read state versus entry state; a mismatch is reported, never hidden.
        priority: the entry's priority (1 = most urgent).

    """

    entry_id: int
    kind: MatchKind
    distance: int
    substitutions: int
    state_match: StateMatch
    priority: int


# A frozen dataclass __init__ pays one object.__setattr__ per field; build a mutable twin with the
# same slots and re-class it (same trick as the hot-list importer): ~3x cheaper per match.
_MutableMatch = make_dataclass("_MutableMatch", [(f.name, f.type) for f in fields(Match)], slots=True)


def _new_match(*values: object) -> Match:
    obj = _MutableMatch(*values)
    obj.__class__ = Match
    return obj  # type: ignore[return-value]


def _state_match(read_state: str | None, entry_state: str | None) -> StateMatch:
    if not read_state or not entry_state:
        return "unknown"
    return "match" if read_state == entry_state else "mismatch"


class _Collector:
    """Best match per entry for one read."""

    __slots__ = ("best", "state")

    def __init__(self, state: str | None) -> None:
        self.best: dict[int, Match] = {}
        self.state = state.upper() if state else None

    def add(self, entry_id: int, kind: MatchKind, subs: int, indel: int, entry_state: str | None, prio: int) -> None:
        old = self.best.get(entry_id)
        dist = subs + indel
        if old is not None and (old.distance, _KIND_RANK[old.kind]) <= (dist, _KIND_RANK[kind]):
            return
        self.best[entry_id] = _new_match(entry_id, kind, dist, subs, _state_match(self.state, entry_state), prio)

    def sorted(self) -> list[Match]:
        if len(self.best) < 2:
            return list(self.best.values())
        return sorted(self.best.values(), key=lambda m: (m.priority, m.distance, _KIND_RANK[m.kind], m.entry_id))


def _add(found: _Collector, index: HotListIndex, pos: int, kind: MatchKind, subs: int, indel: int) -> None:  # noqa: PLR0913
    """Offer the entry at ``pos`` to ``found``."""
    entry_id, code, prio = unpack_entry(index.rows[2 * pos + 1], pos, index.big_ids)
    found.add(entry_id, kind, subs, indel, index.state_names[code], prio)


def _scan(index: HotListIndex, fkey: int, start: int = -1) -> range:
    """Positions whose folded key equals ``fkey``."""
    keys = index.folded_keys
    lo = bisect.bisect_left(keys, fkey) if start < 0 else start
    hi = lo
    n = len(keys)
    while hi < n and keys[hi] == fkey:
        hi += 1
    return range(lo, hi)


class Matcher:
    """Matches reads against the current index; ``swap`` replaces the index atomically."""

    def __init__(self, index: HotListIndex | None = None, config: MatchConfig | None = None) -> None:
        """Start with ``index`` (empty if None) and ``config`` (defaults if None)."""
        self._index = index if index is not None else HotListIndex()
        self._config = config or MatchConfig()

    @property
    def index(self) -> HotListIndex:
        """The index in use now."""
        return self._index

    @property
    def config(self) -> MatchConfig:
        """The matching tolerance in use now."""
        return self._config

    def swap(self, index: HotListIndex) -> HotListIndex:
        """Make ``index`` current (atomic); returns the previous one."""
        old, self._index = self._index, index
        logger.info("hot-list index swapped: %d entries (was %d)", len(index), len(old))
        return old

    def configure(self, config: MatchConfig) -> None:
        """Replace the matching tolerance (atomic)."""
        self._config = config

    def match(
        self, plate_text: str, state: str | None = None, alternatives: Iterable[str | Alternative] = ()
    ) -> list[Match]:
        """All hot-list entries matching a read, most urgent first (then closest).

        Args:
            plate_text: the read's plate text (normalised here: uppercase, A-Z0-9 only).
            state: the read's state, if the reader found one.
            alternatives: other plausible readings; each is looked up exactly.

        Returns:
            Matches ordered by priority, distance, kind and entry id; empty when nothing matches.

        """
        index, cfg = self._index, self._config
        plate = plate_text.upper()
        if not (plate.isalnum() and plate.isascii()):
            plate = normalise(plate)
        n = len(plate)
        lo = -1
        if 0 < n <= MAX_KEY_LENGTH:
            keys = index.folded_keys
            fkey = (int(plate.encode().translate(FOLD_BYTES), 36) << 4) | n  # folded_key(plate), inlined
            h = fkey % index.filter_modulus
            if not (index.filter_bits[h >> 3] >> (h & 7)) & 1:
                # the folded key is certainly absent (most reads): no bisect
                if not (cfg.allow_one_indel or (alternatives and cfg.match_alternatives)
                        or (index.wildcards.count and cfg.match_wildcards)):
                    return []
                return self._match_general(index, cfg, plate, state, alternatives, -1)
            lo = first_at_least(index, fkey)
            if lo < len(keys) and keys[lo] == fkey:
                if (
                    (lo + 1 == len(keys) or keys[lo + 1] != fkey)
                    and not cfg.allow_one_indel
                    and not (alternatives and cfg.match_alternatives)
                    and not (index.wildcards.count and cfg.match_wildcards)
                    and index.rows[2 * lo] == (int(plate, 36) << 4) | n
                ):
                    # the common hit: one entry, the same plate, nothing else to look for (no collector,
                    # no sort); :meth:`_match_general` gives the same answer (tests compare them).
                    # rows.unpack_entry inlined: id bits 24.., state bits 8..23, priority + 128 bits 0..7
                    packed = index.rows[2 * lo + 1]
                    entry_id = packed >> 24
                    if entry_id == ID_OVERFLOW:
                        entry_id = index.big_ids[lo]
                    return [_new_match(entry_id, "exact", 0, 0,
                                       _state_match(state.upper() if state else None,
                                                    index.state_names[(packed >> 8) & 0xFFFF]),
                                       (packed & 0xFF) - 128)]
            else:
                lo = -1
        return self._match_general(index, cfg, plate, state, alternatives, lo)

    def _match_general(self, index: HotListIndex, cfg: MatchConfig, plate: str, state: str | None,  # noqa: PLR0913
                       alternatives: Iterable[str | Alternative], lo: int) -> list[Match]:
        """Every kind of match for a normalised ``plate``; ``lo`` is the first position of its folded key (-1: none)."""
        n = len(plate)
        found: _Collector | None = None
        if 0 < n <= MAX_KEY_LENGTH:
            if lo >= 0:
                found = _Collector(state)
                fkey = folded_key(plate)
                self._exact_and_lookalike(index, plate, lo, fkey, cfg.max_substitutions, found)
            if cfg.allow_one_indel:
                found = found or _Collector(state)
                self._extra_char(index, plate, cfg.max_substitutions, found)
                self._missing_char(index, plate, cfg.max_substitutions, found)
        if alternatives and cfg.match_alternatives:
            for alt in alternatives:
                text = normalise(alt.text if isinstance(alt, Alternative) else alt)
                if text and text != plate and len(text) <= MAX_KEY_LENGTH:
                    found = found or _Collector(state)
                    self._exact(index, text, found)
        if n and index.wildcards.count and cfg.match_wildcards:
            for entry, subs in index.wildcards.matches(plate, cfg.max_substitutions):
                found = found or _Collector(state)
                found.add(entry.entry_id, "wildcard", subs, 0, entry.state, entry.priority)
        return found.sorted() if found is not None else []

    @staticmethod
    def _exact_and_lookalike(
        index: HotListIndex, plate: str, start: int, fkey: int, max_subs: int, found: _Collector
    ) -> None:
        qkey = plate_key(plate)
        rows = index.rows
        for pos in _scan(index, fkey, start):
            pk = rows[2 * pos]
            if pk == qkey:
                _add(found, index, pos, "exact", 0, 0)
            elif max_subs:
                subs = substitutions(plate, key_to_plate(pk))
                if subs <= max_subs:
                    _add(found, index, pos, "lookalike", subs, 0)

    @staticmethod
    def _exact(index: HotListIndex, text: str, found: _Collector) -> None:
        qkey = plate_key(text)
        for pos in _scan(index, plate_key(fold(text))):
            if index.rows[2 * pos] == qkey:
                _add(found, index, pos, "alternative", 0, 0)

    @staticmethod
    def _extra_char(index: HotListIndex, plate: str, max_subs: int, found: _Collector) -> None:
        """Match a read with one character too many: drop each character in turn."""
        if len(plate) < 2:
            return
        tried: set[str] = set()
        for i in range(len(plate)):
            shorter = plate[:i] + plate[i + 1 :]
            if shorter in tried:
                continue
            tried.add(shorter)
            for pos in _scan(index, plate_key(fold(shorter))):
                subs = substitutions(shorter, key_to_plate(index.rows[2 * pos]))
                if subs <= max_subs:
                    _add(found, index, pos, "lookalike", subs, 1)

    @staticmethod
    def _missing_char(index: HotListIndex, plate: str, max_subs: int, found: _Collector) -> None:
        """Match a read lacking one character: look up every one-character insertion at once (numpy)."""
        n = len(plate)
        if n >= MAX_KEY_LENGTH or not len(index.folded_keys):
            return
        folded = fold(plate)
        value = int(folded, 36)
        pows = _POW36_ARRAYS[n]
        hl = np.array([divmod(value, p) for p in _POW36[n::-1]], dtype=np.int64)
        cands = (((hl[:, :1] * 36 + _CLASSES) * pows + hl[:, 1:]) << 4 | (n + 1)).ravel()
        view = index.folded_view
        pos = np.searchsorted(view, cands)
        pos[pos == len(view)] = 0
        hits = set(pos[view[pos] == cands].tolist())
        for start in hits:
            for p in _scan(index, int(view[start]), start):
                entry = key_to_plate(index.rows[2 * p])
                best = min(
                    (
                        substitutions(entry[:j] + entry[j + 1 :], plate)
                        for j in range(len(entry))
                        if fold(entry[:j] + entry[j + 1 :]) == folded
                    ),
                    default=max_subs + 1,
                )
                if best <= max_subs:
                    _add(found, index, p, "lookalike", best, 1)
