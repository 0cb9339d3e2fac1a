"""The new list's index columns, built by the parser child while it stages the rows (SQLite).

Rebuilding the live index from the database after a national import read 10 million rows back
through the console's own interpreter (22 s of its CPU). The child has every record in hand
already: it computes the folded and plate keys (vectorised), state codes and priorities per
block, and at the verdict writes the columns, sorted by folded key, as raw files in the scratch
folder, each with the record's *copy ordinal*: its place in the order :class:`StagedCopy` moves
the rows (stage table, then line order). The copy tells which id each range of ordinals got, so
the console only maps ordinals to ids (numpy) and reads the columns straight into the index.

Anything unusual (a plate that is not 1-10 characters of A-Z0-9, a count that does not add up,
an entry already expired) means no prebuilt index: the console rebuilds from the database as before.
"""

from __future__ import annotations

import json
import logging
from array import array
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from time import sleep

import numpy as np

from app.domain.hotlists.fastpath import RecordBlock
from app.domain.hotlists.records import HotListRecord
from recognition.match import HotListIndex
from recognition.match.confusion import MAX_KEY_LENGTH
from recognition.match.index import clean_plate_keys
from recognition.match.rows import pack_rows

logger = logging.getLogger(__name__)

_FILES = (("folded", "q", np.int64), ("plate", "q", np.int64), ("state", "H", np.uint16), ("prio", "b", np.int8),
          ("ordinal", "q", np.int64))
_DTYPES = {name: dtype for name, _code, dtype in _FILES}
#: Items per step while the console loads the index (each numpy step holds the interpreter lock; at 1 << 19 a
#: national list's steps held it 100-240 ms while claims and the GUI waited: bench/console.py --trace-stalls).
_READ_ITEMS = 1 << 17


class IndexColumnsBuilder:
    """Accumulates the index columns of the emitted records, block by block (the parser child)."""

    def __init__(self) -> None:
        self.folded: list[np.ndarray] = []
        self.plates: list[np.ndarray] = []
        self.states: list[np.ndarray] = []
        self.prios: list[np.ndarray] = []
        self.codes: dict[str | None, int] = {None: 0}
        self.min_expiry: date | None = None
        self.usable = True

    def add(self, records: list[HotListRecord]) -> None:
        """Add the next block of emitted records (sequence order)."""
        if not self.usable or not records:
            return
        expiries = [r.expiry for r in records if r.expiry is not None]
        self._add([r.plate for r in records], [r.state for r in records], [r.priority for r in records],
                  min(expiries) if expiries else None)

    def add_block(self, block: RecordBlock) -> None:
        """Add the next block of emitted records given as columns (sequence order)."""
        if self.usable and len(block):
            self._add(block.plates, block.states, block.priorities, block.min_expiry)

    def _add(self, plates: list[str], states: list[str | None], prios: list[int], low: date | None) -> None:
        joined = "".join(plates)
        if not (joined.isascii() and joined.isalnum() and joined == joined.upper()
                and min(map(len, plates)) >= 1 and max(map(len, plates)) <= MAX_KEY_LENGTH):
            self.usable = False  # the database rebuild normalises or skips such entries
            return
        plain, folded = clean_plate_keys(plates)
        self.plates.append(plain)
        self.folded.append(folded)
        codes = self.codes
        n = len(plates)
        for st in dict.fromkeys(states):  # first-seen order: the codes the per-record loop gave
            codes.setdefault(st, len(codes))
        self.states.append(np.fromiter(map(codes.__getitem__, states), np.uint16, n))
        self.prios.append(np.fromiter(prios, np.int8, n))
        if low is not None:
            self.min_expiry = low if self.min_expiry is None else min(low, self.min_expiry)

    def extend(self, other: IndexColumnsBuilder) -> None:
        """Append the columns of the records that follow (a split parse's second part; its state codes mapped)."""
        self.usable = self.usable and other.usable
        if not self.usable:
            return
        remap = np.zeros(max(len(other.codes), 1), np.uint16)
        for state, code in other.codes.items():
            remap[code] = self.codes.setdefault(state, len(self.codes))
        self.folded += other.folded
        self.plates += other.plates
        self.states += [remap[s] for s in other.states]
        self.prios += other.prios
        other.folded, other.plates, other.states, other.prios = [], [], [], []  # moved: save frees them once
        if other.min_expiry is not None:
            self.min_expiry = other.min_expiry if self.min_expiry is None else min(self.min_expiry, other.min_expiry)

    def save(self, folder: Path, buckets: bytes | bytearray, dropped: tuple[int, ...] | list[int]) -> bool:
        """Write the kept records' columns in folded-key order with their copy ordinals; False: none written.

        ``buckets`` holds the stage table of every emitted record (sequence order); the copy moves
        table after table, each in sequence order, so a stable sort by table gives the copy order.
        """
        if not self.usable or len(self.codes) > 65_535:
            return False
        if sum(map(len, self.folded)) != len(buckets):
            return False
        # Consumes the builder: each column is joined, written and freed in turn (a national list's
        # columns are ~80 MB each; holding them all plus their sorted copies was the parser's peak).
        kept = None
        by_table = np.frombuffer(bytes(buckets), np.uint8)
        if len(dropped):
            keep = np.ones(len(buckets), bool)
            keep[np.asarray(dropped, np.int64)] = False
            kept = np.flatnonzero(keep)
            by_table = by_table[keep]
            del keep
        copy_order = np.argsort(by_table, kind="stable")  # kept position of each copy ordinal
        del by_table
        ordinal = np.empty(len(copy_order), np.int64)
        ordinal[copy_order] = np.arange(len(copy_order), dtype=np.int64)
        del copy_order
        folded = _joined(self.folded, np.int64)
        if kept is not None:
            folded = folded[kept]
        order = np.argsort(folded, kind="stable")
        folded[order].tofile(folder / "index.folded")
        del folded
        ordinal[order].tofile(folder / "index.ordinal")
        del ordinal
        source = order if kept is None else kept[order]  # kept-and-sorted position -> emitted position
        del order, kept
        for name, blocks in (("plate", self.plates), ("state", self.states), ("prio", self.prios)):
            dtype = _DTYPES[name]
            _joined(blocks, dtype)[source].tofile(folder / f"index.{name}")
        count = len(source)
        names = [None] * len(self.codes)
        for state, code in self.codes.items():
            names[code] = state
        meta = {"count": count, "state_names": names,
                "min_expiry": self.min_expiry.isoformat() if self.min_expiry else None}
        (folder / "index.json").write_text(json.dumps(meta))
        return True


def _joined(blocks: list[np.ndarray], dtype: type) -> np.ndarray:
    """The blocks as one array; the list is emptied (each block freed as soon as it is copied)."""
    out = np.empty(sum(map(len, blocks)), dtype)
    at = 0
    while blocks:
        block = blocks.pop(0)
        out[at:at + len(block)] = block
        at += len(block)
    return out


@dataclass(frozen=True)
class PrebuiltIndex:
    """A newly imported source's index, ready before the console read any row back.

    ``min_expires_at``: the earliest expiry of its entries (None: none expires); once it has passed,
    the index is no longer what the database would give and is not used.
    """

    source_id: int
    index: HotListIndex
    min_expires_at: datetime | None

    def usable_at(self, now: datetime) -> bool:
        """Tell whether every entry is still unexpired at ``now`` (what the database query would keep)."""
        return self.min_expires_at is None or self.min_expires_at > now


def load_prebuilt(folder: Path, source_id: int, ranges: list[tuple[int, int]]) -> PrebuiltIndex | None:
    """The index the child saved in ``folder``, with ids from the copy's ``(first id, rows)`` ranges (copy order).

    None when the child saved none or the counts do not agree (the caller rebuilds from the database).
    """
    meta_file = folder / "index.json"
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text())
    count = int(meta["count"])
    if sum(n for _, n in ranges) != count:
        logger.warning("hot-list import: %d rows copied, %d indexed by the parser: index rebuilt from the database",
                       sum(n for _, n in ranges), count)
        return None
    for name, _code, dtype in _FILES:
        size = (folder / f"index.{name}").stat().st_size
        if size != count * np.dtype(dtype).itemsize:  # cut short (a full disk while the child wrote it) or damaged
            logger.warning("hot-list import: index column %s holds %d bytes, %d expected: index rebuilt from the "
                           "database", name, size, count * np.dtype(dtype).itemsize)
            return None
    folded = array("q")
    with (folder / "index.folded").open("rb") as fh:
        while len(folded) < count:
            folded.fromfile(fh, min(_READ_ITEMS, count - len(folded)))
    ordinal = np.fromfile(folder / "index.ordinal", np.int64)
    id_of = np.concatenate([np.arange(first, first + n, dtype=np.int64) for first, n in ranges]) if ranges \
        else np.empty(0, np.int64)
    rows, big_ids = array("q"), {}
    files = [(folder / f"index.{name}").open("rb") for name in ("plate", "state", "prio")]
    try:
        for at in range(0, count, _READ_ITEMS):  # 2 MB of rows a step, the lock handed over after each
            step = min(_READ_ITEMS, count - at)
            plates, states, prios = (np.fromfile(fh, dtype, step) for fh, dtype in
                                     zip(files, (np.int64, np.uint16, np.int8), strict=True))
            packed, big = pack_rows(plates, id_of[ordinal[at:at + step]], states, prios, start=at)
            rows.frombytes(packed.tobytes())
            big_ids.update(big)
            sleep(0)  # hand the interpreter lock over: a dispatcher's claim or the GUI may be waiting for it
    finally:
        for fh in files:
            fh.close()
    del id_of, ordinal
    index = HotListIndex.from_sorted_rows(folded, rows, meta["state_names"], big_ids=big_ids)
    low = meta["min_expiry"]
    expires = datetime.combine(date.fromisoformat(low), time(23, 59, 59), tzinfo=UTC) if low else None
    return PrebuiltIndex(source_id, index, expires)
