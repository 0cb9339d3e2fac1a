"""The one UI task runner and the guarded loop (issue 11: "Cannot enter into task ... while another task").

A coroutine that opens a modal box with ``exec()`` spins a nested Qt loop inside its own task step;
qasync used to step other tasks from there, asyncio refused, and the refused task (a console reload)
was lost. Now such callbacks wait for the box to close and then run.
"""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.ui.asyncio_qt import async_slot, runner
from tests.app.ui.conftest import run_until


class _Panel(QWidget):
    """Like UsersPanel.toggle_active: a service call, then a refusal shown with QMessageBox.warning."""

    def __init__(self, executor) -> None:  # noqa: ANN001
        super().__init__()
        self.executor = executor
        self.closed_box = False

    @async_slot()
    async def toggle_active(self) -> None:
        await asyncio.sleep(0)  # its service call (the DB executor is busy with the console's query here)
        QMessageBox.warning(self, "Not done", "You cannot disable your own account.")  # nested loop
        self.closed_box = True


class _Console(QWidget):
    """Like ConsoleController.reload: awaits the DB executor, then applies the result."""

    def __init__(self, executor) -> None:  # noqa: ANN001
        super().__init__()
        self.executor = executor
        self.release = threading.Event()  # the query returns only once the test says so
        self.queried = threading.Event()
        self.reloads = 0

    def _query(self) -> None:
        self.release.wait(10)
        self.queried.set()

    @async_slot()
    async def reload(self) -> None:
        await self.executor.run(self._query)
        self.reloads += 1


def _modal_box() -> QMessageBox | None:
    box = QApplication.activeModalWidget()
    return box if isinstance(box, QMessageBox) else None


def _while_box_open(step) -> QTimer:  # noqa: ANN001
    """Call ``step(box)`` every 10 ms while a modal message box is open (inside its nested loop)."""
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: (box := _modal_box()) is not None and step(box))
    poll.start()
    return poll


def test_a_reload_in_flight_when_a_modal_box_opens_completes_after_it_closes(qtbot, qloop, executor):
    errors: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))
    panel, console = _Panel(executor), _Console(executor)
    qtbot.addWidget(panel)
    qtbot.addWidget(console)
    turns: list[int] = []

    def step(box: QMessageBox) -> None:
        # Given the refusal box is open; the reload's query returns meanwhile
        console.release.set()
        if console.queried.is_set():
            turns.append(console.reloads)  # a few turns of the nested loop after the query returned
        if len(turns) >= 5:
            box.accept()

    # Given a console reload waiting on the database
    console.reload()
    # When a coroutine opens a modal box (QMessageBox.warning) before the reload's query returns
    poll = _while_box_open(step)
    panel.toggle_active()
    run_until(qloop, qtbot, lambda: panel.closed_box and console.reloads == 1)
    poll.stop()
    # Then asyncio refused nothing, the reload did not run inside the box's loop, and it ran once after
    assert errors == []
    assert set(turns) == {0}
    assert console.reloads == 1
    assert runner(qloop).failures == []


def test_a_reload_requested_while_a_modal_box_is_open_runs_after_it_closes(qtbot, qloop, executor):
    errors: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))
    panel, console = _Panel(executor), _Console(executor)
    console.release.set()
    qtbot.addWidget(panel)
    qtbot.addWidget(console)
    turns: list[int] = []

    def step(box: QMessageBox) -> None:
        if not turns:
            console.reload()  # When a reload is requested while the box is open
        turns.append(console.reloads)
        if len(turns) >= 10:
            box.accept()

    poll = _while_box_open(step)
    panel.toggle_active()
    run_until(qloop, qtbot, lambda: panel.closed_box and console.reloads == 1)
    poll.stop()
    # Then it was queued, not lost: it ran after the box closed
    assert errors == []
    assert set(turns) == {0}
    assert console.reloads == 1


def test_the_runner_cancels_a_screens_tasks_when_the_screen_is_destroyed(qtbot, qloop, executor):
    gate = threading.Event()
    resumed: list[bool] = []

    class _Screen(QWidget):
        @async_slot()
        async def reload(self) -> None:
            await executor.run(gate.wait, 5)
            resumed.append(True)
            self.setWindowTitle("reloaded")  # would touch a deleted widget

    screen = _Screen()
    task = screen.reload()
    assert runner(qloop).pending(screen) == 1
    # When the screen is deleted (sign-out) while its reload waits on the database
    screen.deleteLater()
    run_until(qloop, qtbot, lambda: task.done())
    gate.set()
    # Then the task was cancelled and never resumed on the deleted widget
    assert task.cancelled() and resumed == []


def test_async_slot_drops_signal_arguments_the_coroutine_does_not_take(qtbot, qloop):
    calls: list[tuple] = []

    class _W(QWidget):
        @async_slot()
        async def go(self, step: int = 1) -> None:
            calls.append((step,))
            await asyncio.sleep(0)

    w = _W()
    qtbot.addWidget(w)
    w.go(2, True)  # e.g. a lambda passing a step plus clicked(bool)
    run_until(qloop, qtbot, lambda: calls == [(2,)])
