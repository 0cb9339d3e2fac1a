"""A hot-list file split at a line boundary over two parses gives exactly the one-pass outcome."""

from __future__ import annotations

import random

import pytest

from app.domain.hotlists import SourceParseSettings, preset
from app.domain.hotlists.outcome import RefusalReason
from app.domain.hotlists.stream import StreamOutcome, finish_stream
from app.services.hotlist_split import parse_file_part, scan_list_file, splittable
from tests.app.hotlist_support import ncic_lines
from tests.faults import scenarios


def _parse(path, name, settings, split_at, chars, read):  # noqa: ANN001, ANN202
    spec = preset(name)
    scan = scan_list_file(path, (settings or SourceParseSettings()).encoding, split_at=split_at, read_block=read)
    if isinstance(scan.encoding, RefusalReason):
        return scan, scan.encoding, []
    parts, records = [], []
    for k in range(2 if scan.split else 1):
        got: list = []
        parts.append(parse_file_part(path, spec, settings, None, scan, k, got.extend, block_chars=chars, read_block=read))
        records.append(got)
    out: StreamOutcome = finish_stream(parts, spec, settings, scan.encoding, 0.0)
    flat = [r for got in records for r in got]
    drop = set(out.dropped)
    return scan, out, [r for i, r in enumerate(flat) if i not in drop]


def same_split(tmp_path, data: bytes, name: str, split_at: int, settings=None, chars: int = 64,  # noqa: ANN001
               read: int = 97) -> bool:
    """Parse ``data`` whole and split at ``split_at``; assert equal outcomes; True if it was split."""
    path = tmp_path / "list.txt"
    path.write_bytes(data)
    _, whole, whole_records = _parse(path, name, settings, None, chars, read)
    scan, split, records = _parse(path, name, settings, split_at, chars, read)
    if isinstance(whole, RefusalReason):
        assert split == whole
        return False
    w, s = whole.outcome, split.outcome
    assert (s.accepted, s.refusal, s.refusal_detail) == (w.accepted, w.refusal, w.refusal_detail)
    assert s.counts == w.counts
    assert (s.rejected, s.skipped, s.warnings, s.duplicates) == (w.rejected, w.skipped, w.warnings, w.duplicates)
    assert (s.encoding, s.extract_time, s.footer_count) == (w.encoding, w.extract_time, w.footer_count)
    assert (split.emitted, split.dropped) == (whole.emitted, whole.dropped)
    if w.accepted:
        assert records == whole_records
    return scan.split is not None


def test_a_split_parse_equals_the_one_pass_parse_at_every_line_of_framed_crlf_and_cut_files(tmp_path):
    dup = ncic_lines(30) + ncic_lines(30)  # every plate twice: merged across the parts
    cases = [(dup.encode(), "ncic_fixed")]
    for name, (data, _) in scenarios.base_lists().items():
        if not splittable(preset(name)):
            continue
        cases += [(data, name), (data.replace(b"\n", b"\r\n"), name), (b"\n\n" + data + b"\n\n", name),
                  (data[:-1], name), (data[:-7], name)]
    framed = ("DATE 2026-01-31 10:00\n" + ncic_lines(40) + "TOTAL RECORD 40\n").encode()
    cases += [(framed, "ncic_fixed_framed"), (framed.replace(b"\n", b"\r\n"), "ncic_fixed_framed"),
              (framed.replace(b"TOTAL RECORD 40", b"TOTAL RECORD 41"), "ncic_fixed_framed"),
              (framed[:framed.rindex(b"TOTAL")], "ncic_fixed_framed")]
    for data, name in cases:
        splits = 0
        for at in [*range(0, 200, 23), *range(200, len(data), max(1, len(data) // 25))]:
            splits += same_split(tmp_path, data, name, at)
        assert splits, name  # most points split (the very first / last lines cannot)


def test_a_bad_row_at_the_split_boundary_keeps_its_line_number(tmp_path):
    lines = ncic_lines(50).splitlines(keepends=True)
    lines[24] = lines[24][:30] + "\x00" + lines[24][31:]  # a control character in the last line of part 0
    lines[25] = lines[25][:20] + "\n"  # a short line opening part 1
    lines[26] = '"' + lines[26]
    data = "".join(lines).encode()
    at = len("".join(lines[:25])) - 1  # the LF ending line 25: part 1 starts with line 26
    assert same_split(tmp_path, data, "ncic_fixed", at)
    scan, out, _ = _parse(tmp_path / "list.txt", "ncic_fixed", None, at, 64, 97)
    assert scan.split.first_line == 26
    assert [(i.line_no, i.reason) for i in out.outcome.rejected][:2] == [(25, "control_characters"),
                                                                         (26, "line_too_short")]


def test_a_file_is_not_split_where_it_cannot_be_split_safely(tmp_path):
    path = tmp_path / "list.txt"
    body = ncic_lines(40)
    for data, at, why in [(body.replace("\n", "\r").encode(), None, "lone CRs"),
                          (body.encode().replace(b"\n", b"\r", 1), None, "one lone CR"),
                          (b"\n" * 200 + body.encode(), 100, "blank part 0: the header would be in part 1"),
                          (body.encode() + b" \n" * 5000, len(body) + 10, "blank part 1: the footer in part 0"),
                          (body.encode(), len(body), "no line after the split")]:
        path.write_bytes(data)
        scan = scan_list_file(path, "auto", split_at=len(data) // 2 if at is None else at)
        assert scan.split is None, why
    for encoding in ("utf-8", "latin-1", "cp1252"):
        path.write_bytes(body.encode())
        assert scan_list_file(path, encoding, split_at=len(body) // 2).split is not None
    assert not splittable(preset("state_csv"))  # a column-name row
    path.write_bytes(body.encode())
    scan = scan_list_file(path, "auto", split_at=len(body) // 2)
    assert scan.split is not None and scan.split.size == len(body)


def test_a_bom_after_the_split_stays_a_character(tmp_path):
    lines = ncic_lines(20).encode().splitlines(keepends=True)
    lines[10] = b"\xef\xbb\xbf" + lines[10]
    data = b"\xef\xbb\xbf" + b"".join(lines)
    at = len(b"".join(lines[:10])) + 3
    assert same_split(tmp_path, data, "ncic_fixed", at)


@pytest.mark.parametrize("seed", range(3))
def test_a_split_parse_equals_the_one_pass_parse_on_mutated_files(tmp_path, seed):
    rnd = random.Random(seed)
    for name, (data, _) in scenarios.base_lists().items():
        if not splittable(preset(name)):
            continue
        for _ in range(25):
            bad = scenarios.mutate(data, rnd)
            same_split(tmp_path, bad, name, rnd.randrange(max(1, len(bad))), chars=rnd.choice([16, 200, 5000]),
                       read=rnd.choice([7, 64, 333, 10_000]))


def test_a_second_parser_that_fails_or_vanishes_fails_the_parse(tmp_path, monkeypatch):
    import gc
    import multiprocessing as mp
    from datetime import UTC, datetime

    from app.services import hotlist_parse_child
    from app.services.hotlist_files import ListFileRefused
    from app.services.hotlist_parse_child import _await_part, _part_main

    monkeypatch.setattr(hotlist_parse_child, "_lower_priority", lambda: None)  # runs here, not in a child
    monkeypatch.setattr(gc, "disable", lambda: None)

    path = tmp_path / "list.txt"
    path.write_bytes(ncic_lines(40).encode())
    scan = scan_list_file(path, "auto", split_at=len(ncic_lines(20)))
    mine, theirs = mp.Pipe()
    mine.send((scan, str(tmp_path / "stage-1.db")))
    path.write_bytes(ncic_lines(30).encode())  # cut since the scan: the part cannot be read whole
    _part_main(theirs, str(path), preset("ncic_fixed"), None, None, (1, datetime.now(UTC), False))
    with pytest.raises(ListFileRefused) as refused:
        _await_part(mine)
    assert refused.value.reason is RefusalReason.UNREADABLE
    mine, theirs = mp.Pipe()
    mine.send(("not", "a", "job"))
    _part_main(theirs, str(path), preset("ncic_fixed"), None, None, (1, datetime.now(UTC), False))
    with pytest.raises(RuntimeError, match="second parser"):
        _await_part(mine)
    mine, theirs = mp.Pipe()
    theirs.close()  # the second parser died before it answered
    with pytest.raises(RuntimeError, match="without an answer"):
        _await_part(mine)
