"""A console timer firing after its event loop is gone must not raise inside Qt's callback."""

from __future__ import annotations

import threading
import warnings

from app.ui.console_controller import spawn


def test_spawn_without_an_event_loop_drops_the_task_quietly():
    ran: list[bool] = []
    outcome: list[object] = []

    async def reload() -> None:
        ran.append(True)

    def fire() -> None:  # a thread has no current event loop, like a console whose loop has stopped
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "coroutine was never awaited" would be a leak
            try:
                outcome.append(spawn(reload()))
            except BaseException as exc:  # noqa: BLE001 - the test reports what escaped
                outcome.append(exc)

    thread = threading.Thread(target=fire)
    thread.start()
    thread.join()
    assert outcome == [False] and ran == []
