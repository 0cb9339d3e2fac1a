"""The screens' async slots go through the one task runner (issue 11: "Cannot enter into task").

UsersPanel.toggle_active was the slot of the reported error: disabling one's own account is refused
and the refusal shown with QMessageBox.warning (a nested Qt loop inside the slot's task) while a
console reload was in flight; the reload was lost. Through the runner the reload waits for the box,
and the panel owns its task (cancelled with the panel at sign-out).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.asyncio_qt import runner
from app.ui.screens.users_panel import UsersPanel
from app.workers.db_executor import DbExecutor
from tests.app.ui.conftest import run_until
from tests.app.ui.test_task_runner import _Console, _while_box_open

SCREENS = Path(__file__).resolve().parents[3] / "app" / "ui" / "screens"


def test_no_screen_starts_a_coroutine_around_the_runner():
    direct = [f"{p.name}:{n}" for p in sorted(SCREENS.glob("*.py"))
              for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\basyncSlot\b", line)]
    assert direct == []


@pytest.fixture
def console_executor():
    """The console's query waits on its own DB thread (the panel's service call must not queue behind it)."""
    ex = DbExecutor()
    yield ex
    ex.shutdown()


def test_users_panel_refusal_box_lets_a_console_reload_finish_after_it(qtbot, qloop, ui_ctx, console_executor):
    errors: list[dict] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))
    panel = UsersPanel(ui_ctx)
    qtbot.addWidget(panel)
    console = _Console(console_executor)
    qtbot.addWidget(console)
    panel.reload()
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == 1)
    panel.table.selectRow(0)  # the administrator's own account
    owned: list[int] = []
    turns: list[int] = []
    texts: list[str] = []

    def step(box: QMessageBox) -> None:
        if not texts:
            texts.append(box.text())
            owned.append(runner(qloop).pending(panel))
            console.release.set()  # the reload's query returns while the box is open
        if console.queried.is_set():
            turns.append(console.reloads)
        if len(turns) >= 5:
            box.accept()

    # Given a console reload waiting on the database
    console.reload()
    # When the administrator tries to disable their own account and the refusal box opens
    poll = _while_box_open(step)
    panel.toggle_active()
    run_until(qloop, qtbot, lambda: bool(turns) and console.reloads == 1 and not runner(qloop).pending(panel))
    poll.stop()
    # Then the refusal was shown, asyncio refused no task step, and the reload ran once, after the box closed
    assert texts == ["You cannot disable your own account."]
    assert errors == []
    assert set(turns) == {0}
    assert console.reloads == 1
    # and the slot's task belonged to the panel (cancelled with it at sign-out), its failures none
    assert owned == [1]
    assert runner(qloop).failures == []
