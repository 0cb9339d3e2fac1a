"""The immutable hot-list index: compact sorted integer arrays, built once, never mutated.

Two million entries take ~27 bytes each (folded key, plate key, entry id, state code,
priority) in ``array`` columns sorted by folded key, instead of millions of Python objects.
``bisect`` on the folded-key column finds every entry that equals a read up to look-alike
substitutions; a numpy view of the same column serves vectorised one-character-insertion
lookups. Entries with ``*``/``?`` go to a small :class:`~recognition.match.wildcard.WildcardSet`.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from recognition.match.confusion import MAX_KEY_LENGTH, fold, normalise, plate_key
from recognition.match.wildcard import WildcardEntry, WildcardSet, normalise_wildcard

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One active hot-list entry as the matcher needs it (details stay in the database).

    Attributes:
        entry_id: the hot-list entry's database id.
        plate: normalised plate, or a pattern with ``*`` (any run) / ``?`` (one character).
        state: 2-letter state of the entry, ``None`` when unknown.
        priority: 1 (most urgent) .. 9.

    """

    entry_id: int
    plate: str
    state: str | None
    priority: int


def _permuted(column: array, order: np.ndarray, typecode: str) -> array:
    out = array(typecode)
    out.frombytes(np.frombuffer(column, dtype=np.dtype(typecode)).take(order).tobytes())
    return out


class HotListIndex:
    """Immutable index over hot-list entries; safe to share between threads.

    Attributes (read-only; used by the matcher):
        folded_keys: ``array('q')`` of folded plate keys, ascending.
        folded_view: numpy int64 view of ``folded_keys`` (no copy).
        plate_keys, entry_ids, state_codes, priorities: columns aligned with ``folded_keys``.
        state_names: ``state_codes`` value -> state (0 -> ``None``).
        wildcards: the wildcard entries.
        skipped: entries left out because their plate was empty, too long or a too-vague pattern.
    """

    __slots__ = (
        "entry_ids", "folded_keys", "folded_view", "plate_keys", "priorities", "skipped", "state_codes",
        "state_names", "wildcards",
    )

    def __init__(self, entries: Iterable[IndexEntry] = (), *, min_wildcard_literals: int = 3) -> None:
        """Build the index.

        Args:
            entries: the active entries (any iterable; consumed once).
            min_wildcard_literals: patterns with fewer known characters are skipped as too vague.

        """
        folded, plates, ids = array("q"), array("q"), array("q")
        states, prios = array("H"), array("b")
        codes: dict[str | None, int] = {None: 0}
        names: list[str | None] = [None]
        wild: list[WildcardEntry] = []
        skipped = 0
        for e in entries:
            code = codes.get(e.state)
            if code is None:
                code = codes[e.state] = len(names)
                names.append(e.state)
            if "*" in e.plate or "?" in e.plate:
                pattern = normalise_wildcard(e.plate)
                if sum(ch not in "*?" for ch in pattern) < min_wildcard_literals:
                    skipped += 1
                    continue
                wild.append(WildcardEntry(e.entry_id, pattern, e.state, e.priority))
                continue
            p = normalise(e.plate)
            if not p or len(p) > MAX_KEY_LENGTH:
                skipped += 1
                continue
            folded.append(plate_key(fold(p)))
            plates.append(plate_key(p))
            ids.append(e.entry_id)
            states.append(code)
            prios.append(e.priority)
        order = np.argsort(np.frombuffer(folded, dtype=np.int64), kind="stable")
        self.folded_keys = _permuted(folded, order, "q")
        self.plate_keys = _permuted(plates, order, "q")
        self.entry_ids = _permuted(ids, order, "q")
        self.state_codes = _permuted(states, order, "H")
        self.priorities = _permuted(prios, order, "b")
        self.folded_view = np.frombuffer(self.folded_keys, dtype=np.int64)
        self.state_names: tuple[str | None, ...] = tuple(names)
        self.wildcards = WildcardSet(wild)
        self.skipped = skipped
        if skipped:
            logger.warning("hot-list index: %d entries skipped (empty, over 10 characters or too vague)", skipped)

    def __len__(self) -> int:
        return len(self.folded_keys) + len(self.wildcards)

    @property
    def nbytes(self) -> int:
        """Bytes held by the array columns (the bulk of the index's memory)."""
        cols = (self.folded_keys, self.plate_keys, self.entry_ids, self.state_codes, self.priorities)
        return sum(c.itemsize * len(c) for c in cols)
