"""Issue 11: the step log's "#" counts the steps of the hit shown, not database-wide step ids."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.roles import Role
from tests.app.hitkit import make_actor
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import make_screen, press, raise_hit, world  # noqa: F401 - world is a fixture


def test_step_log_numbers_the_steps_of_this_hit_from_one(qtbot, qloop, world):  # noqa: F811
    # Given another dispatcher has already logged steps on a first hit (so step ids run ahead)
    screen = make_screen(qtbot, qloop, world)
    [first] = raise_hit(world, "ABC1234")
    other = make_actor(world.ctx, "disp.lee", frozenset({Role.DISPATCHER}))
    world.svc.hits.claim(other, first.id)
    [second] = raise_hit(world, "8OX1234", state="NV")
    # When this dispatcher claims the next hit (F2)
    press(qloop, qtbot, screen, Qt.Key.Key_F2)
    run_until(qloop, qtbot, lambda: screen.ctrl.detail is not None and screen.ctrl.detail.summary.id == second.id
              and screen.ncic.log.rowCount() >= 1)
    # Then its first step is "#1" although its id in the database is larger
    step_id = screen.ncic.step_ids[0]
    assert step_id > 1
    assert screen.ncic.log.item(0, 0).text() == "1"
