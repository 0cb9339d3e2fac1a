"""Session 24 adversarial review, through the console: who is shown and told about a covert hit."""

from __future__ import annotations

from app.domain.roles import Role
from app.persistence.repositories.users import UserRepository
from app.ui.context import UiContext
from app.ui.screens.console import ConsoleScreen
from tests.app.ui.conftest import run_until
from tests.app.ui.test_console import raise_hit, world  # noqa: F401 - world is a fixture


def _screen(qtbot, qloop, world, login):  # noqa: F811
    ui = UiContext(world.ui.services, world.ui.executor, world.ui.signals, world.ui.settings, world.ui.paths,
                   login.user, login.actor, "Test County")
    screen = ConsoleScreen(ui, world.alerts)
    qtbot.addWidget(screen, before_close_func=lambda w: w.shutdown())
    screen.show()
    return screen


def test_a_covert_hit_is_not_announced_once_the_covert_privilege_is_withdrawn(qtbot, qloop, world):  # noqa: F811
    """DOMAIN "Hit priorities" 3 (covert: only privileged users see it), 000 433.4(e).

    The console is signed in as a supervisor (who may see covert hits); the role is withdrawn while
    signed in. A covert hit raised on this workstation must then be neither spoken nor listed.
    """
    screen = _screen(qtbot, qloop, world, world.admin)
    with world.ctx.uow() as uow:
        UserRepository(uow.s).set_roles(world.admin.actor.user_id, frozenset({Role.DISPATCHER}))
    [covert] = raise_hit(world, "TERR123")
    [plain] = raise_hit(world, "ABC1234")
    run_until(qloop, qtbot, lambda: plain.id in screen.ctrl.shown_at)
    qloop.run_until_complete(screen.ctrl.reload())
    assert covert.id not in screen.ctrl.shown_at
    assert not any("TANGO" in t.upper() or "TOM" in t.upper() for t in world.speaker.texts), world.speaker.texts
    assert not any("terror" in t.lower() for t in world.speaker.texts), world.speaker.texts


def test_a_covert_hit_is_still_announced_to_the_privileged(qtbot, qloop, world):  # noqa: F811
    """Guard: the live check must not silence covert hits for the users who may see them."""
    screen = _screen(qtbot, qloop, world, world.admin)
    [covert] = raise_hit(world, "TERR123")
    run_until(qloop, qtbot, lambda: covert.id in screen.ctrl.shown_at)
    run_until(qloop, qtbot, lambda: any("terror" in t.lower() for t in world.speaker.texts))
