"""An index's entry rows: two int64 per entry, the plate key and the packed entry (id, state, priority).

An exact hit used to read four columns of a national list (plate key, entry id, state code,
priority: four cache misses in 10-80 MB arrays); it now reads one 16-byte row, one cache line.
The packed word holds, from the low bits up: the priority + 128 (8 bits, int8 range), the state
code (16 bits, uint16 range) and the entry id (40 bits, signed). An id outside
``ID_MIN < id <= ID_MAX`` (no database gives one; tests and tools may) is stored as
``ID_OVERFLOW`` and kept in a small dict position -> id beside the rows (the index's ``big_ids``).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np

ID_SHIFT = 24
STATE_SHIFT = 8
STATE_MASK = 0xFFFF
PRIO_MASK = 0xFF
PRIO_BIAS = 128
ID_MAX = (1 << 39) - 1
ID_MIN = -(1 << 39)
#: Stored in place of an id that does not fit 40 bits (the real id is in ``big_ids``).
ID_OVERFLOW = ID_MIN


def pack_rows(plate_keys: np.ndarray, ids: np.ndarray, states: np.ndarray, prios: np.ndarray,
              start: int = 0) -> tuple[np.ndarray, dict[int, int]]:
    """Rows (``2 * len(ids)`` int64, plate key then packed entry) and ``{start + i: id}`` of the ids that overflow.

    ``states`` must be uint16 codes and ``prios`` int8 values (the old column types).
    """
    ids = np.asarray(ids, np.int64)
    big = (ids <= ID_OVERFLOW) | (ids > ID_MAX)
    rows = np.empty(2 * len(ids), np.int64)
    rows[0::2] = plate_keys
    rows[1::2] = ((np.where(big, ID_OVERFLOW, ids) << ID_SHIFT)
                  | (np.asarray(states, np.uint16).astype(np.int64) << STATE_SHIFT)
                  | (np.asarray(prios, np.int8).astype(np.int64) + PRIO_BIAS))
    return rows, {start + int(i): int(ids[i]) for i in np.flatnonzero(big)}


#: Entries per packing step (an 8 MB row chunk: each step holds the interpreter lock a few ms).
PACK_ITEMS = 1 << 19


def entry_rows(plate_keys: Sequence[int] | np.ndarray, ids: Sequence[int] | np.ndarray,
               states: Sequence[int] | np.ndarray, prios: Sequence[int] | np.ndarray) -> tuple[array, dict[int, int]]:
    """The rows column (``array('q')``) and overflowing ids of aligned columns, packed step by step."""
    rows, big_ids = array("q"), {}
    cols = [np.asarray(c) for c in (plate_keys, ids, states, prios)]
    for start in range(0, len(cols[0]), PACK_ITEMS):
        stop = start + PACK_ITEMS
        packed, big = pack_rows(*(c[start:stop] for c in cols), start=start)
        rows.frombytes(packed.tobytes())
        big_ids.update(big)
    return rows, big_ids


def unpack_rows(rows: np.ndarray, big_ids: dict[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(plate_keys int64, ids int64, states uint16, prios int8)`` of rows made by :func:`pack_rows` (start 0)."""
    packed = rows[1::2]
    ids = packed >> ID_SHIFT
    for pos, entry_id in big_ids.items():
        ids[pos] = entry_id
    states = ((packed >> STATE_SHIFT) & STATE_MASK).astype(np.uint16)
    prios = ((packed & PRIO_MASK) - PRIO_BIAS).astype(np.int8)
    return rows[0::2].copy(), ids, states, prios


def unpack_entry(packed: int, pos: int, big_ids: dict[int, int]) -> tuple[int, int, int]:
    """``(entry id, state code, priority)`` of the packed word of row ``pos`` (the matcher inlines this)."""
    entry_id = packed >> ID_SHIFT
    if entry_id == ID_OVERFLOW:
        entry_id = big_ids[pos]
    return entry_id, (packed >> STATE_SHIFT) & STATE_MASK, (packed & PRIO_MASK) - PRIO_BIAS
