"""The NCIC fast path gives exactly what every row through ``build_records`` gives: reports, records, stored rows."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain.hotlist_admin import SourceKind
from app.domain.hotlists import RecordTypeMap, SourceParseSettings, preset
from app.domain.hotlists import fastpath as fastpath_module
from app.domain.hotlists.outcome import RefusalReason
from app.domain.hotlists.stream import finish_stream
from app.persistence.hotlist_rows import BULK_COLUMNS, RowStage
from app.services import hotlist_import
from app.services.hotlist_index_prebuilt import IndexColumnsBuilder
from app.services.hotlist_split import FAST_PATH_ENV, parse_file_part, scan_list_file
from tests.app.hotlist_support import copy_stage_into_fresh_db
from tests.faults import scenarios

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
STATES = ["CA", "TX", "NY", "FL", "OH", "  "]
TAILS = ["2022PC2015TOYTCAM4DGRY", "2023PC2009YAMACYLMCRED", "    PC2012FORDF15PKYEL/BLK", "2019  2005DODGRAMPK"]


def line(i: int, *, typ: str = "V", nic: str | None = None, ori: str = "CA0570200", day: str = "20190509",
         plate: str | None = None, state: str | None = None, tail: str | None = None) -> str:
    """One NCIC row (fields as given, padded to their widths)."""
    nic = nic if nic is not None else f"{typ}{i:09d}"
    plate = plate if plate is not None else f"Q{i:05d}"
    state = state if state is not None else STATES[i % len(STATES)]
    tail = tail if tail is not None else TAILS[i % len(TAILS)]
    return f"{nic:<10.10}{ori:<9.9}{day:<8.8}{plate:<10.10}{state:<2.2}{tail}"


def clean_rows(n: int, seed: int = 1) -> list[str]:
    rnd = random.Random(seed)
    types = "VVVVPPWFHMACXKLTR"
    return [line(i, typ=rnd.choice(types), day=f"20{rnd.randint(10, 25)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}",
                 plate="".join(rnd.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=rnd.randint(4, 10))))
            for i in range(n)]


#: Every kind of row the fast path must hand to build_records (or take and store exactly as it would).
JUNK = [
    line(1, plate="abc123"),  # lowercase: stored upper, raw as found
    line(2, plate="AB 123"), line(3, plate="AB-123"), line(4, plate="AB.12"),  # normalised, reported
    line(5, plate="AB#123"), line(6, plate="ÄB123"), line(7, plate=""), line(8, plate="000"),  # rejected, skipped
    line(9, plate="   RIGHT1"), line(10, plate="AB123\t"), line(11, plate="AB\t123"),
    line(12, typ="Z"), line(13, nic=" 000000013"), line(14, typ="v"), line(15, nic="V0000 0015"),
    line(16, state="1X"), line(17, state="0H"), line(18, state="  "), line(19, state="ca"),
    line(20, day="20191345"), line(21, day="        "), line(22, day="2019O509"),
    line(23, tail="2022PC2015HO#DCAM4DGRY"), line(24, tail="2022PC2015TOYTCAM4DBL0"), line(25, tail="2022PC"),
    line(26, tail="2022PC2015TOYTCAM4DBLÄ"), line(27, tail=""), line(28, tail="X" * 300),
    line(29, ori="CA05#0200"), line(30, ori="         "), line(31, ori="CAÄ570200"), line(32, ori="ca0570200"),
    line(33).replace("CA057", "CA\x1b57"), line(34)[:30] + "\x00" + line(34)[31:], line(35) + "\x7f",
    line(36)[:12] + "\ufffd" + line(36)[13:], "SHORT", "", " " * 45, "\t", line(40, plate="Q00041", typ="W", state="CA"),
    line(41, plate="Q00041", state="CA"), line(42, plate="Q00041", typ="A", state="CA"), line(43, typ=" "), line(44, nic="          "),
]


def _parse(path: Path, name: str, settings: SourceParseSettings | None, fast: bool, *, chars: int = 4096,
           read: int = 1 << 16, as_of: date | None = None):  # noqa: ANN202
    spec = preset(name)
    scan = scan_list_file(path, (settings or SourceParseSettings()).encoding, read_block=read)
    if isinstance(scan.encoding, RefusalReason):
        return scan.encoding, [], []
    records: list = []
    blocks: list = []

    def keep(block) -> None:  # noqa: ANN001
        blocks.append(block)
        records.extend(block.records())

    part = parse_file_part(path, spec, settings, as_of, scan, 0, None, block_chars=chars, read_block=read,
                           block_emit=keep, fast=fast)
    return finish_stream([part], spec, settings, scan.encoding, 0.0), records, blocks


def _stored(tmp: Path, blocks: list, tag: str) -> tuple[list, list[bytes]]:
    """The rows the console would store from these blocks, and the index column files the child would save."""
    folder = tmp / tag
    folder.mkdir()
    stage = RowStage(str(folder / "stage.db"), 7, NOW)
    columns = IndexColumnsBuilder()
    for block in blocks:
        stage.add_block(block)
        columns.add_block(block)
    stage.commit()
    rows = copy_stage_into_fresh_db(folder, str(folder / "stage.db"), 97)
    columns.save(folder, stage.buckets, [])
    return rows, [p.read_bytes() for p in sorted(folder.glob("index.*"))]


def same(tmp: Path, data: bytes, name: str = "ncic_fixed", settings: SourceParseSettings | None = None,
         **kw: object) -> tuple:
    """Parse ``data`` with and without the fast path; assert the same outcome, records and stored rows."""
    path = tmp / "list.txt"
    path.write_bytes(data)
    fast, fast_records, fast_blocks = _parse(path, name, settings, True, **kw)
    slow, slow_records, slow_blocks = _parse(path, name, settings, False, **kw)
    if isinstance(slow, RefusalReason):
        assert fast == slow
        return fast, fast_records
    assert replace(fast.outcome, elapsed_s=0) == replace(slow.outcome, elapsed_s=0)  # every issue, line, count
    assert (fast.emitted, fast.dropped) == (slow.emitted, slow.dropped)
    assert fast_records == slow_records  # field by field, line numbers included
    k = len(list(tmp.glob("run*")))
    assert _stored(tmp, fast_blocks, f"run{k}f") == _stored(tmp, slow_blocks, f"run{k}s")  # byte for byte
    return fast, fast_records


def _slow_rows(monkeypatch) -> list[int]:  # noqa: ANN001
    """Counts the rows the fast path hands to build_records."""
    seen: list[int] = []
    real = fastpath_module.build_records

    def spy(rows, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        rows = list(rows)
        seen.append(len(rows))
        return real(rows, *a, **kw)

    monkeypatch.setattr(fastpath_module, "build_records", spy)
    return seen


def test_a_clean_list_takes_the_fast_path_and_stores_exactly_what_the_slow_path_stores(tmp_path, monkeypatch):
    slow_rows = _slow_rows(monkeypatch)
    rows = clean_rows(3000)
    data = ("\n".join(rows + rows[:40] + ["A" + r[1:] for r in rows[100:140]]) + "\n").encode()
    out, records = same(tmp_path, data)
    assert out.outcome.accepted and out.outcome.counts.imported == len(records) - len(out.dropped) == 3000
    assert len(out.outcome.duplicates) == 80  # merged across blocks, the more urgent type winning
    assert sum(slow_rows) == 0  # no row of a clean list went through build_records


def test_every_kind_of_bad_or_unusual_row_is_reported_and_stored_as_the_slow_path_does(tmp_path, monkeypatch):
    slow_rows = _slow_rows(monkeypatch)
    rows = clean_rows(400)
    for k, junk in enumerate(JUNK):
        rows.insert(7 + k * 9, junk)
    settings = SourceParseSettings(max_bad_row_fraction=1.0)
    out, records = same(tmp_path, ("\n".join(rows) + "\n").encode(), settings=settings)
    o = out.outcome
    assert o.accepted and o.rejected and o.warnings and o.skipped and o.duplicates and o.counts.codes_repaired
    reasons = {i.reason for i in (*o.rejected, *o.warnings, *o.skipped)}
    assert {"control_characters", "invalid_encoding", "plate_invalid_chars", "plate_normalised", "line_too_short",
            "line_too_long", "invalid_state", "invalid_date", "invalid_code", "unknown_record_type",
            "skip_list", "empty_plate"} <= {str(r) for r in reasons}
    assert 0 < sum(slow_rows) < 2 * len(JUNK)  # only the junk (and no clean row) went the slow way
    lower = next(r for r in records if r.plate_raw == "abc123")
    assert lower.plate == "ABC123"


@pytest.mark.parametrize("settings", [
    SourceParseSettings(max_bad_row_fraction=1.0, state_filter=frozenset({"CA", "TX"})),
    SourceParseSettings(max_bad_row_fraction=1.0, state_filter=frozenset({"CA"}), keep_rows_without_state=True),
    SourceParseSettings(max_bad_row_fraction=1.0, repair_zero_in_codes=False, skip_plates=frozenset({"Q00041"})),
    SourceParseSettings(max_bad_row_fraction=1.0, type_map=RecordTypeMap(unknown="reject")),
    SourceParseSettings(max_bad_row_fraction=1.0, encoding="latin-1"),
    None,  # too many bad rows: refused, with the same report
], ids=["state-filter", "stateless-kept", "no-repair-skip", "unknown-rejected", "latin-1", "refused"])
def test_source_settings_give_the_same_outcome_both_ways(tmp_path, settings):
    rows = clean_rows(300, seed=2)
    for k, junk in enumerate(JUNK):
        rows.insert(3 + k * 6, junk)
    data = ("\n".join(rows) + "\n").encode()
    out, _ = same(tmp_path, data, settings=settings)
    assert out.outcome.accepted == (settings is not None)


@pytest.mark.parametrize("chars", [64, 700, 4096])
def test_block_edges_framing_crlf_and_an_unterminated_last_line_change_nothing(tmp_path, chars):
    rows = clean_rows(200, seed=3)
    rows[50], rows[51] = JUNK[0], JUNK[5]
    body = "\n".join(rows)
    settings = SourceParseSettings(max_bad_row_fraction=1.0)
    for data, name in [((body + "\n").encode(), "ncic_fixed"), (body.encode(), "ncic_fixed"),
                       ((body + "\n").replace("\n", "\r\n").encode(), "ncic_fixed"),
                       (body.encode()[:-5], "ncic_fixed"),
                       (f"DATE 2026-01-31 10:00\n{body}\nTOTAL RECORD 200\n".encode(), "ncic_fixed_framed"),
                       (f"DATE 2026-01-31 10:00\n{body}\nTOTAL RECORD 201\n".encode(), "ncic_fixed_framed")]:
        same(tmp_path, data, name, settings, chars=chars, read=97 if chars == 64 else 1 << 16)


def test_expired_rows_and_as_of_dates_stay_the_slow_paths(tmp_path):
    # NCIC rows carry no expiry: as_of changes nothing, both ways
    data = ("\n".join(clean_rows(100, seed=4)) + "\n").encode()
    same(tmp_path, data, as_of=date(2026, 1, 1))


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_give_the_same_outcome_both_ways(tmp_path, seed):
    rnd = random.Random(seed)
    base, _ = scenarios.base_lists()["ncic_fixed"]
    bigger = base + ("\n".join(clean_rows(300, seed=seed)) + "\n").encode()
    for _ in range(25):
        settings = SourceParseSettings(max_bad_row_fraction=rnd.choice([0.02, 1.0]))
        same(tmp_path, scenarios.mutate(bigger, rnd), settings=settings, chars=rnd.choice([64, 512, 4096]))


@pytest.fixture
def staged_svc(hotlist_svc, monkeypatch):  # noqa: ANN001, ANN201
    hotlist_svc.inline_below_bytes = 0  # the child, even for these small files
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 700)
    return hotlist_svc


def _entries(ctx, source_id: int) -> list[tuple]:  # noqa: ANN001
    """Every stored column of the source's entries (ids from 0: they differ between imports; not created_at)."""
    from sqlalchemy import text

    cols = ", ".join(c for c in BULK_COLUMNS if c != "created_at")
    with ctx.uow(read_only=True) as uow:
        rows = uow.s.execute(text(f"SELECT id, {cols} FROM hotlist_entries WHERE source_id = :s ORDER BY id"),
                             {"s": source_id}).all()
    return [(row[0] - rows[0][0], *row[1:]) for row in rows]


def test_a_service_import_stores_and_reports_the_same_with_and_without_the_fast_path(ctx, staged_svc, hotlist_admin,
                                                                                     tmp_path, monkeypatch):
    rows = clean_rows(1500, seed=5)
    for k, junk in enumerate(JUNK):
        rows.insert(11 + k * 30, junk)
    f = tmp_path / "list.txt"
    f.write_bytes(("\n".join(rows) + "\n").encode().replace(b"\n", b"\r\n"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f),
                                settings=SourceParseSettings(max_bad_row_fraction=1.0))
    monkeypatch.setenv(FAST_PATH_ENV, "0")
    slow = staged_svc.import_source(hotlist_admin, src.id)
    slow_entries = _entries(ctx, src.id)
    slow_index = len(staged_svc.index.matcher.index)
    monkeypatch.setenv(FAST_PATH_ENV, "1")
    fast = staged_svc.import_source(hotlist_admin, src.id)
    assert fast.accepted and slow.accepted and fast.rejected and fast.imported > 1400
    assert [x for x in fast.report_lines if ", time " not in x] == [x for x in slow.report_lines if ", time " not in x]
    assert _entries(ctx, src.id) == slow_entries
    assert len(staged_svc.index.matcher.index) == slow_index == fast.imported


def test_the_quick_clean_text_check_still_finds_every_control_character():
    from app.domain.hotlists.text import bad_lines

    body = "\n".join(clean_rows(20, seed=6)) + "\n"
    assert bad_lines(body, False) == {}
    assert bad_lines(body.replace("\n", "\t\n"), False) == {}  # tabs are text
    for code in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F]:
        dirty = body.replace("CA0570200", f"CA057{chr(code)}200", 1)
        found = bad_lines(dirty, False, first_no=5)
        assert list(found) == [5], hex(code)
        assert found[5][0] == "control_characters"
