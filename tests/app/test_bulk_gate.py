"""Bulk jobs pause for dispatcher work between their chunks, but never wait for themselves."""

from __future__ import annotations

import asyncio
import threading
import time

from app.services.bulk_gate import GATE, BulkGate
from app.workers.db_executor import DbExecutor


def test_a_bulk_job_waits_while_interactive_work_is_in_flight_and_goes_on_when_it_ends():
    gate = BulkGate()
    gate.enter()
    threading.Timer(0.3, gate.leave).start()
    t = time.monotonic()
    gate.pause_for_interactive(timeout=5.0)
    assert 0.2 < time.monotonic() - t < 2.0


def test_a_bulk_job_run_as_interactive_work_does_not_wait_for_itself():
    # the demo seed imported its list on the interactive worker: each pause waited its full 5 s for
    # the job's own mark (a 10-row list took 10.0 s and the console started 10 s late)
    executor = DbExecutor()

    def job() -> float:
        t = time.monotonic()
        GATE.pause_for_interactive()
        GATE.pause_for_interactive()
        return time.monotonic() - t

    try:
        assert executor.submit(job).result(timeout=30) < 1.0
        assert asyncio.run(executor.run(job)) < 1.0
        assert executor.submit_bulk(job).result(timeout=30) < 1.0  # nothing interactive in flight
    finally:
        executor.shutdown()


def test_a_bulk_job_still_pauses_for_interactive_work_queued_behind_it():
    executor = DbExecutor()
    release = threading.Event()
    try:
        blocker = executor.submit(release.wait, 10)  # interactive work in flight on the db thread
        threading.Timer(0.4, release.set).start()
        waited = executor.submit_bulk(lambda: (time.monotonic(), GATE.pause_for_interactive(), time.monotonic()))
        t0, _, t1 = waited.result(timeout=30)
        assert blocker.result(timeout=10) is True
        assert 0.2 < t1 - t0 < 3.0
    finally:
        executor.shutdown()
