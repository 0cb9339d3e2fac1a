"""The one runner of the console's coroutines on the qasync loop, and helpers to await Qt things.

Why a runner: a coroutine that opens a modal box with ``exec()`` (``QMessageBox.warning`` and the
other static helpers) spins a nested Qt event loop *inside its own task step*. qasync runs every
asyncio callback from Qt timers, so the nested loop would step other tasks while that task is still
"current", and asyncio refuses: ``RuntimeError: Cannot enter into task ... while another task ...``.
The refused step is dropped and its task never resumes (a console reload lost for good).

:func:`new_event_loop` makes a qasync loop that queues every callback that becomes due while a task step is in progress
(the nested loop of a modal box) and runs them, in order, as soon as that step has returned (the box
closed). :class:`TaskRunner` is the one way the UI starts coroutines (:func:`async_slot`,
:meth:`TaskRunner.start`): it keeps them referenced, reports their failures, and cancels those of a
widget when the widget is destroyed (sign-out), so a coroutine never resumes on a deleted screen.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication, QDialog

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _guarded_loop_class() -> type:
    import qasync  # imported late: qasync picks its Qt binding at import

    class _Guarded(qasync.QEventLoop):
        """A qasync loop that never steps a task inside another task's step (nested modal loops)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._parked: list[tuple[Callable[..., object], tuple, contextvars.Context | None]] = []
            self.parked_total = 0  # callbacks that had to wait for a modal box (tests and diagnostics)
            super().__init__(*args, **kwargs)
            self._retry = QTimer()
            self._retry.setSingleShot(True)
            self._retry.setInterval(25)
            self._retry.timeout.connect(self._flush)

        def call_soon(self, callback, *args, context=None):  # noqa: ANN001, ANN201
            return super().call_soon(self._guarded, callback, args, context, context=context)

        def _guarded(self, callback: Callable[..., object], args: tuple, context: contextvars.Context | None) -> None:
            if asyncio.current_task(self) is not None:  # inside a task's step: a nested (modal) Qt loop
                self._parked.append((callback, args, context))
                self.parked_total += 1
                if not self._retry.isActive():
                    self._retry.start()  # backstop; normally the outer step's own wrapper flushes
                return
            try:
                callback(*args)
            finally:
                if self._parked and asyncio.current_task(self) is None:
                    self._flush()

        def _flush(self) -> None:
            if not self._parked or self.is_closed():
                return
            if asyncio.current_task(self) is not None:
                self._retry.start()
                return
            parked, self._parked = self._parked, []
            for callback, args, context in parked:
                super().call_soon(self._guarded, callback, args, context, context=context)

        def close(self) -> None:
            self._retry.stop()
            self._parked.clear()
            super().close()

    return _Guarded


_LOOP_CLASS: type | None = None


def new_event_loop(qapp: QApplication | None = None) -> asyncio.AbstractEventLoop:
    """The console's event loop: qasync's, guarded against nested modal loops (see the module doc)."""
    global _LOOP_CLASS
    if _LOOP_CLASS is None:
        _LOOP_CLASS = _guarded_loop_class()
    return _LOOP_CLASS(qapp or QApplication.instance())


class TaskRunner:
    """Starts the UI's coroutines as tasks: referenced, failures logged, cancelled with their owner.

    One runner serves a loop (:func:`runner`); the loop itself makes sure no task step runs inside
    another (a modal box open in a coroutine), so a slot fired while a box is open is queued and runs
    when the box has closed.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()
        self._by_owner: dict[int, set[asyncio.Task]] = {}
        self._watched: weakref.WeakSet[QObject] = weakref.WeakSet()
        self.failures: list[BaseException] = []  # the latest failures (tests and diagnostics), bounded

    def start(self, coro: Coroutine[Any, Any, T], owner: QObject | None = None) -> asyncio.Task[T]:
        """Run ``coro`` as a task; with ``owner``, the task is cancelled when ``owner`` is destroyed."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        key = id(owner) if owner is not None else None
        if owner is not None:
            self._by_owner.setdefault(key, set()).add(task)  # type: ignore[arg-type]
            if owner not in self._watched:
                self._watched.add(owner)
                owner.destroyed.connect(functools.partial(self._owner_gone, key))
        task.add_done_callback(functools.partial(self._done, key))
        return task

    def pending(self, owner: QObject | None = None) -> int:
        """Tasks still running (of ``owner`` only, when given)."""
        if owner is None:
            return sum(not t.done() for t in self._tasks)
        return sum(not t.done() for t in self._by_owner.get(id(owner), ()))

    def cancel_owned(self, owner: QObject) -> int:
        """Cancel the running tasks of ``owner`` (a screen going away); returns how many."""
        return self._cancel(id(owner))

    def _owner_gone(self, key: int, *_args: object) -> None:
        self._cancel(key)

    def _cancel(self, key: int) -> int:
        tasks = self._by_owner.pop(key, set())
        n = 0
        for task in tasks:
            if not task.done():
                task.cancel()
                n += 1
        return n

    def _done(self, key: int | None, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if key is not None and key in self._by_owner:
            self._by_owner[key].discard(task)
            if not self._by_owner[key]:
                del self._by_owner[key]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.failures = [*self.failures[-19:], exc]
            logger.error("UI task %s failed", task.get_coro().__qualname__ if task.get_coro() else task,
                         exc_info=exc)


_RUNNERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TaskRunner] = weakref.WeakKeyDictionary()


def runner(loop: asyncio.AbstractEventLoop | None = None) -> TaskRunner:
    """The task runner of ``loop`` (default: the current event loop)."""
    if loop is None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = asyncio.get_event_loop_policy().get_event_loop()
    found = _RUNNERS.get(loop)
    if found is None:
        found = _RUNNERS[loop] = TaskRunner()
    return found


def start(coro: Coroutine[Any, Any, T], owner: QObject | None = None) -> asyncio.Task[T]:
    """Start ``coro`` through the runner of the current loop (see :class:`TaskRunner`)."""
    return runner().start(coro, owner)


def async_slot(*types: type) -> Callable[[Callable[..., Coroutine]], Callable[..., asyncio.Task | None]]:
    """Decorator for ``async def`` slots: they run through the one :class:`TaskRunner`.

    Drop-in for ``qasync.asyncSlot``: trailing signal arguments the coroutine does not take are
    dropped (``clicked(bool)`` on ``async def reload(self)``), and the task belongs to ``self``
    when ``self`` is a QObject, so it is cancelled when the widget is destroyed.
    """

    def decorate(fn: Callable[..., Coroutine]) -> Callable[..., asyncio.Task | None]:
        sig = inspect.signature(fn)

        @Slot(*types)
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> asyncio.Task | None:
            while True:
                try:
                    sig.bind(*args, **kwargs)
                    break
                except TypeError:
                    if not args:
                        raise
                    args = args[:-1]
            owner = args[0] if args and isinstance(args[0], QObject) else None
            return start(fn(*args, **kwargs), owner)

        return wrapper

    return decorate


async def dialog_result(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally and wait for it to finish (no nested event loop)."""
    fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not fut.done():
            fut.set_result(code)

    dialog.finished.connect(done)
    dialog.open()
    return await fut
