"""The streaming parse: the whole-file parser's verdict and report, a block of lines at a time."""

from __future__ import annotations

import random

import pytest

from app.domain.hotlists import SourceParseSettings, parse_hotlist, preset
from app.domain.hotlists.outcome import RefusalReason
from app.domain.hotlists.stream import parse_hotlist_stream, sniff_encoding
from tests.app.hotlist_support import ncic_lines
from tests.faults import scenarios


def blocks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)] or [b""]


def streamed(data: bytes, spec, settings=None, size: int = 97, chars: int = 64):  # noqa: ANN001, ANN201
    got: list = []
    enc = sniff_encoding(blocks_of(data, size), (settings or SourceParseSettings()).encoding)
    if isinstance(enc, RefusalReason):
        return enc, None
    out = parse_hotlist_stream(blocks_of(data, size), spec, settings, got.extend, encoding=enc, block_chars=chars)
    dropped = set(out.dropped)
    return out, [r for i, r in enumerate(got) if i not in dropped]


def same_as_whole(data: bytes, name: str, settings=None, **kw) -> None:  # noqa: ANN001
    whole = parse_hotlist(data, preset(name), settings)
    out, records = streamed(data, preset(name), settings, **kw)
    if isinstance(out, RefusalReason):
        assert whole.refusal == out
        return
    s = out.outcome
    assert (s.accepted, s.refusal, s.refusal_detail) == (whole.accepted, whole.refusal, whole.refusal_detail)
    assert s.counts == whole.counts
    assert (s.rejected, s.skipped, s.warnings, s.duplicates) == (whole.rejected, whole.skipped, whole.warnings,
                                                                 whole.duplicates)
    assert (s.encoding, s.extract_time, s.footer_count) == (whole.encoding, whole.extract_time, whole.footer_count)
    if whole.accepted:
        assert sorted(records, key=lambda r: r.line_no) == sorted(whole.records, key=lambda r: r.line_no)


def test_a_streamed_parse_equals_the_whole_file_parse_on_clean_and_framed_lists():
    dup = ncic_lines(40) + ncic_lines(40)  # every plate twice: merged across blocks
    same_as_whole(dup.encode(), "ncic_fixed")
    for name, (data, _) in scenarios.base_lists().items():
        same_as_whole(data, name)
        same_as_whole(data.replace(b"\n", b"\r\n"), name)
        same_as_whole(b"\n\n" + data + b"\n\n", name)
        same_as_whole(data[:-1], name)  # last line without its newline


def test_duplicates_keep_the_most_urgent_row_across_blocks():
    # W (wanted, priority 2) beats V (stolen, 4) on a later line; ties keep the first line
    first = "V000000001CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n"
    urgent = "W000000002CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n"
    data = (first + ncic_lines(30, "QQ") + urgent + ncic_lines(30, "RR") + first).encode()
    same_as_whole(data, "ncic_fixed", size=50, chars=40)
    out, records = streamed(data, preset("ncic_fixed"), size=50, chars=40)
    kept = [r for r in records if r.plate == "ABC1234"]
    assert [r.record_type for r in kept] == ["W"] and out.outcome.counts.duplicates_merged == 2


@pytest.mark.parametrize("seed", range(4))
def test_a_streamed_parse_equals_the_whole_file_parse_on_mutated_files(seed):
    rnd = random.Random(seed)
    for name, (data, _) in scenarios.base_lists().items():
        for _ in range(25):
            same_as_whole(scenarios.mutate(data, rnd), name, size=rnd.choice([7, 64, 333, 10_000]),
                          chars=rnd.choice([16, 200, 5000]))


def test_records_are_handed_over_before_the_file_is_read_and_in_bounded_blocks():
    data = ncic_lines(3000, "Q").encode()
    size = 4096
    read = 0
    at_emit: list[tuple[int, int]] = []

    def reader():  # noqa: ANN202
        nonlocal read
        for block in blocks_of(data, size):
            read += len(block)
            yield block

    enc = sniff_encoding(blocks_of(data, size), "auto")
    out = parse_hotlist_stream(reader(), preset("ncic_fixed"), None, lambda recs: at_emit.append((read, len(recs))),
                               encoding=enc, block_chars=8192)
    assert out.outcome.accepted and out.emitted == 3000 and sum(n for _, n in at_emit) == 3000
    assert at_emit[0][0] <= 3 * size < len(data)  # the first records left before the rest of the file was read
    assert len(at_emit) > 20 and max(n for _, n in at_emit) <= 8192 * 2 // 60  # never more than ~two blocks of rows


def test_encoding_rules_match_the_whole_file_decoder():
    latin = ("V000000001CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n" * 30).encode()
    accented = latin + "V000000002CA057020020190509ABC1235   CA2009PC2019HONDCIV4DBLK remarque é\n".encode("latin-1")
    for data in (latin, accented, accented + "ü".encode(), "é".encode()[:1] + latin, latin + "é".encode()[:1]):
        same_as_whole(data, "ncic_fixed", size=13, chars=50)
    assert sniff_encoding([b"  \n", b"\x00 "], "auto") is RefusalReason.EMPTY


def test_the_parser_child_streams_and_sends_only_the_merged_records(tmp_path):
    from app.services.hotlist_parse_child import parse_in_child

    first = "V000000001CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n"
    urgent = "W000000002CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n"
    f = tmp_path / "list.txt"
    f.write_text(first + ncic_lines(5000, "Q") + urgent)
    parsed = parse_in_child(f, preset("ncic_fixed"), None, None)
    try:
        assert parsed.outcome.accepted and parsed.count == 5001 and parsed.outcome.counts.duplicates_merged == 1
        records = parsed.records()
    finally:
        parsed.close()
    assert len(records) == 5001 and [r.record_type for r in records if r.plate == "ABC1234"] == ["W"]


def _reference_merge(plates, states, prios, lines):  # noqa: ANN001, ANN202 - the rule, written plainly
    groups: dict = {}
    for seq, key in enumerate(zip(plates, states, strict=True)):
        groups.setdefault(key, []).append(seq)
    losers, issues = [], []
    for members in groups.values():
        prev = members[0]
        for m in members[1:]:
            if prios[m] < prios[prev]:
                losers.append(prev)
                issues.append((lines[m], m, lines[prev], f"merged into line {lines[m]} (priority {prios[m]} "
                                                         f"beats {prios[prev]})"))
                prev = m
            else:
                losers.append(m)
                issues.append((lines[m], m, lines[m], f"merged into line {lines[prev]} (same plate and state)"))
    issues.sort(key=lambda t: t[:2])
    return sorted(losers), [(t[2], t[3]) for t in issues]


@pytest.mark.parametrize("seed", range(3))
def test_the_duplicate_merge_over_many_blocks_and_two_parts_follows_the_rule(seed):
    from app.domain.hotlists.fastpath import RecordBlock
    from app.domain.hotlists.records import HotListRecord
    from app.domain.hotlists.stream import _Merge

    rnd = random.Random(seed)
    pool = [f"{rnd.choice('ABC')}{rnd.randrange(40)}" for _ in range(60)]
    n = 3000
    plates = [rnd.choice(pool) for _ in range(n)]
    states = [rnd.choice(["CA", "TX", None]) for _ in range(n)]
    prios = [rnd.randrange(1, 5) for _ in range(n)]
    lines = [3 + 2 * i for i in range(n)]
    blank = dict.fromkeys(HotListRecord.__dataclass_fields__)
    records = [HotListRecord(**{**blank, "plate": p, "plate_raw": p, "state": s, "record_type": "V",
                                "category": "stolen_vehicle", "priority": q, "covert": False, "line_no": ln})
               for p, s, q, ln in zip(plates, states, prios, lines, strict=True)]
    parts = [_Merge(), _Merge()]
    at = 0
    for size in iter(lambda: rnd.randrange(1, 400), None):  # blocks of uneven size; the second part from n // 2
        block = records[at:at + size]
        part = parts[at >= n // 2]
        part.add_block(RecordBlock.of_records(block)) if rnd.random() < 0.5 else part.add(block)
        at += len(block)
        if at >= n:
            break
    parts[0].extend(parts[1])
    assert parts[1].keys == [] and parts[1].lines == []  # moved, not shared
    losers, issues = parts[0].merge()
    want_losers, want_issues = _reference_merge(plates, states, prios, lines)
    assert losers == want_losers and len(losers) > 2000
    assert [(i.line_no, i.detail) for i in issues] == want_issues
    assert parts[0].keys == [] and parts[0].states == []  # consumed: its blocks are freed


def test_a_lone_utf8_lead_byte_at_a_block_end_before_ascii_blocks_is_still_seen():
    # the sniff skips the decoder for ASCII blocks; it must not skip one that follows a cut character
    line = b"V000000001CA057020020190509ABC1234   CA2009PC2019HONDCIV4DBLK\n"
    data = line * 3 + b"\xc3" + line * 3
    for size in range(len(line) * 3 - 2, len(line) * 3 + 3):  # the lead byte last in a block, or not
        same_as_whole(data, "ncic_fixed", size=size, chars=50)
        enc = sniff_encoding(blocks_of(data, size), "auto")
        assert enc.label != "utf-8", (size, enc)
    good = line * 3 + "é".encode() + line * 3
    for size in range(len(line) * 3 - 2, len(line) * 3 + 3):  # a whole character cut by the block end
        assert sniff_encoding(blocks_of(good, size), "auto").label == "utf-8"
