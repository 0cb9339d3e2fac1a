"""The immutable hot-list index: compact sorted integer arrays, built once, never mutated.

Two million entries take ~24 bytes each (folded key; plate key and entry id, state code and
priority packed in one row, see :mod:`~recognition.match.rows`) in ``array`` columns sorted by
folded key, instead of millions of Python objects.
``bisect`` on the folded-key column finds every entry that equals a read up to look-alike
substitutions; a numpy view of the same column serves vectorised one-character-insertion
lookups. Entries with ``*``/``?`` go to a small :class:`~recognition.match.wildcard.WildcardSet`.
"""

from __future__ import annotations

import logging
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from time import sleep

import numpy as np

from recognition.match.confusion import FOLD_TABLE, MAX_KEY_LENGTH, normalise
from recognition.match.directory import key_directory
from recognition.match.rows import PACK_ITEMS, STATE_MASK, STATE_SHIFT, entry_rows, unpack_rows
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


#: Stride of :attr:`HotListIndex.folded_top` (one key in 64 of the folded-key column) and of
#: :attr:`HotListIndex.folded_top2` (one key in 64 of ``folded_top``: one in 4,096 of the column).
TOP_STRIDE = 64


def _view(column: array, dtype: type) -> np.ndarray:
    """A numpy view of an ``array`` column (no copy); an empty column gives an empty array."""
    return np.frombuffer(column, dtype) if len(column) else np.empty(0, dtype)


def first_at_least(index: HotListIndex, key: int) -> int:
    """``bisect_left(index.folded_keys, key)``: one short bisect through the key directory.

    See :mod:`~recognition.match.directory` (the matcher inlines this). Keys outside every
    length's buckets (negative, a length nibble over 10, a value too big: no plate's key) go
    through the two cache-sized top levels instead: ``folded_top2`` (10 M entries: 2,442 keys,
    20 KB) narrows ``folded_top`` (156 k keys, 1.25 MB) to a 64-key stretch, which narrows the
    column (80 MB) to another.
    """
    length = key & 15
    if key >= 0 and length <= MAX_KEY_LENGTH:
        shift, starts = index.key_directory[length]
        i = key >> shift
        if i + 1 < len(starts):
            return bisect_left(index.folded_keys, key, starts[i], starts[i + 1])
    top = index.folded_top
    j = bisect_left(index.folded_top2, key)
    if j == 0:
        return 0
    # top2[j-1] = top[(j-1)*64] < key <= top[j*64] (when it exists): the answer in top lies between
    j = bisect_left(top, key, (j - 1) * TOP_STRIDE + 1, min(j * TOP_STRIDE, len(top)))
    return bisect_left(index.folded_keys, key, (j - 1) * TOP_STRIDE + 1, min(j * TOP_STRIDE, len(index.folded_keys)))


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: code point -> base-36 digit (plain / folded to the look-alike class representative)
_DIGITS = np.zeros(128, np.int64)
_FOLDED_DIGITS = np.zeros(128, np.int64)
for _value, _ch in enumerate(_ALPHABET):
    _DIGITS[ord(_ch)] = _value
    _FOLDED_DIGITS[ord(_ch)] = _ALPHABET.index(_ch.translate(FOLD_TABLE))
#: 36 ** (MAX_KEY_LENGTH - 1 - i) for the positions of a left-aligned plate, and 36 ** k to shift back
_PLACE = np.array([36 ** (MAX_KEY_LENGTH - 1 - i) for i in range(MAX_KEY_LENGTH)], np.int64)
_SHIFT = np.array([36 ** k for k in range(MAX_KEY_LENGTH + 1)], np.int64)


def clean_plate_keys(plates: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Plate keys and folded keys (:func:`~recognition.match.confusion.plate_key` of the plate and of its fold).

    ``plates`` must be clean: 1-10 characters of A-Z and 0-9. Vectorised: the plates become one
    fixed-width code-point matrix (padding 0), each row is read as a 10-digit base-36 number and
    shifted back by its padding; ~20x cheaper than ``int(plate, 36)`` per plate.
    """
    n = len(plates)
    if not n:
        empty = np.empty(0, np.int64)
        return empty, empty.copy()
    points = np.array(plates, dtype=f"U{MAX_KEY_LENGTH}").view(np.uint32).reshape(n, MAX_KEY_LENGTH)
    lens = np.count_nonzero(points, axis=1)
    shift = _SHIFT[MAX_KEY_LENGTH - lens]
    plain = ((_DIGITS[points] @ _PLACE) // shift) << 4 | lens
    folded = ((_FOLDED_DIGITS[points] @ _PLACE) // shift) << 4 | lens
    return plain, folded


#: Bits of :attr:`HotListIndex.filter_bits` per entry: with one hash, ~6 % of absent folded keys pass.
FILTER_BITS_PER_ENTRY = 16
_FILTER_CHUNK = 1 << 20


def absent_filter(folded: np.ndarray) -> tuple[bytes, int]:
    """A bitmap with bit ``key % modulus`` set for every folded key; returns ``(bits, modulus)``.

    A clear bit proves a read's folded key is absent (most reads: no bisect of the 80 MB column
    at all); a set bit proves nothing. The modulus is odd and not a multiple of 3, so keys that
    differ in a few base-36 digits (or by the length nibble) spread over it.
    """
    modulus = max(1024, FILTER_BITS_PER_ENTRY * len(folded))
    modulus += (5 - modulus % 6) % 6  # modulus % 6 == 5
    bits = np.zeros((modulus + 7) // 8, np.uint8)
    for start in range(0, len(folded), _FILTER_CHUNK):  # a few ms of the interpreter lock per step
        h = folded[start:start + _FILTER_CHUNK] % modulus
        byte, bit = h >> 3, h & 7
        for k in range(8):
            bits[byte[bit == k]] |= np.uint8(1 << k)
    return bits.tobytes(), modulus


# Small chunks: each vectorised step is one C call holding the GIL; ~16k items keeps it to a few ms
# so a matching thread is never starved while an index is built beside it.
_CHUNK = 16384


class _Columns:
    """Accumulates index columns chunk by chunk, vectorised when a chunk's plates are clean."""

    def __init__(self, min_wildcard_literals: int) -> None:
        self.min_literals = min_wildcard_literals
        self.folded: list[np.ndarray] = []
        self.plates: list[np.ndarray] = []
        self.ids: list[np.ndarray] = []
        self.states: list[np.ndarray] = []
        self.prios: list[np.ndarray] = []
        self.codes: dict[str | None, int] = {None: 0}
        self.names: list[str | None] = [None]
        self.wild: list[WildcardEntry] = []
        self.skipped = 0

    def add(self, ids: Sequence[int], plates: Sequence[str], states: Sequence[str | None], prios: Sequence[int]) -> None:
        joined = "".join(plates)
        clean = (
            joined.isascii() and joined.isalnum() and joined == joined.upper()
            and min(map(len, plates)) >= 1 and max(map(len, plates)) <= MAX_KEY_LENGTH
        )
        if not clean:
            ids, plates, states, prios = self._filter(ids, plates, states, prios)
            if not plates:
                return
        for state in set(states) - self.codes.keys():
            self.codes[state] = len(self.names)
            self.names.append(state)
        n = len(plates)
        plate_keys, folded_keys = clean_plate_keys(plates)
        self.plates.append(plate_keys)
        self.folded.append(folded_keys)
        self.ids.append(np.fromiter(ids, np.int64, n))
        self.states.append(np.fromiter(map(self.codes.__getitem__, states), np.uint16, n))
        self.prios.append(np.fromiter(prios, np.int8, n))

    def _filter(self, ids, plates, states, prios) -> tuple[list, list, list, list]:
        """Slow path: normalise plates, divert wildcard patterns, drop unusable entries."""
        keep: tuple[list, list, list, list] = ([], [], [], [])
        for entry_id, plate, state, prio in zip(ids, plates, states, prios, strict=True):
            if "*" in plate or "?" in plate:
                pattern = normalise_wildcard(plate)
                if sum(ch not in "*?" for ch in pattern) < self.min_literals:
                    self.skipped += 1
                else:
                    self.wild.append(WildcardEntry(entry_id, pattern, state, prio))
                continue
            p = normalise(plate)
            if not p or len(p) > MAX_KEY_LENGTH:
                self.skipped += 1
                continue
            for column, value in zip(keep, (entry_id, p, state, prio), strict=True):
                column.append(value)
        return keep


#: Items an ``array`` column is filled with at a time: a national list's 80 MB column copied in one call
#: held the interpreter lock ~50 ms twice (``tobytes``, ``frombytes``), a GUI stall at the index swap.
_FILL_ITEMS = 1 << 17


def _column(parts: list[np.ndarray], dtype: type, order: np.ndarray, typecode: str) -> array:
    merged = np.concatenate(parts) if parts else np.empty(0, dtype)
    values = merged.take(order).astype(dtype, copy=False)
    out = array(typecode)
    for at in range(0, len(values), _FILL_ITEMS):  # 1 MB steps: the interpreter lock changes hands between them
        out.frombytes(values[at:at + _FILL_ITEMS].tobytes())
        sleep(0)
    return out


def _sorted(parts: list[np.ndarray], dtype: type, order: np.ndarray) -> np.ndarray:
    return (np.concatenate(parts) if parts else np.empty(0, dtype)).astype(dtype, copy=False).take(order)


class HotListIndex:
    """Immutable index over hot-list entries; safe to share between threads.

    Attributes (read-only; used by the matcher):
        folded_keys: ``array('q')`` of folded plate keys, ascending.
        folded_view: numpy int64 view of ``folded_keys`` (no copy).
        folded_top: every ``TOP_STRIDE``-th folded key (see :func:`first_at_least`).
        folded_top2: every ``TOP_STRIDE ** 2``-th folded key (the top level's own top level).
        key_directory: :func:`~recognition.match.directory.key_directory` of the folded keys.
        filter_bits, filter_modulus: :func:`absent_filter` of the folded keys (bit clear: key absent).
        rows: ``array('q')``, two per entry aligned with ``folded_keys``: plate key, packed entry
            (id, state code, priority; :mod:`~recognition.match.rows`).
        big_ids: position -> entry id of the ids too big to pack (usually empty).
        plate_keys, entry_ids, state_codes, priorities: the columns unpacked (properties: a new array
            each time, O(n); for tests and tools, not for lookups).
        state_names: state code -> state (0 -> ``None``).
        wildcards: the wildcard entries.
        skipped: entries left out because their plate was empty, too long or a too-vague pattern.
    """

    __slots__ = (
        "big_ids", "filter_bits", "filter_modulus", "folded_keys", "folded_top", "folded_top2", "folded_view",
        "key_directory", "rows", "skipped", "state_names", "wildcards",
    )

    def __init__(self, entries: Iterable[IndexEntry] = (), *, min_wildcard_literals: int = 3) -> None:
        """Build the index.

        Args:
            entries: the active entries (any iterable; consumed once).
            min_wildcard_literals: patterns with fewer known characters are skipped as too vague.

        """
        cols = _Columns(min_wildcard_literals)
        get = attrgetter("entry_id", "plate", "state", "priority")
        it = iter(entries)
        while chunk := list(islice(it, _CHUNK)):
            cols.add(*zip(*map(get, chunk), strict=True))  # type: ignore[arg-type]
        self._finish(cols)

    @classmethod
    def from_columns(
        cls,
        entry_ids: Sequence[int],
        plates: Sequence[str],
        states: Sequence[str | None],
        priorities: Sequence[int],
        *,
        min_wildcard_literals: int = 3,
    ) -> HotListIndex:
        """Build from parallel columns (e.g. straight from a database query) without IndexEntry objects."""
        return cls.from_column_chunks([(entry_ids, plates, states, priorities)],
                                      min_wildcard_literals=min_wildcard_literals)

    @classmethod
    def from_column_chunks(
        cls,
        chunks: Iterable[tuple[Sequence[int], Sequence[str], Sequence[str | None], Sequence[int]]],
        *,
        min_wildcard_literals: int = 3,
    ) -> HotListIndex:
        """Build from ``(ids, plates, states, priorities)`` chunks as they stream in (e.g. from a cursor).

        Only the packed key columns grow with the list: no Python object per entry outlives its
        chunk, so a national list (10 million entries) is indexed in ~27 bytes an entry plus one
        chunk, not gigabytes of strings and ints.
        """
        cols = _Columns(min_wildcard_literals)
        for ids, plates, states, prios in chunks:
            for start in range(0, len(plates), _CHUNK):
                stop = start + _CHUNK
                cols.add(ids[start:stop], plates[start:stop], states[start:stop], prios[start:stop])
        index = cls.__new__(cls)
        index._finish(cols)
        return index

    @classmethod
    def from_sorted_columns(  # noqa: PLR0913
        cls,
        folded_keys: array,
        plate_keys: array,
        entry_ids: array,
        state_codes: array,
        state_names: Sequence[str | None],
        priorities: array,
        *,
        skipped: int = 0,
    ) -> HotListIndex:
        """An index over columns already in folded-key order (typecodes ``q``, ``q``, ``q``, ``H``, ``b``).

        For columns built elsewhere (the hot-list parser child): they are taken as they are, not copied.
        ``state_names[0]`` must be ``None`` (code 0 = no state).

        Raises:
            ValueError: columns of different lengths or types, keys not ascending, unknown state codes.

        """
        n = len(folded_keys)
        typed = zip((folded_keys, plate_keys, entry_ids, state_codes, priorities), "qqqHb", strict=True)
        if any(not isinstance(c, array) or c.typecode != t or len(c) != n for c, t in typed):
            raise ValueError("index columns must be arrays q, q, q, H, b of one length")
        view = _view(folded_keys, np.int64)
        if n > 1 and bool((view[1:] < view[:-1]).any()):
            raise ValueError("folded keys are not in ascending order")
        if not state_names or state_names[0] is not None or (
                n and int(np.frombuffer(state_codes, np.uint16).max()) >= len(state_names)):
            raise ValueError("state codes do not match the state names")
        rows, big_ids = entry_rows(*(_view(c, c.typecode) for c in (plate_keys, entry_ids, state_codes, priorities)))
        return cls.from_sorted_rows(folded_keys, rows, state_names, big_ids=big_ids, skipped=skipped)

    @classmethod
    def from_sorted_rows(
        cls,
        folded_keys: array,
        rows: array,
        state_names: Sequence[str | None],
        *,
        big_ids: dict[int, int] | None = None,
        skipped: int = 0,
    ) -> HotListIndex:
        """An index over a folded-key column (``q``, ascending) and its rows (``q``, :func:`entry_rows`).

        Taken as they are, not copied. ``state_names[0]`` must be ``None`` (code 0 = no state).

        Raises:
            ValueError: columns of different lengths or types, keys not ascending, unknown state codes.

        """
        n = len(folded_keys)
        if not (isinstance(folded_keys, array) and isinstance(rows, array) and folded_keys.typecode == rows.typecode
                == "q" and len(rows) == 2 * n):
            raise ValueError("index columns must be arrays q of n and 2n items")
        view = _view(folded_keys, np.int64)
        if n > 1 and bool((view[1:] < view[:-1]).any()):
            raise ValueError("folded keys are not in ascending order")
        packed = _view(rows, np.int64)[1::2]
        top_code = max((int(((packed[at:at + PACK_ITEMS] >> STATE_SHIFT) & STATE_MASK).max())
                        for at in range(0, n, PACK_ITEMS)), default=0)
        if not state_names or state_names[0] is not None or top_code >= len(state_names):
            raise ValueError("state codes do not match the state names")
        index = cls.__new__(cls)
        index.folded_keys, index.rows, index.big_ids = folded_keys, rows, dict(big_ids or {})
        index._tops()
        index.state_names = tuple(state_names)
        index.wildcards = WildcardSet([])
        index.skipped = skipped
        return index

    @classmethod
    def merged(cls, first: HotListIndex, second: HotListIndex) -> HotListIndex:
        """One index over the entries of both (e.g. the other sources' and a newly imported list's)."""
        if not len(second):
            return first
        wild = list(first.wildcards.entries) + list(second.wildcards.entries)
        if not len(first.folded_keys) and not wild:
            return second if not first.skipped else cls._with(second, skipped=first.skipped + second.skipped)
        names = list(first.state_names)
        codes = {name: code for code, name in enumerate(names)}
        for name in second.state_names:
            if name not in codes:
                codes[name] = len(names)
                names.append(name)
        remap = np.array([codes[name] for name in second.state_names], np.uint16)
        plates, ids, states, prios = (list(pair) for pair in zip(first.unpacked(), second.unpacked(), strict=True))
        states[1] = remap[states[1]]
        folded = np.concatenate([_view(first.folded_keys, np.int64), _view(second.folded_keys, np.int64)])
        order = np.argsort(folded, kind="stable")
        index = cls.__new__(cls)
        index.folded_keys = _column([folded], np.int64, order, "q")
        index.rows, index.big_ids = entry_rows(_sorted(plates, np.int64, order), _sorted(ids, np.int64, order),
                                               _sorted(states, np.uint16, order), _sorted(prios, np.int8, order))
        index._tops()
        index.state_names = tuple(names)
        index.wildcards = WildcardSet(wild)
        index.skipped = first.skipped + second.skipped
        return index

    @classmethod
    def _with(cls, other: HotListIndex, *, skipped: int) -> HotListIndex:
        index = cls.__new__(cls)
        for name in cls.__slots__:
            setattr(index, name, getattr(other, name))
        index.skipped = skipped
        return index

    def _tops(self) -> None:
        self.folded_view = _view(self.folded_keys, np.int64)
        # every TOP_STRIDE-th folded key: small enough to stay in the CPU cache, so a lookup bisects
        # it first and then only one short stretch of the big column (10 M keys are 80 MB: a plain
        # bisect there is ~24 cache misses, most of an exact lookup's time)
        self.folded_top = array("q")
        self.folded_top.frombytes(self.folded_view[::TOP_STRIDE].tobytes())
        self.folded_top2 = array("q")
        self.folded_top2.frombytes(self.folded_view[:: TOP_STRIDE * TOP_STRIDE].tobytes())
        self.filter_bits, self.filter_modulus = absent_filter(self.folded_view)
        self.key_directory = key_directory(self.folded_view)

    def _finish(self, cols: _Columns) -> None:
        folded = np.concatenate(cols.folded) if cols.folded else np.empty(0, np.int64)
        order = np.argsort(folded, kind="stable")
        self.folded_keys = _column([folded], np.int64, order, "q")
        self.rows, self.big_ids = entry_rows(_sorted(cols.plates, np.int64, order), _sorted(cols.ids, np.int64, order),
                                             _sorted(cols.states, np.uint16, order), _sorted(cols.prios, np.int8, order))
        self._tops()
        self.state_names: tuple[str | None, ...] = tuple(cols.names)
        self.wildcards = WildcardSet(cols.wild)
        self.skipped = cols.skipped
        if cols.skipped:
            logger.warning("hot-list index: %d entries skipped (empty, over 10 characters or too vague)", cols.skipped)

    def __len__(self) -> int:
        return len(self.folded_keys) + len(self.wildcards)

    @property
    def nbytes(self) -> int:
        """Bytes held by the array columns (the bulk of the index's memory)."""
        return sum(c.itemsize * len(c) for c in (self.folded_keys, self.rows))

    def unpacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """New numpy columns ``(plate keys, entry ids, state codes, priorities)``, aligned with ``folded_keys``."""
        return unpack_rows(_view(self.rows, np.int64), self.big_ids)

    def _unpacked_column(self, which: int, typecode: str) -> array:
        out = array(typecode)
        out.frombytes(self.unpacked()[which].tobytes())
        return out

    @property
    def plate_keys(self) -> array:
        """Plate keys (``q``), a new array (O(n))."""
        return self._unpacked_column(0, "q")

    @property
    def entry_ids(self) -> array:
        """Entry ids (``q``), a new array (O(n))."""
        return self._unpacked_column(1, "q")

    @property
    def state_codes(self) -> array:
        """State codes (``H``), a new array (O(n))."""
        return self._unpacked_column(2, "H")

    @property
    def priorities(self) -> array:
        """Priorities (``b``), a new array (O(n))."""
        return self._unpacked_column(3, "b")
