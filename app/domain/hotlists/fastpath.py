"""The NCIC fixed-width fast path: a block's clean rows checked as arrays, the rest through :func:`build_records`.

A national NCIC list is ten million rows of which nearly all are clean. :func:`build_records`
spends ~3 us a row in its per-row loop and :class:`HotListRecord` objects; here a block's fixed
head (columns 0-38: record id, ORI, date, plate, state) is checked as one byte array (numpy), the
low-cardinality fields (type letter, date, state, vehicle tail) once per distinct value with the
same :class:`~app.domain.hotlists.build._Codes` rules, and the columns of the clean rows are cut
and zipped in C. The result is a :class:`RecordBlock` of columns, not records.

A row goes the slow way (:func:`build_records`, exactly as without this module) as soon as any
check is not certain it would give a plain record with no report line: short or long lines,
text-level bad lines (control characters, undecodable bytes), non-ASCII heads, a plate that is
not left/right space padding around 1-10 of A-Z0-9 (lowercase, inner spaces or symbols: the
normalisation warning or rejection), a record id or ORI that is not one run of letters and digits,
a blank or unmapped or unknown record type, an invalid or filtered or repaired state, an invalid
date, a vehicle tail that is rejected or repaired, a skip-list plate. The block's reports (rejected,
skipped, warnings, their order and line numbers) are those of the slow rows, which are the only
rows that can report anything; the records of both kinds are handed over in line order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from operator import attrgetter, itemgetter

import numpy as np

from app.domain.hotlists.build import _INVALID, BuildResult, _Codes, build_records
from app.domain.hotlists.categories import UNKNOWN_TYPE_RULE
from app.domain.hotlists.extract import _EMPTY, _fixed_checked
from app.domain.hotlists.formats import FIELD_ORDER, NCIC_COLUMNS, NCIC_MIN_LENGTH, NcicFixedSpec
from app.domain.hotlists.parse import _flag_bad
from app.domain.hotlists.records import HotListRecord, RecordCategory, make_record
from app.domain.hotlists.settings import SourceParseSettings
from app.domain.hotlists.text import is_blank

_SLOW = object()  # per-distinct cache value: rows holding this value go the slow way
#: Distinct values remembered per field before a cache is emptied (a list of millions of distinct tails).
_CACHE_LIMIT = 200_000
_HEAD = NCIC_MIN_LENGTH
_PLATE = slice(*NCIC_COLUMNS["plate"])
_NIC = slice(*NCIC_COLUMNS["nic"])
_ORI = slice(*NCIC_COLUMNS["ori"])
_DATE = slice(*NCIC_COLUMNS["entry_date"])
_STATE = slice(*NCIC_COLUMNS["state"])
_TYPE = slice(*NCIC_COLUMNS["record_type"])
_RECORD_FIELDS = attrgetter("plate", "plate_raw", "state", "record_type", "category", "priority", "nic", "ori",
                            "entry_date", "covert", "line_no")
_TAIL_FIELDS = attrgetter("lic_year", "lic_type", "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style",
                          "vehicle_colour", "expiry", "oca", "remarks")


@dataclass(slots=True)
class RecordBlock:
    """The records of one block in line order, as columns.

    ``entry_dates`` are ISO texts (``YYYY-MM-DD``) or None; ``categories`` the category values as
    plain ``str``; ``tails`` per record ``(lic_year, lic_type, vehicle_year, vehicle_make,
    vehicle_model, vehicle_style, vehicle_colour, expiry, oca, remarks)`` with the expiry a
    :class:`date` or None; ``min_expiry`` the earliest expiry (None: no record has one).
    """

    plates: list[str]
    plate_raws: list[str]
    states: list[str | None]
    types: list[str | None]
    categories: list[str]
    priorities: list[int]
    nics: list[str | None]
    oris: list[str | None]
    entry_dates: list[str | None]
    tails: list[tuple]
    covert: list[bool]
    lines: list[int]
    min_expiry: date | None = None
    _records: list[HotListRecord] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.plates)

    @classmethod
    def of_records(cls, records: list[HotListRecord]) -> RecordBlock:
        """The columns of records built the slow way (kept: :meth:`records` returns them as they are)."""
        if not records:
            return cls([], [], [], [], [], [], [], [], [], [], [], [], None, [])
        heads = list(map(_RECORD_FIELDS, records))
        plates, raws, states, types, cats, prios, nics, oris, dates, covert, lines = map(list, zip(*heads, strict=True))
        expiries = [r.expiry for r in records if r.expiry is not None]
        return cls(plates, raws, states, types, [str(c) for c in cats], prios, nics, oris,
                   [d.isoformat() if d else None for d in dates], list(map(_TAIL_FIELDS, records)), covert, lines,
                   min(expiries) if expiries else None, records)

    def records(self) -> list[HotListRecord]:
        """The block as :class:`HotListRecord` values (equal to what :func:`build_records` gives)."""
        if self._records is None:
            category = _CATEGORY.__getitem__
            self._records = [
                make_record(p, raw, st, typ, category(cat), prio, cov, nic, ori, _day(d), *tail, no)
                for p, raw, st, typ, cat, prio, cov, nic, ori, d, tail, no in zip(
                    self.plates, self.plate_raws, self.states, self.types, self.categories, self.priorities,
                    self.covert, self.nics, self.oris, self.entry_dates, self.tails, self.lines, strict=True)
            ]
        return self._records


_CATEGORY = {str(c): c for c in RecordCategory}
_DAYS: dict[str, date] = {}


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    d = _DAYS.get(text)
    if d is None:
        if len(_DAYS) >= _CACHE_LIMIT:
            _DAYS.clear()
        d = _DAYS[text] = date.fromisoformat(text)
    return d


def _run_ok(chars: np.ndarray, allowed: np.ndarray, may_be_empty: bool) -> np.ndarray:
    """Per row: only spaces and ``allowed`` bytes, the allowed ones one unbroken run (what ``strip()`` leaves)."""
    ok = allowed[chars]
    fits = (ok | (chars == 32)).all(1)
    starts = ok[:, 0].astype(np.int8) + (ok[:, 1:] > ok[:, :-1]).sum(1)  # runs of allowed bytes
    return fits & ((starts <= 1) if may_be_empty else (starts == 1))


def _table(ranges: str) -> np.ndarray:
    t = np.zeros(256, bool)
    for ch in ranges:
        t[ord(ch)] = True
    return t


_UPPER_DIGIT = _table("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ALNUM = _table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


class NcicFastPath:
    """Builds the blocks of one NCIC fixed-width part: clean rows as arrays, the others as :func:`build_records` does."""

    def __init__(self, spec: NcicFixedSpec, settings: SourceParseSettings, as_of: date | None) -> None:
        self.spec = spec
        self.settings = settings
        self.as_of = as_of
        self.max_len = spec.max_line_length
        self.codec = _Codes(settings, spec.date_format, spec.default_record_type, spec.type_char)
        self.skip = settings.skip_plates
        head = [slice(*NCIC_COLUMNS[name]) for name in FIELD_ORDER[:6]]
        self.getter = itemgetter(*head, slice(NCIC_MIN_LENGTH, None), _EMPTY, _EMPTY, _EMPTY)
        self.dates: dict[str, object] = {}
        self.states: dict[str, object] = {}
        self.types: dict[str, object] = {}
        self.tails: dict[str, object] = {}

    # --- one value of each low-cardinality field: what the slow path would make of it ---

    def _date(self, raw: str) -> object:
        value = self.codec.date(raw)
        return _SLOW if value is _INVALID else (value.isoformat() if value else None)  # type: ignore[attr-defined]

    def _state(self, raw: str) -> object:
        st = self.codec.state(raw)
        if st is _INVALID or raw in self.codec.repaired_keys:
            return _SLOW
        s = self.settings
        if s.state_filter is not None and (st not in s.state_filter if st else not s.keep_rows_without_state):
            return _SLOW
        return st

    def _type(self, raw: str) -> object:
        if not raw.strip():
            return _SLOW  # the type then comes from the record id: not one value per letter
        typed = self.codec.record_type(raw, "")
        if isinstance(typed, str) or typed[1] is UNKNOWN_TYPE_RULE:
            return _SLOW
        typ, rule = typed
        return (typ if len(typ) <= 2 else None, str(rule.category), rule.priority, rule.covert)

    def _tail(self, raw: str) -> object:
        value = self.codec.tail(raw)
        if len(value) == 2 or value[7]:
            return _SLOW
        return (*value[:7], None, None, None)

    def _lookup(self, cache: dict, make, raws: list[str]) -> tuple[list, set]:  # noqa: ANN001
        """The outcome of every raw value (computed once per distinct value), and the values that go the slow way."""
        distinct = set(raws)
        missing = distinct.difference(cache)
        if len(cache) + len(missing) > _CACHE_LIMIT:
            self._forget()
            missing = distinct
        for raw in missing:
            cache[raw] = make(raw)
        slow = {raw for raw in distinct if cache[raw] is _SLOW}
        return list(map(cache.__getitem__, raws)), slow

    def _forget(self) -> None:
        for cache in (self.dates, self.states, self.types, self.tails, self.codec.dates, self.codec.states,
                      self.codec.types, self.codec.tails):
            cache.clear()
        self.codec.repaired_keys.clear()

    def build(self, lines: list[str], first_no: int, bad: dict[int, tuple[str, str]]) -> tuple[BuildResult, RecordBlock]:
        """The block's report tallies and issues (slow rows only) and its records in line order."""
        n = len(lines)
        lens = np.fromiter(map(len, lines), np.int64, n)
        fast = (lens >= _HEAD) & (lens <= self.max_len)
        for no in bad:
            if first_no <= no < first_no + n:
                fast[no - first_no] = False
        idx = np.flatnonzero(fast)
        cand = lines if len(idx) == n else _picker(idx)(lines)
        head = itemgetter(slice(0, _HEAD))
        joined = "".join(map(head, cand))
        if not joined.isascii():
            asc = np.fromiter(map(str.isascii, map(head, cand)), bool, len(cand))
            idx, cand = idx[asc], [line for line, a in zip(cand, asc, strict=True) if a]
            joined = "".join(map(head, cand))
        ok = np.ones(len(cand), bool)
        if cand:
            arr = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(len(cand), _HEAD)
            ok &= _run_ok(arr[:, _PLATE], _UPPER_DIGIT, False)
            ok &= _run_ok(arr[:, _NIC], _ALNUM, True)
            ok &= _run_ok(arr[:, _ORI], _ALNUM, True)
        columns = []
        for cut, cache, make in ((_TYPE, self.types, self._type), (_DATE, self.dates, self._date),
                                 (_STATE, self.states, self._state), (slice(_HEAD, None), self.tails, self._tail)):
            raws = list(map(itemgetter(cut), cand))
            values, slow = self._lookup(cache, make, raws)
            if slow:
                ok &= ~np.fromiter(map(slow.__contains__, raws), bool, len(raws))
            columns.append(values)
        plates = list(map(str.strip, map(itemgetter(_PLATE), cand)))
        if self.skip and not self.skip.isdisjoint(plates):
            ok &= ~np.fromiter(map(self.skip.__contains__, plates), bool, len(plates))
        if not ok.all():
            keep = np.flatnonzero(ok)
            pick = _picker(keep)
            idx, cand, plates = idx[keep], pick(cand), pick(plates)
            columns = [pick(c) for c in columns]
        block = self._columns(cand, plates, columns, idx + first_no)
        slow_idx = np.setdiff1d(np.arange(n), idx, assume_unique=True)
        if not len(slow_idx):
            out = BuildResult(data_rows=len(idx))
            return out, block
        return self._with_slow(lines, first_no, bad, idx, slow_idx, block)

    def _columns(self, cand: list[str], plates: list[str], columns: list[list], numbers: np.ndarray) -> RecordBlock:
        typed, dates, states, tails = columns
        m = len(cand)
        if not m:
            return RecordBlock.of_records([])
        types, cats, prios, covert = (list(c) for c in zip(*typed, strict=True))
        nics = list(map(str.strip, map(itemgetter(_NIC), cand)))
        oris = list(map(str.strip, map(itemgetter(_ORI), cand)))
        if "" in nics:
            nics = [v or None for v in nics]
        if "" in oris:
            oris = [v or None for v in oris]
        return RecordBlock(plates, plates, states, types, cats, prios, nics, oris, dates, tails, covert,
                           numbers.tolist())

    def _with_slow(self, lines: list[str], first_no: int, bad: dict[int, tuple[str, str]], fast_idx: np.ndarray,
                   slow_idx: np.ndarray, block: RecordBlock) -> tuple[BuildResult, RecordBlock]:
        """Build the slow rows as :func:`build_records` does and interleave their records with the block's."""
        getter, max_len = self.getter, self.max_len
        rows = chain.from_iterable(_fixed_checked([lines[i]], first_no + i, getter, _HEAD, max_len)
                                   for i in slow_idx.tolist())
        if bad:
            rows = _flag_bad(rows, bad)
        spec = self.spec
        out = build_records(rows, self.settings, date_format=spec.date_format,
                            default_record_type=spec.default_record_type, as_of=self.as_of,
                            type_char=spec.type_char, merge=False)
        slow_block = RecordBlock.of_records(out.records)
        out.records = []
        out.data_rows += len(fast_idx)
        if len(fast_idx):
            data_slow = [i for i in slow_idx.tolist() if not (len(lines[i]) < _HEAD and is_blank(lines[i]))]
            if not data_slow or fast_idx[-1] > data_slow[-1]:
                out.last_row_rejected = False
        return out, _interleave(block, slow_block)


def _picker(keep: np.ndarray):  # noqa: ANN202
    """A function that takes the items at ``keep`` out of a list (as a list)."""
    if len(keep) > 1:
        get = itemgetter(*keep.tolist())
        return lambda values: list(get(values))
    at = keep.tolist()
    return lambda values: [values[i] for i in at]


def _interleave(a: RecordBlock, b: RecordBlock) -> RecordBlock:
    """The records of two blocks in line order (each already in line order)."""
    if not len(b):
        return a
    if not len(a):
        return b
    lines = a.lines + b.lines
    order = sorted(range(len(lines)), key=lines.__getitem__)
    pick = itemgetter(*order) if len(order) > 1 else (lambda values: (values[order[0]],))

    def both(name: str) -> list:
        return list(pick(getattr(a, name) + getattr(b, name)))

    expiries = [e for e in (a.min_expiry, b.min_expiry) if e is not None]
    return RecordBlock(*(both(name) for name in ("plates", "plate_raws", "states", "types", "categories",
                                                 "priorities", "nics", "oris", "entry_dates", "tails", "covert",
                                                 "lines")),
                       min(expiries) if expiries else None)


def fast_path_for(spec: object, settings: SourceParseSettings, as_of: date | None) -> NcicFastPath | None:
    """The fast path for ``spec`` (only the NCIC fixed-width record has one)."""
    return NcicFastPath(spec, settings, as_of) if isinstance(spec, NcicFixedSpec) else None


