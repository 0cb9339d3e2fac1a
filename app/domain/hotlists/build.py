"""Raw field tuples -> validated, normalised, de-duplicated :class:`HotListRecord` values.

This is the per-row hot loop of a million-row import, so it is written for speed: locals
instead of attribute lookups, value caches for low-cardinality codes and dates, and
:func:`make_record` instead of the frozen dataclass ``__init__``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.hotlists.categories import UNKNOWN_TYPE_RULE, TypeRule
from app.domain.hotlists.extract import NCIC_TAIL, Payload
from app.domain.hotlists.outcome import ParseCounts, RowIssue, RowReason
from app.domain.hotlists.records import (
    _NON_PLATE,
    MAX_PLATE_LENGTH,
    HotListRecord,
    _MutableRecord,
    has_foreign_letters,
)
from app.domain.hotlists.settings import SourceParseSettings

_MISS = object()  # cache lookup marker: value not seen yet
_INVALID = object()  # cache value marker: unparsable state or date
#: Characters the NCIC rule strips from a plate (reported as a warning); any other symbol rejects the row.
_SEPARATORS = frozenset(" -.")
#: Longest value each stored field takes (the database columns): longer is a bad row, never cut or a DB error.
_TAIL_LIMITS = (("LIY", 4), ("LIT", 2), ("VYR", 4), ("VMA", 24), ("VMO", 24), ("VST", 8), ("VCO", 16))
_HEAD_LIMITS = (("NIC", 10), ("ORI", 9), ("OCA", 64))
#: What each vehicle/plate code may look like (ASCII only): a shifted column or a stray byte fails these.
_CODE_SHAPES = (
    ("LIY", re.compile(r"[0-9]{2}|[0-9]{4}|[A-Z]{2}")), ("LIT", re.compile(r"[A-Z0-9]{1,2}")),
    ("VYR", re.compile(r"[0-9]{2}|[0-9]{4}")), ("VMA", re.compile(r"[A-Z0-9][A-Z0-9 &.-]*")),
    ("VMO", re.compile(r"[A-Z0-9][A-Z0-9 &.-]*")), ("VST", re.compile(r"[A-Z0-9]{1,8}")),
    ("VCO", re.compile(r"[A-Z]{3,}(?:[/ -][A-Z]{3,})*")),  # BLK, YEL/BLK, BLACK/WHITE
)


@dataclass(slots=True)
class BuildResult:
    """Mutable accumulator of one build (internal to the parser)."""

    records: list[HotListRecord] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)
    duplicates: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    data_rows: int = 0
    blank_lines: int = 0
    repaired: int = 0
    last_row_rejected: bool = False

    def counts(self, lines: int) -> ParseCounts:
        """Freeze the tallies for the report."""
        skipped = {r: 0 for r in (RowReason.SKIP_LIST, RowReason.STATE_FILTERED, RowReason.EXPIRED)}
        for issue in self.skipped:
            skipped[issue.reason] += 1
        return ParseCounts(
            lines=lines,
            data_rows=self.data_rows,
            blank_lines=self.blank_lines,
            imported=len(self.records),
            rejected=len(self.rejected),
            skipped_listed=skipped[RowReason.SKIP_LIST],
            skipped_state=skipped[RowReason.STATE_FILTERED],
            skipped_expired=skipped[RowReason.EXPIRED],
            duplicates_merged=len(self.duplicates),
            warnings=len(self.warnings),
            codes_repaired=self.repaired,
        )


class _Codes:
    """Caches from a raw (unstripped) field value to its normalised form, filled on first sight.

    Hot-list code fields have few distinct values, so after the first rows every code, date and
    record type costs one dict lookup instead of strip/upper/validate.
    """

    def __init__(self, settings: SourceParseSettings, date_format: str, default_record_type: str | None,
                 type_char: int = 0) -> None:
        self.type_char = type_char
        self.repair = settings.repair_zero_in_codes
        self.rules = settings.type_map.lookup()
        self.import_unknown = settings.type_map.unknown == "import"
        self.default_type = (default_record_type or "").strip().upper()
        self.date_format = date_format
        self.states: dict[str, object] = {}
        self.tails: dict[str | tuple[str, ...], tuple] = {}
        self.dates: dict[str, object] = {}
        self.types: dict[str, tuple[str, TypeRule] | str] = {}
        self.repaired_keys: set[str] = set()

    def _alpha(self, raw: str) -> str:
        value = raw.strip().upper()
        if self.repair and "0" in value:
            fixed = value.replace("0", "O")
            if fixed.isalpha():
                self.repaired_keys.add(raw)
                value = fixed
        return value

    def state(self, raw: str) -> object:
        value: object = self._alpha(raw) or None
        if value is not None and not (len(value) == 2 and value.isalpha() and value.isascii()):  # type: ignore[arg-type]
            value = _INVALID
        self.states[raw] = value
        return value

    def tail(self, raw: str | tuple[str, ...]) -> tuple:
        """LIY, LIT, VYR, VMA, VMO, VST, VCO normalised, plus the number of zero-for-O repairs."""
        liy, lit, vyr, vma, vmo, vst, vco = NCIC_TAIL(raw) if isinstance(raw, str) else raw
        fixes = sum(self._alpha(k) != k.strip().upper() for k in (lit, vma, vco))
        value: tuple = (
            liy.strip() or None, self._alpha(lit) or None, vyr.strip() or None, self._alpha(vma) or None,
            vmo.strip().upper() or None, vst.strip().upper() or None, self._alpha(vco) or None, fixes,
        )
        for (tag, limit), (_, shape), v in zip(_TAIL_LIMITS, _CODE_SHAPES, value, strict=False):
            if v is None:
                continue
            if len(v) > limit:
                value = (RowReason.FIELD_TOO_LONG, f"{tag} {v[:30]!r} is longer than {limit} characters")
                break
            if not (v.isascii() and shape.fullmatch(v)):
                value = (RowReason.INVALID_CODE, f"{tag} {v[:30]!r} is not a valid code")
                break
        self.tails[raw] = value
        return value

    def date(self, raw: str) -> object:
        text = raw.strip()
        value: object = None
        if text:
            try:
                value = datetime.strptime(text, self.date_format).date()
            except ValueError:
                value = _INVALID
        self.dates[raw] = value
        return value

    def record_type(self, raw: str, nic: str) -> tuple[str, TypeRule] | str:
        """``(type, rule)`` or the text of a rejection."""
        rtype = raw.strip().upper()
        cacheable = bool(rtype)
        if not rtype:
            k = self.type_char
            rtype = nic.strip()[k:k + 1].upper() or self.default_type
        rule = self.rules.get(rtype)
        result: tuple[str, TypeRule] | str
        if rule is not None:
            result = (rule.code or rtype, rule)
        elif not rtype:
            result = ""
        elif self.import_unknown:
            result = (rtype, UNKNOWN_TYPE_RULE)
        else:
            result = f"record type {rtype!r} is not mapped"
        if cacheable:
            self.types[raw] = result
        return result


def build_records(
    rows: Iterable[tuple[int, Payload]],
    settings: SourceParseSettings,
    *,
    date_format: str,
    default_record_type: str | None,
    as_of: date | None,
    type_char: int = 0,
    merge: bool = True,
) -> BuildResult:
    """Validate and normalise every row, merging duplicates (same plate and state).

    With ``merge=False`` every valid record is kept in line order and nothing is reported as a
    duplicate: the streaming parser (:mod:`app.domain.hotlists.stream`) merges across the whole
    file at its end, with compact arrays instead of a dict of every record.
    """
    out = BuildResult()
    rejected, skipped, warnings = out.rejected, out.skipped, out.warnings
    codec = _Codes(settings, date_format, default_record_type, type_char)
    states, tails, dates, types = codec.states, codec.tails, codec.dates, codec.types
    repaired_keys = codec.repaired_keys
    skip_plates = settings.skip_plates
    state_filter = settings.state_filter
    keep_stateless = settings.keep_rows_without_state
    seen: dict[tuple[str, str | None], HotListRecord] = {}
    kept: list[HotListRecord] = []
    R = RowReason  # noqa: N806 - short alias inside the hot loop
    miss = _MISS
    invalid = _INVALID
    unknown_rule = UNKNOWN_TYPE_RULE
    new_record = _MutableRecord
    record_class = HotListRecord
    data_rows = blank = repaired = 0
    last_bad = False

    for no, payload in rows:
        if payload is None:
            blank += 1
            continue
        data_rows += 1
        last_bad = True
        if payload.__class__ is RowIssue:
            rejected.append(payload)  # type: ignore[arg-type]
            continue
        rtype, nic, ori, edate, plate_raw, state, vehicle, exp, oca, rem = payload  # type: ignore[misc]
        plate_raw = plate_raw.strip()
        plate = plate_raw.upper()
        normalised = False
        if not (plate.isalnum() and plate.isascii()):
            if has_foreign_letters(plate):
                rejected.append(RowIssue(no, R.PLATE_INVALID_CHARS, f"plate {plate_raw!r} has letters outside A-Z"))
                continue
            symbols = set(_NON_PLATE.findall(plate))
            if not symbols <= _SEPARATORS:  # never silently strip '#', '*', '/', quotes ... out of a plate
                rejected.append(RowIssue(no, R.PLATE_INVALID_CHARS,
                                         f"plate {plate_raw!r} holds {''.join(sorted(symbols - _SEPARATORS))!r}"))
                continue
            plate = _NON_PLATE.sub("", plate)
            normalised = bool(plate)
        if len(plate_raw) > 32 or len(nic) > 10 and len(nic.strip()) > 10 or len(ori) > 9 and len(ori.strip()) > 9 \
                or len(oca) > 64 and len(oca.strip()) > 64:
            long = next((f"{tag} is longer than {lim} characters" for tag, lim, v in
                         (("plate", 32, plate_raw), *((t, lim, x.strip()) for (t, lim), x in zip(_HEAD_LIMITS, (nic, ori, oca), strict=True)))
                         if len(v) > lim), None)
            if long:
                rejected.append(RowIssue(no, R.FIELD_TOO_LONG, long))
                continue
        if not plate:
            rejected.append(RowIssue(no, R.EMPTY_PLATE, "no plate characters"))
            continue
        if len(plate) > MAX_PLATE_LENGTH:
            rejected.append(RowIssue(no, R.PLATE_TOO_LONG, f"plate {plate!r} has {len(plate)} characters (max 10)"))
            continue
        if plate in skip_plates:
            skipped.append(RowIssue(no, R.SKIP_LIST, f"placeholder plate {plate!r}"))
            last_bad = False
            continue
        typed = types.get(rtype) or codec.record_type(rtype, nic)
        if typed.__class__ is str:
            reason = R.UNKNOWN_RECORD_TYPE if typed else R.MISSING_RECORD_TYPE
            rejected.append(RowIssue(no, reason, typed or "no record type and no default for the source"))  # type: ignore[arg-type]
            continue
        typ, rule = typed  # type: ignore[misc]
        if rule is unknown_rule:
            warnings.append(RowIssue(no, R.UNKNOWN_RECORD_TYPE, f"record type {typ!r} imported as unknown, priority 9"))
        if len(typ) > 2:  # a type in words with no stored code: kept in the report, not cut to fit
            typ = None
        st = states.get(state, miss)
        if st is miss:
            st = codec.state(state)
        if st is invalid:
            rejected.append(RowIssue(no, R.INVALID_STATE, f"state {state.strip()!r} is not a 2-letter code"))
            continue
        if state_filter is not None and (st not in state_filter if st else not keep_stateless):
            skipped.append(RowIssue(no, R.STATE_FILTERED, f"state {st or 'none'} not in the source's filter"))
            last_bad = False
            continue
        entry_date = dates.get(edate, miss)
        if entry_date is miss:
            entry_date = codec.date(edate)
        if entry_date is invalid:
            warnings.append(RowIssue(no, R.INVALID_DATE, f"entry date {edate.strip()!r} ignored"))
            entry_date = None
        expiry = dates.get(exp, miss)
        if expiry is miss:
            expiry = codec.date(exp)
        if expiry is not None:
            if expiry is invalid:
                warnings.append(RowIssue(no, R.INVALID_DATE, f"expiry {exp.strip()!r} ignored"))
                expiry = None
            elif as_of is not None and expiry < as_of:  # type: ignore[operator]
                skipped.append(RowIssue(no, R.EXPIRED, f"expired {expiry}"))
                last_bad = False
                continue
        last_bad = False
        tail = tails.get(vehicle)
        if tail is None:
            tail = codec.tail(vehicle)  # type: ignore[arg-type]
        if len(tail) == 2:
            rejected.append(RowIssue(no, tail[0], tail[1]))
            last_bad = True
            continue
        nic_v, ori_v = nic.strip(), ori.strip()
        if (nic_v and not (nic_v.isalnum() and nic_v.isascii())) or (ori_v and not (ori_v.isalnum() and ori_v.isascii())):
            rejected.append(RowIssue(no, R.INVALID_CODE, f"record id {nic_v!r} / ORI {ori_v!r} is not a valid code"))
            last_bad = True
            continue
        if normalised:
            warnings.append(RowIssue(no, R.PLATE_NORMALISED, f"plate {plate_raw!r} stored as {plate!r}"))
        liy_v, lit_v, vyr_v, vma_v, vmo_v, vst_v, vco_v, fixes = tail
        repaired += fixes + (state in repaired_keys)
        record = new_record(
            plate, plate_raw, st, typ, rule.category, rule.priority, rule.covert, nic.strip() or None,
            ori_v or None, entry_date, liy_v, lit_v, vyr_v, vma_v, vmo_v, vst_v, vco_v, expiry,
            oca.strip() or None, rem.strip() or None, no,
        )
        record.__class__ = record_class  # see records.make_record
        if not merge:
            kept.append(record)
            continue
        key = (plate, st)
        prev = seen.get(key)
        if prev is None:
            seen[key] = record
        elif record.priority < prev.priority:
            seen[key] = record
            out.duplicates.append(
                RowIssue(prev.line_no, R.DUPLICATE, f"merged into line {no} (priority {record.priority} beats {prev.priority})")
            )
        else:
            out.duplicates.append(RowIssue(no, R.DUPLICATE, f"merged into line {prev.line_no} (same plate and state)"))
    out.records = list(seen.values()) if merge else kept
    out.data_rows, out.blank_lines, out.repaired, out.last_row_rejected = data_rows, blank, repaired, last_bad
    return out
