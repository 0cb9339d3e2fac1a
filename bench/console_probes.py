"""Probes of ``bench/console.py``: slow SQL statements and copy ranges, cyclic-GC passes, CPU per thread.

Kept apart from the benchmark's phases so each file reads as one thing; nothing here is used by the product.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time


def trace_slow_statements(engine, over_ms: float) -> None:  # noqa: ANN001
    """Print every statement (BEGIN and COMMIT included) that took longer than ``over_ms`` to stderr."""
    from sqlalchemy import event

    t0 = time.perf_counter()

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cur, _stmt, _params, context, _many) -> None:  # noqa: ANN001
        conn.info["bench_t"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cur, stmt, _params, _context, _many) -> None:  # noqa: ANN001
        took = (time.perf_counter() - conn.info.pop("bench_t", time.perf_counter())) * 1000.0
        if took > over_ms:
            print(f"{time.perf_counter() - t0:8.2f} s slow-sql {took:6.1f} ms [{threading.current_thread().name}] "
                  f"{' '.join(stmt.split())[:90]}", file=sys.stderr)

    from app.persistence import hotlist_rows

    copy = hotlist_rows.StagedCopy.copy

    def timed_copy(self, batch):  # noqa: ANN001, ANN202 - the parser child's ranges, copied on the bulk worker
        c0 = time.perf_counter()
        try:
            return copy(self, batch)
        finally:
            took = (time.perf_counter() - c0) * 1000.0
            if took > over_ms:
                print(f"{time.perf_counter() - t0:8.2f} s slow-copy {took:6.1f} ms", file=sys.stderr)

    hotlist_rows.StagedCopy.copy = timed_copy


class GcPauses:
    """Every cyclic-GC pass of this process (all threads wait for it): count and longest per generation."""

    def __init__(self, log_ms: float = 0.0) -> None:
        self.started: float | None = None
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.log_ms = log_ms  # > 0: print every pass at least this long with its monotonic time and thread

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        elif self.started is not None:
            ms = (time.perf_counter() - self.started) * 1000.0
            self.ms[info["generation"]].append(ms)
            if 0 < self.log_ms <= ms:
                print(f"    gc pass gen {info['generation']}: {ms:.0f} ms, monotonic {self.started:.4f}, "
                      f"{info['collected']} collected, in {threading.current_thread().name}", file=sys.stderr)
            if os.environ.get("BENCH_TRACE") and ms > float(os.environ.get("BENCH_TRACE_MS", "100")) / 2:
                print(f"    gc pass gen {info['generation']}: {ms:.0f} ms, {info['collected']} collected, in "
                      f"{threading.current_thread().name}", file=sys.stderr)
            self.started = None

    def start(self) -> GcPauses:
        gc.callbacks.append(self._on_gc)
        return self

    def stop(self) -> None:
        gc.callbacks.remove(self._on_gc)

    def summary(self) -> dict:
        full = self.ms[2]
        return {"gc_full_passes": len(full), "gc_full_max_ms": round(max(full), 1) if full else 0.0,
                "gc_young_max_ms": round(max(self.ms[0] + self.ms[1], default=0.0), 1),
                "gc_frozen_objects": gc.get_freeze_count()}


def thread_cpu(before: dict[int, int], after: dict[int, int]) -> dict[str, float]:
    """CPU seconds per thread of this process between two ``thread_cpu_ticks`` (threads over 0.1 s)."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = 1.0 / os.sysconf("SC_CLK_TCK")
    used = {names.get(t, f"native-{t}"): round((n - before.get(t, 0)) * tick, 2) for t, n in after.items()}
    return {k: v for k, v in sorted(used.items(), key=lambda kv: -kv[1]) if v >= 0.1}
