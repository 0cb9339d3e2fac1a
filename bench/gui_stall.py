"""Where the GUI thread is when it stalls: a watchdog thread samples its Python stack.

A heartbeat QTimer on the GUI thread stamps ``beat`` every few ms; a watchdog thread looks every
``sample_ms``: once the beat is older than ``threshold_ms`` it records the GUI thread's innermost
frames (``sys._current_frames``). When the beat comes back, the stall is kept with the stacks seen
most often (a stack seen in most samples is where the time went). Bench-only (uses private CPython
API); used by ``bench/console.py --trace-stalls MS``.

A stall spent in Qt's C++ (a paint, a layout, a style polish) shows only the event loop's frame;
so an application event filter also logs every event the GUI thread delivers (time, receiver, type),
and a stall names the event whose delivery took the longest gap in it (the next event came that late).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication


class _EventLog(QObject):
    """Every event the GUI thread delivers, newest last (a bounded ring)."""

    def __init__(self, size: int = 4000) -> None:
        super().__init__()
        self.ring: list[tuple[float, str, int]] = []
        self.size = size

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        self.ring.append((time.perf_counter(), f"{type(obj).__name__}({obj.objectName()})", int(event.type())))
        if len(self.ring) > 2 * self.size:
            del self.ring[: self.size]
        return False

    def longest_gap(self, since: float, until: float) -> str:
        """The event after which the GUI thread delivered nothing for the longest time in [since, until].

        Cheap on purpose (it runs on the GUI thread right after a stall): the event type is named only
        for the one gap reported (``QEvent.Type(n)`` of an unknown ``n`` builds a new enum member).
        """
        inside = [e for e in self.ring if since <= e[0] <= until]
        best, best_event = 0.0, None
        previous: tuple[float, str, int] = (since, "", -1)  # the gap before the first event counts too
        for event in [*inside, (until, "", -1)]:
            if event[0] - previous[0] > best:
                best, best_event = event[0] - previous[0], previous
            previous = event
        if best_event is None or best_event[2] < 0:
            what = "the previous heartbeat (no event delivered before the next)"
        else:
            kind = best_event[2]
            try:
                kind_name = QEvent.Type(kind).name if kind < QEvent.Type.User.value else f"user event {kind}"
            except ValueError:
                kind_name = f"event {kind}"
            what = f"{kind_name} to {best_event[1]}"
        return f"{best * 1000:.0f} ms after {what}"


@dataclass
class Stall:
    at_s: float  # seconds since the tracer started
    ms: float
    stacks: Counter = field(default_factory=Counter)
    gap: str = ""
    gui_cpu_ms: float = 0.0  # CPU the GUI thread used in the stall: ~ms means busy, ~0 means waiting (GIL, CPU)
    runqueue_ms: float = 0.0  # time the GUI thread was runnable but not on a CPU (the machine is busy)
    busy_threads: str = ""  # the process's threads that used CPU in (a bit more than) the stall
    others: Counter = field(default_factory=Counter)  # where the other threads were in the samples

    def describe(self, top: int = 3) -> str:
        lines = [f"{self.at_s:7.2f} s: GUI thread stalled {self.ms:.0f} ms, {sum(self.stacks.values())} samples; "
                 f"GUI thread CPU {self.gui_cpu_ms:.0f} ms, waiting for a CPU {self.runqueue_ms:.0f} ms; {self.gap}"]
        if self.busy_threads:
            lines.append(f"    CPU by thread: {self.busy_threads}")
        for stack, n in self.stacks.most_common(top):
            lines.append(f"    {n:3d} x {stack}")
        for stack, n in self.others.most_common():  # every thread (the GIL holder may be sampled once)
            lines.append(f"    other thread {n:3d} x {stack}")
        return "\n".join(lines)


def thread_cpu_ticks() -> dict[int, int]:
    """utime + stime (clock ticks) of every thread of this process, by native thread id."""
    out: dict[int, int] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(tid)] = int(fields[11]) + int(fields[12])
    return out


def run_delay_ns() -> int:
    """Time this thread has waited on a run queue (runnable, no CPU given), from /proc schedstat."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _busy(before: dict[int, int], after: dict[int, int]) -> str:
    tick_ms = 1000.0 / os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    used = sorted(((after[t] - before.get(t, 0)) * tick_ms, names.get(t, f"native {t}")) for t in after)
    return ", ".join(f"{name} {ms:.0f} ms" for ms, name in reversed(used) if ms > 0)


class GuiStallTracer:
    """Start on the GUI thread; ``stop()`` returns the stalls longer than ``threshold_ms``, longest first."""

    def __init__(self, threshold_ms: float = 60.0, sample_ms: float = 2.0, depth: int = 8, events: bool = True) -> None:
        self.threshold_s = threshold_ms / 1000.0
        self.sample_s = sample_ms / 1000.0
        self.depth = depth
        self.stalls: list[Stall] = []
        self._gui = threading.get_ident()
        self._t0 = time.perf_counter()
        self.beat = self._t0
        self._cpu = time.thread_time()
        self._delay = run_delay_ns()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._on_beat)
        self._stop = threading.Event()
        self._current: Stall | None = None
        self._lock = threading.Lock()
        self._watch = threading.Thread(target=self._run, name="gui-stall-watch", daemon=True)
        # the event log costs the GUI thread a Python call per event (and PySide builds a new enum class
        # for an event type it does not know): off where the stall itself is what is measured
        self._events = _EventLog() if events else None
        self._ticks = thread_cpu_ticks()  # refreshed by the watchdog every 50 ms outside stalls

    def start(self) -> GuiStallTracer:
        if self._events is not None:
            QApplication.instance().installEventFilter(self._events)
        self._timer.start()
        self._watch.start()
        return self

    def stop(self) -> list[Stall]:
        if self._events is not None:
            QApplication.instance().removeEventFilter(self._events)
        self._timer.stop()
        self._stop.set()
        self._watch.join(2)
        return sorted(self.stalls, key=lambda s: s.ms, reverse=True)

    def _on_beat(self) -> None:
        now, cpu, delay = time.perf_counter(), time.thread_time(), run_delay_ns()
        with self._lock:
            late = now - self.beat
            if late > self.threshold_s:
                stall = self._current or Stall(round(self.beat - self._t0, 2), 0.0)
                stall.ms = round(late * 1000.0, 1)
                stall.gap = self._events.longest_gap(self.beat, now) if self._events is not None else ""
                stall.gui_cpu_ms = round((cpu - self._cpu) * 1000.0, 1)
                stall.runqueue_ms = round((delay - self._delay) / 1e6, 1)
                stall.busy_threads = _busy(self._ticks, thread_cpu_ticks())
                self.stalls.append(stall)
            self._current = None
            self.beat, self._cpu, self._delay = now, cpu, delay

    def _run(self) -> None:
        refreshed = 0.0
        while not self._stop.wait(self.sample_s):
            with self._lock:
                now = time.perf_counter()
                if now - self.beat <= self.threshold_s:
                    if now - refreshed > 0.05 and now - self.beat < 0.02:
                        self._ticks, refreshed = thread_cpu_ticks(), now
                    continue
                frames = sys._current_frames()
                frame = frames.get(self._gui)
                if frame is None:
                    continue
                if self._current is None:
                    self._current = Stall(round(self.beat - self._t0, 2), 0.0)
                self._current.stacks[self._stack(frame)] += 1
                names = {t.ident: t.name for t in threading.enumerate()}
                for ident, other in frames.items():
                    if ident not in (self._gui, threading.get_ident()) and names.get(ident, "") != "speech":
                        self._current.others[f"{names.get(ident)}: {self._stack(other, 4)}"] += 1

    def _stack(self, frame, depth: int = 0) -> str:  # noqa: ANN001
        parts = []
        while frame is not None and len(parts) < (depth or self.depth):
            code = frame.f_code
            parts.append(f"{code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno} {code.co_name}")
            frame = frame.f_back
        return " <- ".join(parts)


class Heartbeat:
    """A QTimer on the GUI thread: how late each beat came and, of a late one, the GUI thread's wait for a core.

    The wait is the thread's schedstat run delay over the gap between two beats: runnable, no core
    given (the machine's load). The rest of a late beat the thread was off a core by its own doing
    (the GIL, a lock, work). ``trace_ms`` > 0 prints every beat later than that with its
    CLOCK_MONOTONIC stamps (they line up with ``perf sched record -k mono``).
    """

    def __init__(self, interval_ms: int = 10, over_ms: float = 40.0, trace_ms: float = 0.0) -> None:
        self.interval_ms, self.over_ms, self.trace_ms = interval_ms, over_ms, trace_ms
        self.lateness: list[float] = []
        self.stalls: list[tuple[float, float, float]] = []  # (at s, ms late, ms of it waiting for a core)
        self.t0 = self._last = time.perf_counter()
        self._waited = 0
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def start(self) -> Heartbeat:
        """Start beating; lateness counts from now."""
        self.t0 = self._last = time.perf_counter()
        self._waited = run_delay_ns()
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop beating."""
        self._timer.stop()

    def _beat(self) -> None:
        now, delay = time.perf_counter(), run_delay_ns()
        late = (now - self._last) * 1000.0 - self.interval_ms
        self.lateness.append(late)
        waited = (delay - self._waited) / 1e6
        if late > self.over_ms:
            self.stalls.append((round(now - self.t0, 2), round(late, 1), round(waited, 1)))
        if 0 < self.trace_ms < late:
            print(f"{now - self.t0:7.2f} s: heartbeat {late:.0f} ms late ({waited:.1f} ms waiting for a core), "
                  f"from monotonic {self._last:.4f} to {now:.4f}", file=sys.stderr)
        if os.environ.get("BENCH_TRACE") and late > float(os.environ.get("BENCH_TRACE_MS", "100")):
            _print_other_threads(f"{now - self.t0:7.2f} s: GUI heartbeat {late:.0f} ms late; other threads at:")
        self._waited, self._last = delay, now


def _print_other_threads(title: str) -> None:
    """Where every other thread is now (``BENCH_TRACE_DEPTH`` frames each)."""
    print(title, file=sys.stderr)
    names = {t.ident: t.name for t in threading.enumerate()}
    depth = int(os.environ.get("BENCH_TRACE_DEPTH", "3"))
    for ident, frame in sys._current_frames().items():
        if ident != threading.get_ident():
            where = traceback.extract_stack(frame)[-depth:]
            print(f"    {names.get(ident)}: " + " <- ".join(f"{f.name}:{f.lineno}" for f in reversed(where)),
                  file=sys.stderr)
