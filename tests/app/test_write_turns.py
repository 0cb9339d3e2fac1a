"""A dispatcher's SQLite transaction starts when the bulk chunk of this process ends, not on a busy-handler poll."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, text

from app.persistence.engine import make_engine, sqlite_url
from app.persistence.hotlist_rows import RangeSizer
from app.persistence.write_turns import BULK_WRITES, BulkWrites


def _in_thread(fn) -> tuple[threading.Thread, list]:  # noqa: ANN001
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()), daemon=True)
    t.start()
    return t, out


def test_a_transaction_waits_for_another_threads_bulk_write_and_starts_when_it_ends():
    turns = BulkWrites()
    inside, leave = threading.Event(), threading.Event()

    def bulk() -> None:
        with turns.holding():
            inside.set()
            leave.wait(5)

    holder, _ = _in_thread(bulk)
    assert inside.wait(5)
    waiter, got = _in_thread(lambda: turns.wait_for_turn(timeout=5))
    time.sleep(0.2)
    assert waiter.is_alive() and not got  # still waiting for the bulk chunk
    leave.set()
    waiter.join(5)
    holder.join(5)
    assert got == [True]


def test_the_bulk_thread_itself_does_not_wait_and_a_stuck_holder_times_out():
    turns = BulkWrites()
    with turns.holding(), turns.holding():  # nested: its own transactions never wait for themselves
        assert turns.wait_for_turn(timeout=0.01)
    inside, leave = threading.Event(), threading.Event()

    def stuck() -> None:
        with turns.holding():
            inside.set()
            leave.wait(5)

    holder, _ = _in_thread(stuck)
    assert inside.wait(5)
    assert turns.wait_for_turn(timeout=0.05) is False  # the caller goes on to SQLite's busy handler
    leave.set()
    holder.join(5)
    assert turns.wait_for_turn(timeout=0.01)


def test_the_engine_begins_no_write_transaction_while_a_bulk_chunk_of_this_process_writes(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "t.db"))
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
    sent: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _sent(_conn, _cur, statement, *_args) -> None:  # noqa: ANN001, ANN002
        sent.append(statement)

    inside, leave = threading.Event(), threading.Event()

    def bulk() -> None:
        with BULK_WRITES.holding():
            inside.set()
            leave.wait(5)

    holder, _ = _in_thread(bulk)
    assert inside.wait(5)

    def claim() -> int:
        with engine.begin() as c:
            c.execute(text("INSERT INTO t VALUES (1)"))
        return 1

    claimer, done = _in_thread(claim)
    time.sleep(0.2)
    # nothing holds SQLite's lock: without the turn the insert would be done by now
    assert not done and claimer.is_alive() and "BEGIN IMMEDIATE" not in sent
    leave.set()
    claimer.join(5)
    holder.join(5)
    assert done == [1]
    engine.dispose()


def test_ranges_shrink_on_a_slow_machine_and_stay_whole_on_a_quiet_one():
    sizer = RangeSizer(10_000, least=1_000, target_ms=40)
    for _ in range(5):
        sizer.took(sizer(), sizer() / 500.0)  # quiet: 500 rows a ms
    assert sizer() == 10_000
    for _ in range(6):
        sizer.took(sizer(), sizer() / 50.0)  # loaded: 50 rows a ms -> 2,000 rows in 40 ms
    assert 1_900 <= sizer() <= 2_300
    for _ in range(6):
        sizer.took(sizer(), sizer() / 0.1)  # stalled: never below the floor
    assert sizer() == 1_000
    sizer.took(0, 0.0)  # nothing copied: no change
    assert sizer() == 1_000


def test_the_first_range_is_small_and_ranges_grow_at_most_twofold():
    # the first range meets cold caches (370 ms for 10,000 rows beside a 10 M import): a claim waited for it
    sizer = RangeSizer(10_000, least=1_000, target_ms=40)
    assert sizer() == 1_000
    sizes = []
    for _ in range(5):
        sizer.took(sizer(), 1.0)  # very fast: the rate alone would jump to the ceiling
        sizes.append(sizer())
    assert sizes == [2_000, 4_000, 8_000, 10_000, 10_000]


@pytest.mark.parametrize("rows, ms", [(5_000, 1e-9), (1, 1e6)])
def test_the_sizer_stays_between_its_bounds(rows, ms):
    sizer = RangeSizer(10_000, least=1_000)
    sizer.took(rows, ms)
    assert 1_000 <= sizer() <= 10_000
