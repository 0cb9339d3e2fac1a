"""Property-based round trips: generate records, write them in a format, parse them back."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.hotlists import (
    DEFAULT_TYPE_RULES,
    Column,
    DelimitedSpec,
    FixedWidthSpec,
    HotListRecord,
    format_ncic_line,
    format_tagged_line,
    normalise_plate,
    parse_hotlist,
    preset,
)
from app.domain.hotlists.records import make_record

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

plate_raw = st.text(ALNUM + " -", min_size=1, max_size=10).filter(
    lambda s: s.strip() == s and 0 < len(normalise_plate(s)) and normalise_plate(s) not in {"0", "00", "000"}
)
code = st.one_of(st.none(), st.text(LETTERS, min_size=2, max_size=4))


@st.composite
def record(draw, line_no: int = 0) -> HotListRecord:
    raw = draw(plate_raw)
    typ = draw(st.sampled_from(sorted(DEFAULT_TYPE_RULES)))
    rule = DEFAULT_TYPE_RULES[typ]
    entry = draw(st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))))
    make = draw(code)
    return make_record(
        normalise_plate(raw), raw, draw(st.sampled_from(["CA", "NV", "TX", "OH"])), typ, rule.category,
        rule.priority, rule.covert, typ + draw(st.text("0123456789", min_size=9, max_size=9)),
        draw(st.text(LETTERS + "0123456789", min_size=9, max_size=9)), entry,
        draw(st.one_of(st.none(), st.sampled_from(["2019", "NX"]))), draw(st.one_of(st.none(), st.just("PC"))),
        draw(st.one_of(st.none(), st.sampled_from(["2005", "1999"]))), make[:4] if make else None,
        draw(st.one_of(st.none(), st.sampled_from(["CIV", "F15", "RAM"]))), draw(st.one_of(st.none(), st.just("4D"))),
        draw(st.one_of(st.none(), st.sampled_from(["BLK", "YEL/BLK", "WHI"]))), None, None, None, line_no,
    )


def unique(records: list[HotListRecord]) -> list[HotListRecord]:
    seen, out = set(), []
    for r in records:
        if (r.plate, r.state) not in seen:
            seen.add((r.plate, r.state))
            out.append(r)
    return out


def comparable(r: HotListRecord, fields: tuple[str, ...]) -> tuple:
    return tuple(getattr(r, f) for f in fields)


ALL = (
    "plate", "plate_raw", "state", "record_type", "category", "priority", "covert", "nic", "ori", "entry_date",
    "lic_year", "lic_type", "vehicle_year", "vehicle_make", "vehicle_model", "vehicle_style", "vehicle_colour",
)


@FAST
@given(st.lists(record(), min_size=1, max_size=40).map(unique), st.sampled_from(["\n", "\r\n"]))
def test_ncic_fixed_round_trip(records, newline):
    data = newline.join(format_ncic_line(r) for r in records).encode() + newline.encode()
    out = parse_hotlist(data, preset("ncic_fixed"))
    assert out.accepted, out.refusal_detail
    assert [comparable(r, ALL) for r in out.records] == [comparable(r, ALL) for r in records]
    assert [r.line_no for r in out.records] == list(range(1, len(records) + 1))


@FAST
@given(st.lists(record(), min_size=1, max_size=40).map(unique))
def test_framed_ncic_round_trip_counts_rows(records):
    body = [format_ncic_line(r) for r in records]
    data = "\n".join(["DATE01/02/2024 10:30", *body, f"TOTAL RECORD {len(body):07d}"]).encode("latin-1")
    out = parse_hotlist(data, preset("ncic_fixed_framed"))
    assert out.accepted and out.footer_count == len(records) == out.counts.imported


@FAST
@given(st.lists(record(), min_size=1, max_size=40).map(unique), st.sampled_from([",", ";", "\t", "|"]))
def test_delimited_round_trip(records, delimiter):
    names = ("plate", "state", "record_type", "nic", "ori", "entry_date", "vehicle_make", "vehicle_colour")
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow([n.upper() for n in names])
    for r in records:
        row = [getattr(r, n) for n in names]
        row[0] = r.plate_raw
        row[5] = r.entry_date.strftime("%Y%m%d") if r.entry_date else ""
        writer.writerow(["" if v is None else str(v) for v in row])
    spec = DelimitedSpec(delimiter=delimiter, columns={n: n.upper() for n in names})
    out = parse_hotlist(buf.getvalue().encode(), spec)
    assert out.accepted, out.refusal_detail
    assert [comparable(r, names) for r in out.records] == [comparable(r, names) for r in records]


@FAST
@given(st.lists(record(), min_size=1, max_size=40).map(unique))
def test_tagged_round_trip(records):
    data = "\n".join(format_tagged_line(r) for r in records).encode() + b"\n"
    out = parse_hotlist(data, preset("ncic_tagged"))
    assert out.accepted, out.refusal_detail
    assert [comparable(r, ALL) for r in out.records] == [comparable(r, ALL) for r in records]


@FAST
@given(st.lists(record(), min_size=1, max_size=40).map(unique))
def test_fixed_width_round_trip(records):
    spec = FixedWidthSpec(
        columns=[Column(field="state", start=0, end=2), Column(field="record_type", start=2, end=3),
                 Column(field="plate", start=3, end=13), Column(field="vehicle_colour", start=13)],
    )
    data = "\n".join(f"{r.state}{r.record_type}{r.plate_raw:<10}{r.vehicle_colour or ''}" for r in records).encode() + b"\n"
    out = parse_hotlist(data, spec)
    names = ("plate", "state", "record_type", "priority", "vehicle_colour")
    assert [comparable(r, names) for r in out.records] == [comparable(r, names) for r in records]


@FAST
@given(st.lists(record(), min_size=2, max_size=30))
def test_duplicates_merge_to_the_highest_priority(records):
    data = "\n".join(format_ncic_line(r) for r in records).encode() + b"\n"
    out = parse_hotlist(data, preset("ncic_fixed"))
    best: dict[tuple, int] = {}
    for r in records:
        best[(r.plate, r.state)] = min(best.get((r.plate, r.state), 99), r.priority)
    assert {(r.plate, r.state): r.priority for r in out.records} == best
    assert out.counts.duplicates_merged == len(records) - len(best)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_normalise_plate_is_idempotent_and_clean(text):
    p = normalise_plate(text)
    assert normalise_plate(p) == p and all(c in ALNUM for c in p)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["ncic_fixed", "ncic_fixed_framed", "state_csv", "ncic_tagged"]))
def test_garbage_never_raises(data, name):
    out = parse_hotlist(data, preset(name))
    c = out.counts
    if out.accepted:
        handled = c.imported + c.rejected + c.duplicates_merged + c.skipped_listed + c.skipped_state + c.skipped_expired
        assert handled == c.data_rows
    else:
        assert out.records == () and out.refusal is not None
