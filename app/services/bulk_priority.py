"""Bulk processes below the console: the parser children of an import start from a niced thread.

On a busy workstation a parser child at the console's own priority takes the CPU from the
dispatcher's actions; the interactive database worker then runs its Python in short slices,
holding the interpreter lock while it waits for a core, and the GUI thread waits on that lock
(notes/console.md, session 23: every heartbeat over 40 ms came while the parser ran, none in a
control run without an import). On Linux niceness belongs to a thread and a process inherits the
value of the thread that started it, so :func:`run_below` runs a step that starts child processes
on a short-lived thread ``steps`` lower than the caller: every child it starts (the parser, the
split parse's second parser, multiprocessing's resource tracker) runs below the console, whatever
the console's own niceness. The caller keeps its priority: it holds the interpreter lock for the
copy and the index swap afterwards, and a niced holder of that lock would stall the GUI each time
it waited for a core. Elsewhere the step runs on the calling thread, as before.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: How far below the caller the children start (POSIX niceness steps; 19 is the floor).
STEPS = 10
LOWEST = 19


def thread_niceness() -> int | None:
    """The calling thread's niceness on Linux; None where a thread has no niceness of its own."""
    if not sys.platform.startswith("linux"):
        return None
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def run_below(fn: Callable[..., T], /, *args: Any, steps: int = STEPS, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` on a fresh thread niced ``steps`` below the caller (Linux); its result or error.

    The caller waits for it (the wait holds no lock). Where niceness is per process, or ``steps``
    is 0, ``fn`` runs on the calling thread.
    """
    base = thread_niceness()
    if base is None or steps <= 0:
        return fn(*args, **kwargs)
    outcome: list[Any] = []

    def body() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(LOWEST, base + steps))
        except OSError:  # a sandbox that forbids it: the step runs at the caller's priority
            pass
        try:
            outcome.append((True, fn(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, which raises it
            outcome.append((False, exc))

    worker = threading.Thread(target=body, name=f"{threading.current_thread().name}-below", daemon=True)
    worker.start()
    worker.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
