"""The plate head (app/persistence/plate_heads.py): the entries browser's prefix search without a text index on plate.

The search must find exactly what the plain predicate ``plate >= p AND plate < p || '\\x7f'`` finds, on SQLite and
PostgreSQL, through every writer of ``hotlist_entries``, and read the head index.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import event, inspect, text

from app.domain.hits import COVERT_CATEGORIES
from app.domain.hotlist_admin import EntryStatus, SourceKind
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.hotlist_rows import entry_rows
from app.persistence.migrate import alembic_config, upgrade
from app.persistence.plate_heads import PLATE_HEADS, plate_head, plate_head_sql, prefix_heads
from app.persistence.repositories.hotlists import HotListRepository
from app.services import hotlist_import
from tests.app.conftest import _fresh_pg_url
from tests.app.hotlist_support import records_of
from tests.app.test_hotlist_service import _draft, world  # noqa: F401 - the fixture, for the edit test

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
ODD = ["", "*", "?", "*A", "?Z", "A*", "A?", "9?", "Z*1", "0", "Z", "ZZ", ":", "@1", "[", "a", "~", "\x7f", "É1"]


def _plates(rnd: random.Random, n: int, alphabet: str, least: int) -> list[str]:
    return ["".join(rnd.choices(alphabet, k=rnd.randint(least, 8))) for _ in range(n)]


def test_the_head_never_falls_as_the_plate_rises_and_bounds_every_prefix():
    rnd = random.Random(7)
    plates = sorted(_plates(rnd, 30_000, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*?", 0) + ODD)
    heads = [plate_head(p) for p in plates]
    assert heads == sorted(heads)
    assert set(heads) == set(range(PLATE_HEADS))  # alphanumeric plates reach every head (every stage table)
    for p in rnd.sample(plates, 300):
        for k in range(1, len(p) + 1):
            lo, hi = prefix_heads(p[:k])
            assert lo <= plate_head(p) <= hi
            assert lo == hi if k >= 2 else lo < hi or not p[0].isalnum()


def test_the_sql_head_is_the_python_head(any_engine):
    rnd = random.Random(8)
    plates = _plates(rnd, 400, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*?", 1) + [p for p in ODD if p]
    dialect = any_engine.dialect.name
    with any_engine.connect() as c:
        got = [c.execute(text(f"SELECT {plate_head_sql(dialect, 'CAST(:p AS VARCHAR(16))')}"), {"p": p}).scalar()
               for p in plates]
    assert got == [plate_head(p) for p in plates]


def _ncic(plates: list[str]) -> str:
    return "".join(f"V{i:09d}CA057020020190509{p:<10}CA2009MC2009YAMACYLMCBLK\n" for i, p in enumerate(plates))


def _mixed_list(any_engine) -> tuple[dict[str, int], list[tuple[int, str, int, str, str]]]:
    """Two bulk sources and local entries (wildcards, every status, covert categories); returns the sources and
    every entry's (id, plate, source, status, category)."""
    from app.persistence.unit_of_work import unit_of_work_factory

    rnd = random.Random(9)
    pg = any_engine.dialect.name == "postgresql"
    covert = sorted(COVERT_CATEGORIES)
    uow = unit_of_work_factory(any_engine)
    with uow() as u:
        repo = HotListRepository(u.s)
        src = {kind: repo.add_source(f"S-{kind}", SourceKind(kind), None, None, None, None, NOW).id
               for kind in ("ncic", "state", "local")}
        for kind, n in (("ncic", 900), ("state", 300)):
            records = records_of(_ncic(_plates(rnd, n, "ABK07Z9", 2)))
            records = [replace(r, category=covert[i % len(covert)]) if i % 7 == 0 else r for i, r in enumerate(records)]
            repo.append_rows(entry_rows(records, src[kind], NOW, pg))
        for i, plate in enumerate(_plates(rnd, 80, "ABK07Z9*?", 1)):
            repo.add_local(src["local"], dict(plate=plate, plate_raw=plate, category=covert[0] if i % 5 == 0 else
                                              "local_bolo", priority=2, entered_by=None,
                                              expires_at=NOW + timedelta(days=5)), NOW)
        u.s.execute(text("UPDATE hotlist_entries SET status = CASE id % 4 WHEN 0 THEN 'active' WHEN 1 THEN 'denied' "
                         "ELSE 'pending' END WHERE source_id = :s"), {"s": src["local"]})
        rows = [tuple(r) for r in u.s.execute(text(
            "SELECT id, plate, source_id, status, category FROM hotlist_entries ORDER BY id"))]
    return src, rows


def test_the_prefix_search_finds_what_the_plain_predicate_finds_page_by_page(any_engine):
    from app.persistence.unit_of_work import unit_of_work_factory

    src, rows = _mixed_list(any_engine)
    rnd = random.Random(10)
    plates = sorted({r[1] for r in rows})
    prefixes = {p[:k] for p in rnd.sample(plates, 40) for k in range(1, 9)}
    prefixes = {"".join(ch for ch in p if ch.isalnum()) for p in prefixes} | {"A", "Z9", "Q", "K7K7K7K7", "7"}
    prefixes.discard("")
    hidden = frozenset(COVERT_CATEGORIES)
    filters = [(None, None, frozenset()), (src["ncic"], None, frozenset()), (None, EntryStatus.ACTIVE, hidden),
               (None, EntryStatus.PENDING, frozenset()), (src["local"], None, hidden)]
    uow = unit_of_work_factory(any_engine)
    checked = 0
    with uow(read_only=True) as u:
        repo = HotListRepository(u.s)
        for prefix in sorted(prefixes):
            for source_id, status, hide in filters:
                want = [r[0] for r in rows if prefix <= r[1] < prefix + "\x7f"
                        and (source_id is None or r[2] == source_id)
                        and (status is None or r[3] == str(status)) and r[4] not in hide]
                got: list[int] = []
                while True:  # keyset pages, as the browser scrolls
                    page = repo.page(got[-1] if got else 0, 9, prefix, source_id, status, hide)
                    got += [e.id for e in page]
                    if len(page) < 9:
                        break
                assert got == want, (prefix, source_id, status)
                checked += len(want)
    assert checked > 2000  # the prefixes found rows (the short ones many pages of them)


def _plans(u, call) -> list[str]:  # noqa: ANN001
    """The plan of every statement on hotlist_entries that ``call`` runs, with its bound parameters (the planner does
    not see their values: a plan of the statement with the values written in may differ)."""
    conn = u.s.connection()
    seen: list[tuple[str, tuple]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if "FROM hotlist_entries" in statement:
            seen.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(conn, "before_cursor_execute", grab)
    raw = conn.connection.driver_connection
    return [" / ".join(r[3] for r in raw.execute(f"EXPLAIN QUERY PLAN {sql}", params)) for sql, params in seen]


def test_the_prefix_search_reads_the_head_index_in_id_order_one_head_at_a_time(engine):
    from app.persistence.unit_of_work import unit_of_work_factory

    _mixed_list(engine)
    hidden = frozenset(COVERT_CATEGORIES)
    with unit_of_work_factory(engine)(read_only=True) as u:
        repo = HotListRepository(u.s)
        for prefix, heads in (("K7", 1), ("K7A", 1), ("K7A9Z0", 1), ("K", 8)):
            for after in (0, 300):
                *per_head, rows = _plans(u, lambda p=prefix, a=after: repo.page(a, 50, p, status=EntryStatus.ACTIVE,
                                                                                hidden_categories=hidden))
                # each head's rows in id order from the index (a page stops when full), then the page's rows by id
                assert len(per_head) == heads
                for plan in per_head:
                    assert plan == "SEARCH hotlist_entries USING INDEX ix_hotlist_entries_plate_head " \
                                   "(plate_head=? AND rowid>?)", plan
                assert rows.startswith("SEARCH hotlist_entries USING INTEGER PRIMARY KEY (rowid=?)"), rows


def _stale_heads(ctx) -> int:  # noqa: ANN001
    """Entries whose head is not the SQL head of their plate (there are entries)."""
    with ctx.uow(read_only=True) as uow:
        dialect = uow.s.get_bind().dialect.name
        total, stale = uow.s.execute(text(
            f"SELECT count(*), sum(CASE WHEN plate_head = {plate_head_sql(dialect)} THEN 0 ELSE 1 END) "
            "FROM hotlist_entries")).one()
    assert total > 1000
    return stale


def test_every_writer_stores_the_head_of_its_plate_and_an_edited_plate_is_found_by_its_new_prefix(
        world, tmp_path, monkeypatch):  # noqa: F811
    svc, sup, ctx = world["svc"], world["sup"], world["ctx"]
    rnd = random.Random(11)
    f = tmp_path / "list.txt"
    f.write_text(_ncic(_plates(rnd, 1500, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2)))
    src = svc.add_source(sup, "NCIC", SourceKind.NCIC, "ncic_fixed", str(f))
    assert svc.import_source(sup, src.id).accepted  # SQLite: parsed inline, chunked inserts; PostgreSQL: COPY
    assert _stale_heads(ctx) == 0
    svc.inline_below_bytes = 0  # SQLite: the parser child's stage and StagedCopy
    monkeypatch.setattr(hotlist_import, "COPY_ROWS", 400)
    f.write_text(_ncic(_plates(rnd, 1400, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2)))
    assert svc.import_source(sup, src.id).accepted
    assert _stale_heads(ctx) == 0
    # a local entry, then its plate edited to another head
    mine = svc.submit_local(world["disp"], _draft(plate="7ABC123"))
    assert [e.id for e in svc.entries_page(sup, plate_prefix="7AB")] == [mine.id]
    svc.edit_local(world["disp"], mine.id, _draft(plate="K9XY12", synopsis="Plate misread, corrected"))
    assert mine.id in [e.id for e in svc.entries_page(sup, plate_prefix="K9XY")]
    assert mine.id in [e.id for e in svc.entries_page(sup, plate_prefix="K", limit=5000)]
    assert mine.id not in [e.id for e in svc.entries_page(sup, plate_prefix="7AB")]
    assert _stale_heads(ctx) == 0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def engine_0009(request, tmp_path):
    url = sqlite_url(tmp_path / "old.db") if request.param == "sqlite" else _fresh_pg_url()
    engine = make_engine(url)
    upgrade(engine, "0009_user_titles")
    yield engine
    engine.dispose()


def _index_names(engine) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes("hotlist_entries")}


def test_the_migration_gives_existing_entries_their_heads_and_goes_back(engine_0009):
    engine = engine_0009
    plates = ["K7A001", "7ABC123", "AB*12", "?X1", "Z", "ZZ9999"]
    with engine.begin() as c:
        c.execute(text("INSERT INTO hotlist_sources (id, name, kind, created_at, entry_count, enabled, "
                       "bad_row_threshold) VALUES (1, 'old', 'ncic', :t, 0, :on, 0.02)"), {"t": NOW, "on": True})
        for p in plates:
            c.execute(text("INSERT INTO hotlist_entries (source_id, plate, category, priority, status, revision) "
                           "VALUES (1, :p, 'stolen_vehicle', 2, 'active', 1)"), {"p": p})
    assert "ix_hotlist_entries_plate" in _index_names(engine)
    upgrade(engine)
    with engine.connect() as c:
        assert [tuple(r) for r in c.execute(text("SELECT plate, plate_head FROM hotlist_entries ORDER BY id"))] == [
            (p, plate_head(p)) for p in plates]
    assert "ix_hotlist_entries_plate_head" in _index_names(engine)
    assert "ix_hotlist_entries_plate" not in _index_names(engine)
    from app.persistence.unit_of_work import unit_of_work_factory

    with unit_of_work_factory(engine)(read_only=True) as u:
        assert [e.plate for e in HotListRepository(u.s).page(0, 10, "K7")] == ["K7A001"]
        assert [e.plate for e in HotListRepository(u.s).page(0, 10, "AB")] == ["AB*12"]
    cfg = alembic_config()
    with engine.begin() as c:
        cfg.attributes["connection"] = c
        command.downgrade(cfg, "0009_user_titles")
    assert "ix_hotlist_entries_plate" in _index_names(engine)
    assert "ix_hotlist_entries_plate_head" not in _index_names(engine)
    assert "plate_head" not in {col["name"] for col in inspect(engine).get_columns("hotlist_entries")}
    with engine.connect() as c:
        assert [r[0] for r in c.execute(text("SELECT plate FROM hotlist_entries ORDER BY id"))] == plates
