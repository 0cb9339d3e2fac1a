"""SQLite: the parser child stages the rows in a scratch database; the console copies them by rowid ranges."""

from __future__ import annotations

import pytest

from app.domain.hotlist_admin import SourceKind
from app.persistence.hotlist_rows import StagedCopy, StageError, plate_bucket
from app.persistence.repositories.hotlists import HotListRepository
from app.services import hotlist_import
from tests.app.hotlist_support import import_audit, ncic_lines

URGENT = "W000000002CA057020020190509Q00007    CA2009PC2019HONDCIV4DBLK\n"


@pytest.fixture
def staged_svc(hotlist_svc, monkeypatch):  # noqa: ANN001, ANN201
    hotlist_svc.inline_below_bytes = 0  # the child, even for these small files
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 1000)  # several copy ranges
    return hotlist_svc


def test_a_staged_import_replaces_the_list_sorted_with_duplicates_merged(ctx, staged_svc, hotlist_admin, tmp_path):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30, "OLD"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).imported == 30
    f.write_text(ncic_lines(2000, "Q") + ncic_lines(2000, "A") + URGENT)  # Q00007 again, more urgent
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert report.accepted and report.imported == 4000 and report.duplicates_merged == 1
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        assert repo.count(src.id) == 4000 and not repo.page(0, 10, "OLD")
        rows = repo.page(0, 5000, source_id=src.id)
        by_id = sorted(rows, key=lambda e: e.id)
        # stage table by plate prefix (the plate index's order), then line order inside a table
        assert [plate_bucket(e.plate) for e in by_id] == sorted(plate_bucket(e.plate) for e in by_id)
        assert len({plate_bucket(e.plate) for e in by_id}) > 1
        assert [e.record_type for e in repo.page(0, 10, "Q00007")] == ["W"]
    assert [m.entry_id for m in staged_svc.index.matcher.match("Q00007", "CA")]


def test_a_database_error_while_copying_leaves_the_previous_list(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30, "OLD"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    staged_svc.import_source(hotlist_admin, src.id)
    f.write_text(ncic_lines(4000, "Q"))
    real = StagedCopy.copy
    calls = []

    def failing(self, *args):  # noqa: ANN001, ANN002, ANN202
        calls.append(args)
        if len(calls) == 3:
            raise StageError("database or disk is full")
        return real(self, *args)

    monkeypatch.setattr(StagedCopy, "copy", failing)
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("database_error") and "disk is full" in report.refusal
    assert import_audit(ctx)[-1].outcome == "failed"
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        assert repo.count(src.id) == 30 and not repo.page(0, 10, "Q")


def test_progress_is_coalesced_not_one_message_per_chunk(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    # each message crosses to the GUI thread as a queued signal: one per chunk was 500 for a million rows
    monkeypatch.setattr(hotlist_import, "_now", lambda: 100.0)  # no time passes during the import
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(9000, "Q"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    said: list[str] = []
    assert staged_svc.import_source(hotlist_admin, src.id, progress=said.append).accepted
    assert len([m for m in said if m.startswith("Writing entries")]) == 1, said
    assert len(said) <= 6, said


def test_the_index_rebuild_runs_without_full_collections_of_the_console_heap():
    # millions of row tuples triggered gen-2 collections (~200 ms GIL holds, the GUI froze): paused meanwhile
    import gc

    from app.services.hotlist_index import _index_of

    seen: list[bool] = []

    def batches():  # noqa: ANN202
        for start in range(0, 3000, 1000):
            seen.append(gc.isenabled())
            yield [(i, f"Q{i:05d}", "CA", 4) for i in range(start, start + 1000)]

    assert gc.isenabled()
    index = _index_of(batches())
    assert len(index) == 3000 and seen == [False, False, False]
    assert gc.isenabled()  # restored


def test_other_threads_cyclic_garbage_does_not_pile_up_during_an_index_rebuild():
    # the rebuild pauses the collector process-wide: the garbage made meanwhile by dispatcher actions on
    # other threads was scanned in one pass after the rebuild (~115 ms for 50 k objects after 1 M rows)
    import gc

    from app.services import hotlist_index

    class Node:
        pass

    def batches():  # noqa: ANN202 - each batch comes with 500 cyclic objects made elsewhere, then dropped
        for start in range(0, 100 * 50, 50):
            for _ in range(250):
                a = Node()
                a.me = [a]
            yield [(i, f"Q{i:05d}", "CA", 4) for i in range(start, start + 50)]

    passes: list[int] = []

    def on_gc(phase: str, info: dict) -> None:
        if phase == "stop":
            passes.append(info["collected"])

    gc.collect()
    gc.callbacks.append(on_gc)
    try:
        index = hotlist_index._index_of(batches())
        gc.collect()  # what the collector does by itself soon after the rebuild
    finally:
        gc.callbacks.remove(on_gc)
    assert len(index) == 5000 and gc.isenabled()
    made = 100 * 500
    assert sum(passes) >= made  # all of it was collected
    # no single pass had to take more than what one stretch of batches left behind
    every = getattr(hotlist_index, "YOUNG_COLLECT_EVERY", 20)
    assert max(passes) <= (every + 1) * 500, passes


def _entries(ctx, source_id):  # noqa: ANN001, ANN202
    with ctx.uow() as uow:
        rows = sorted(HotListRepository(uow.s).page(0, 100_000, source_id=source_id), key=lambda e: e.id)
    return [(e.plate, e.state, e.record_type, e.priority) for e in rows], rows[0].id


def _matches(svc, plate: str, first_id: int) -> list:  # noqa: ANN001
    """Matches of ``plate``, entries by their place in the copy order (ids differ between imports)."""
    return sorted((m.entry_id - first_id, m.kind, m.priority) for m in svc.index.matcher.match(plate, "CA"))


def test_a_split_parse_imports_exactly_what_one_parser_imports(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    from app.services import hotlist_split

    lines = (ncic_lines(1500, "Q") + URGENT + ncic_lines(1500, "A") + URGENT.replace("W", "V", 1)).splitlines(True)
    lines[1499] = lines[1499][:25] + "\x1b" + lines[1499][26:]  # bad rows around the middle
    lines[1502] = "SHORT\n"
    f = tmp_path / "list.txt"
    f.write_bytes(("".join(lines) + lines[10]).encode().replace(b"\n", b"\r\n"))  # CRLF, a duplicate at the end
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    stages: list[list[str]] = []
    real = hotlist_import._replace_from_stage

    def spy(ctx, source_id, db_path, stage, say):  # noqa: ANN001, ANN202
        stages.append(list(stage))
        return real(ctx, source_id, db_path, stage, say)

    monkeypatch.setattr(hotlist_import, "_replace_from_stage", spy)
    monkeypatch.setattr(hotlist_split, "SPLIT_MIN_BYTES", 10**9)
    one = staged_svc.import_source(hotlist_admin, src.id)
    one_entries, first = _entries(ctx, src.id)
    one_match = [_matches(staged_svc, p, first) for p in ("Q00007", "Q00010", "A01499", "Q01499")]
    assert one_match[0] and one_match[1] and one_match[2] and not one_match[3]
    monkeypatch.setattr(hotlist_split, "SPLIT_MIN_BYTES", 0)
    two = staged_svc.import_source(hotlist_admin, src.id)
    assert [len(s) for s in stages] == [1, 2]  # the second import was split over two stage files
    assert two.accepted and (two.imported, two.rejected, two.duplicates_merged) == \
        (one.imported, one.rejected, one.duplicates_merged) == (2998, 2, 3)
    assert [x for x in two.report_lines if ", time " not in x] == \
        [x for x in one.report_lines if ", time " not in x]  # every issue with the same line number
    assert any("line 1500" in line for line in two.report_lines) and any("line 1503" in line for line in two.report_lines)
    two_entries, first = _entries(ctx, src.id)
    assert two_entries == one_entries  # same rows in the same copy order (ids)
    assert [_matches(staged_svc, p, first) for p in ("Q00007", "Q00010", "A01499", "Q01499")] == one_match
    assert len(staged_svc.index.matcher.index) == 2998
    with ctx.uow() as uow:
        assert HotListRepository(uow.s).count(src.id) == 2998


def test_the_copy_cuts_the_stage_tables_as_one_stream_of_full_transactions(ctx, staged_svc, hotlist_admin,
                                                                           tmp_path, monkeypatch):
    # one transaction per stage table (256, twice that split) rewrote the plate index's pages per table
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(2000, "Q") + ncic_lines(1500, "A") + ncic_lines(700, "Z"))  # tables of 1000 / 500 / 700
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    real = StagedCopy.copy
    done: list[tuple[tuple, int]] = []

    def spy(self, batch):  # noqa: ANN001, ANN202
        first, n = real(self, batch)
        done.append((batch, n))
        return first, n

    monkeypatch.setattr(StagedCopy, "copy", spy)
    assert staged_svc.import_source(hotlist_admin, src.id).imported == 4200
    assert [n for _, n in done] == [1000, 1000, 1000, 1000, 200]
    assert any(len({t for t, _, _ in batch}) > 1 for batch, _ in done)  # a batch ends one table, starts the next
    with ctx.uow() as uow:
        rows = sorted(HotListRepository(uow.s).page(0, 5000, source_id=src.id), key=lambda e: e.id)
    assert [r.id - rows[0].id for r in rows] == list(range(4200))
    assert [plate_bucket(e.plate) for e in rows] == sorted(plate_bucket(e.plate) for e in rows)


def test_a_split_import_refused_by_its_second_part_keeps_the_previous_list(ctx, staged_svc, hotlist_admin, tmp_path,
                                                                          monkeypatch):
    import multiprocessing

    from app.services import hotlist_split

    monkeypatch.setattr(hotlist_split, "SPLIT_MIN_BYTES", 0)
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(300, "OLD"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).imported == 300
    f.write_text(ncic_lines(2000, "Q") + "BROKEN\n" * 300)  # every bad row lies in the second part
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert not report.accepted and report.refusal.startswith("too_many_bad_rows") and report.rejected == 300
    assert import_audit(ctx)[-1].outcome == "failed"
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        assert repo.count(src.id) == 300 and not repo.page(0, 10, "Q")
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("hotlist-parse")]


def test_copy_ranges_follow_the_sizer_and_still_copy_every_row_once(ctx, staged_svc, hotlist_admin, tmp_path,
                                                                    monkeypatch):
    # on a loaded machine the ranges shrink (the write lock a claim waits for): any sizes, same list
    sizes = [1000, 37, 250, 1]

    class Cycling:
        def __init__(self, _most: int) -> None:
            self.calls = 0

        def __call__(self) -> int:
            self.calls += 1
            return sizes[(self.calls - 1) % len(sizes)]

        def took(self, rows: int, ms: float) -> None:
            pass

    monkeypatch.setattr(hotlist_import, "RangeSizer", Cycling)
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(2000, "Q") + ncic_lines(1500, "A"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    real = StagedCopy.copy
    done: list[int] = []

    def spy(self, batch):  # noqa: ANN001, ANN202
        first, n = real(self, batch)
        done.append(n)
        return first, n

    monkeypatch.setattr(StagedCopy, "copy", spy)
    assert staged_svc.import_source(hotlist_admin, src.id).imported == 3500
    assert done[:8] == sizes + sizes and sum(done) == 3500
    with ctx.uow() as uow:
        rows = sorted(HotListRepository(uow.s).page(0, 5000, source_id=src.id), key=lambda e: e.id)
    assert [r.id - rows[0].id for r in rows] == list(range(3500))
    assert len({r.plate for r in rows}) == 3500
