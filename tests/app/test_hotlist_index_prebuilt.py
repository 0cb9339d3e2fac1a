"""SQLite: the parser child builds the new list's index columns; the console reads no imported row back."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.hotlist_admin import SourceKind
from app.persistence.hotlist_rows import STAGE_BUCKETS, plate_bucket
from app.persistence.repositories.hotlists import HotListRepository
from app.services import hotlist_import
from app.services.hotlist_index import _index_of
from app.services.hotlist_index_prebuilt import PrebuiltIndex, load_prebuilt
from recognition.match import HotListIndex
from recognition.match.confusion import key_to_plate
from tests.app.hotlist_support import ncic_lines

# the same plate again (more urgent: the first line loses), and an entry with an expiry date
URGENT = "W000000002CA057020020190509Q00007    CA2009PC2019HONDCIV4DBLK\n"


@pytest.fixture
def staged_svc(hotlist_svc, monkeypatch):  # noqa: ANN001, ANN201
    hotlist_svc.inline_below_bytes = 0  # the child, even for these small files
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 700)  # several copy ranges per stage table
    return hotlist_svc


def _entries(index: HotListIndex) -> list[tuple[int, str, str | None, int]]:
    return sorted(zip(index.entry_ids, map(key_to_plate, index.plate_keys),
                      (index.state_names[c] for c in index.state_codes), index.priorities, strict=True))


def _reads(monkeypatch) -> list[dict]:  # noqa: ANN001
    calls: list[dict] = []
    real = HotListRepository.active_for_index_batches

    def spy(self, now, source_id=None, **kw):  # noqa: ANN001, ANN003, ANN202
        calls.append({"source_id": source_id, **kw})
        return real(self, now, source_id, **kw)

    monkeypatch.setattr(HotListRepository, "active_for_index_batches", spy)
    return calls


def test_the_imported_list_is_indexed_by_the_parser_and_equals_a_database_rebuild(
        ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    other = tmp_path / "other.txt"
    other.write_text(ncic_lines(1500, "ZB"))
    src_other = staged_svc.add_source(hotlist_admin, "STATE", SourceKind.STATE, "ncic_fixed", str(other))
    assert staged_svc.import_source(hotlist_admin, src_other.id).accepted
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(3000, "Q") + ncic_lines(3000, "A1") + URGENT)
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    reads = _reads(monkeypatch)
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert report.accepted and report.imported == 6000 and report.duplicates_merged == 1
    # only the other source was read back from the database
    assert reads == [{"source_id": None, "exclude_source_id": src.id}]
    live = staged_svc.index.matcher.index
    with ctx.uow(read_only=True) as uow:
        from_db = _index_of(HotListRepository(uow.s).active_for_index_batches(ctx.clock.now()))
    assert len(live) == 7500
    assert _entries(live) == _entries(from_db)
    [hit] = staged_svc.index.matcher.match("Q00007", "CA")
    with ctx.uow() as uow:
        [entry] = HotListRepository(uow.s).page(0, 10, "Q00007")
    assert (hit.entry_id, hit.priority) == (entry.id, entry.priority) and entry.record_type == "W"


def test_the_retroactive_check_gets_the_parser_index(ctx, staged_svc, hotlist_admin, tmp_path, monkeypatch):
    seen: list[HotListIndex] = []
    staged_svc.retroactive = lambda index, _hours: seen.append(index) or 0
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(2000, "Q"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    reads = _reads(monkeypatch)
    assert staged_svc.import_source(hotlist_admin, src.id).accepted
    assert reads == [{"source_id": None, "exclude_source_id": src.id}]  # no second read for the check
    [index] = seen
    assert len(index) == 2000 and _entries(index) == _entries(staged_svc.index.matcher.index)


def test_an_entry_expired_by_the_rebuild_time_means_a_database_rebuild(ctx, staged_svc, hotlist_admin):
    now = ctx.clock.now()
    bogus = HotListIndex.from_columns([999_999], ["NOTINDB1"], ["CA"], [1])
    holder = staged_svc.index
    holder.rebuild(PrebuiltIndex(1, bogus, now - timedelta(seconds=1)))
    assert holder.matcher.match("NOTINDB1") == []
    holder.rebuild(PrebuiltIndex(1, bogus, now + timedelta(days=1)))
    assert [m.entry_id for m in holder.matcher.match("NOTINDB1")] == [999_999]
    assert holder.build_for_source(2, PrebuiltIndex(1, bogus, None)) is not bogus  # another source: from the db


@pytest.mark.parametrize("read_items", [1 << 19, 7])
def test_counts_that_do_not_add_up_mean_no_prebuilt_index(tmp_path, monkeypatch, read_items):
    from app.services import hotlist_index_prebuilt
    from app.services.hotlist_index_prebuilt import IndexColumnsBuilder
    from tests.app.hotlist_support import records_of

    monkeypatch.setattr(hotlist_index_prebuilt, "_READ_ITEMS", read_items)  # columns read in several steps
    builder = IndexColumnsBuilder()
    records = records_of(ncic_lines(50, "Q"))
    builder.add(records)
    assert builder.save(tmp_path, bytes(plate_bucket(r.plate) for r in records), [3])
    assert load_prebuilt(tmp_path, 7, [(100, 48)]) is None  # 49 kept
    pre = load_prebuilt(tmp_path, 7, [(100, 20), (500, 29)])
    assert pre is not None and len(pre.index) == 49
    ids = sorted(pre.index.entry_ids)
    assert ids == list(range(100, 120)) + list(range(500, 529))
    kept = [r for k, r in enumerate(records) if k != 3]
    order = sorted(range(len(kept)), key=lambda k: (plate_bucket(kept[k].plate), k))  # the copy's order
    id_of = dict(zip(order, ids, strict=True))
    assert _entries(pre.index) == sorted((id_of[k], r.plate, r.state, r.priority) for k, r in enumerate(kept))


def test_a_plate_the_database_rebuild_would_normalise_means_no_prebuilt_index(tmp_path):
    from app.services.hotlist_index_prebuilt import IndexColumnsBuilder
    from tests.app.hotlist_support import records_of

    builder = IndexColumnsBuilder()
    records = records_of(ncic_lines(5, "Q"))
    builder.add(records[:3])
    builder.add([_with_plate(records[3], "Q-1")])
    assert not builder.save(tmp_path, bytes(4), [])
    assert load_prebuilt(tmp_path, 7, [(1, 4)]) is None


def _with_plate(record, plate: str):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return replace(record, plate=plate)


def test_stage_tables_follow_the_plate_order():
    rnd = random.Random(5)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    plates = sorted("".join(rnd.choices(alphabet, k=rnd.randint(1, 8))) for _ in range(20_000))
    buckets = [plate_bucket(p) for p in plates]
    assert buckets == sorted(buckets)
    assert min(buckets) == 0 and max(buckets) == STAGE_BUCKETS - 1 and len(set(buckets)) == STAGE_BUCKETS


def test_staged_and_copied_rows_hold_what_entry_rows_hold_for_every_date_expiry_and_category(tmp_path):
    from dataclasses import replace
    from datetime import UTC, date, datetime

    from app.domain.hotlists.records import RecordCategory
    from app.persistence.hotlist_rows import BULK_COLUMNS, RowStage, entry_rows
    from tests.app.hotlist_support import copy_stage_into_fresh_db, records_of

    # Given records with every kind of value: dates, expiries, categories, a plate stored as found
    # but normalised, case numbers and remarks, in blocks of plain rows and of rows with every column
    base = records_of(ncic_lines(40, "Q"))
    cats = list(RecordCategory)
    records = [replace(r, entry_date=date(2001 + i % 7, 1 + i % 12, 1 + i % 28) if i % 5 else None,
                       expiry=date(2030, 1 + i % 12, 2) if i % 3 == 0 and i > 20 else None,
                       category=cats[i % len(cats)], plate_raw=f"{r.plate[:2]}-{r.plate[2:]}" if i == 30 else r.plate,
                       oca="CASE 7" if i == 35 else None, remarks="ARMED" if i == 36 else None)
               for i, r in enumerate(base)]
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    stage = RowStage(str(tmp_path / "stage.db"), 7, now)
    stage.add(records[:20])
    stage.add(records[20:])
    stage.commit()
    # When the console copies them
    got = copy_stage_into_fresh_db(tmp_path, str(tmp_path / "stage.db"), 15, ", ".join(BULK_COLUMNS))
    # Then each entry holds what entry_rows gives, in copy order (stage table, then line order)
    order = sorted(range(len(records)), key=lambda k: (plate_bucket(records[k].plate), k))
    want = entry_rows([records[k] for k in order], 7, now, False)
    assert got == want


def test_a_staged_import_does_not_recount_the_list_inside_a_write_transaction(ctx, staged_svc, hotlist_admin,
                                                                              tmp_path, monkeypatch):
    # count(*) of a national list is seconds under the write lock every dispatcher's claim waits for
    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(30, "OLD"))
    src = staged_svc.add_source(hotlist_admin, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert staged_svc.import_source(hotlist_admin, src.id).imported == 30
    f.write_text(ncic_lines(2500, "Q") + URGENT)
    real = HotListRepository.count

    def count(self, source_id=None, status=None):  # noqa: ANN001, ANN202
        if source_id == src.id and status is None:
            raise AssertionError("recounted the imported list")
        return real(self, source_id, status)

    monkeypatch.setattr(HotListRepository, "count", count)
    report = staged_svc.import_source(hotlist_admin, src.id)
    assert report.accepted and report.imported == 2500
    monkeypatch.setattr(HotListRepository, "count", real)
    with ctx.uow() as uow:
        repo = HotListRepository(uow.s)
        assert repo.source(src.id).entry_count == repo.count(src.id) == 2500


@pytest.mark.parametrize("damage", ["truncated_column", "missing_column", "bad_meta"])
def test_damaged_index_files_mean_a_database_rebuild_not_a_failed_import(tmp_path, damage):
    from app.services.hotlist_index_prebuilt import IndexColumnsBuilder
    from tests.app.hotlist_support import records_of

    builder = IndexColumnsBuilder()
    records = records_of(ncic_lines(50, "Q"))
    builder.add(records)
    assert builder.save(tmp_path, bytes(plate_bucket(r.plate) for r in records), [])
    if damage == "truncated_column":  # e.g. the disk filled while the child wrote it
        col = tmp_path / "index.prio"
        col.write_bytes(col.read_bytes()[:20])
    elif damage == "missing_column":
        (tmp_path / "index.state").unlink()
    else:
        (tmp_path / "index.json").write_text('{"count": 50')
    assert hotlist_import._prebuilt(tmp_path, 7, [(100, 50)]) is None


def test_the_verdict_comes_before_the_index_columns_and_an_unwanted_index_is_not_waited_for(tmp_path):
    from app.domain.hotlists import preset
    from app.services.hotlist_parse_child import parse_in_child

    f = tmp_path / "list.txt"
    f.write_text(ncic_lines(3000, "Q"))
    for wanted in (True, False):
        stage = tmp_path / f"stage-{wanted}"
        stage.mkdir()
        parsed = parse_in_child(f, preset("ncic_fixed"), None, None, sort=True, rows_for=(1, datetime.now(UTC), False),
                                stage=str(stage / "stage.db"))
        # the verdict is here and the child is still there: it writes the index while the console copies
        assert parsed.outcome.accepted and parsed.count == 3000 and parsed._proc is not None
        if wanted:
            assert parsed.index_ready() and (stage / "index.json").exists()
            assert not parsed._proc.is_alive()
        else:  # a refused copy: the child is ended at once, nobody reads its index
            parsed.close()
            assert not parsed._proc.is_alive() and not parsed.index_ready()


def test_the_other_sources_are_read_through_the_source_index_not_by_a_scan(ctx, hotlist_svc, hotlist_admin, tmp_path):
    # Given three imported sources (the middle one stands for the national list just imported)
    sources = []
    for k, prefix in enumerate(("LO", "MID", "HI")):
        f = tmp_path / f"{prefix}.txt"
        f.write_text(ncic_lines(40, prefix))
        sources.append(hotlist_svc.add_source(hotlist_admin, f"S{k}", SourceKind.STATE, "ncic_fixed", str(f)))
        assert hotlist_svc.import_source(hotlist_admin, sources[-1].id).accepted
    low, mid, high = (s.id for s in sources)
    assert low < mid < high
    # When the entries of every source but the middle one are read for the index
    statements: list[str] = []
    with ctx.uow(read_only=True) as uow:
        raw = uow.s.connection().connection.driver_connection
        raw.set_trace_callback(statements.append)
        try:
            rows = [r for batch in HotListRepository(uow.s).active_for_index_batches(
                ctx.clock.now(), exclude_source_id=mid) for r in batch]
        finally:
            raw.set_trace_callback(None)
        [sql] = [s for s in statements if "FROM hotlist_entries" in s]
        plan = " / ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}"))
    # Then they are exactly the two other sources' entries, found through the source index: a full scan read
    # every entry of the national list again (1.4-2.6 s of the import's serial tail at 10 M)
    assert sorted(r[1] for r in rows) == sorted([f"LO{i:04d}" for i in range(40)] + [f"HI{i:04d}" for i in range(40)])
    assert "ix_hotlist_entries_source" in plan and "SCAN hotlist_entries" not in plan, plan
