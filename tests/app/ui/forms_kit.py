"""Helpers for the form-dialog tests: a signed-in UI context for any role, the Users panel, find an open dialog."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QApplication

from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.repositories.users import UserRepository
from app.ui.screens.users_panel import UsersPanel
from tests.app.conftest import current_training, ready_user
from tests.app.ui.conftest import run_until


def ui_as(ui_ctx, role: Role, username: str | None = None, title: str | None = None):  # noqa: ANN201
    """A copy of ``ui_ctx`` signed in as a new user holding ``role`` (trained, policy accepted)."""
    admin = ui_ctx.services.administration
    name = username or f"{role.value.replace('_', '')[:8]}1"
    user = admin.create_user(ui_ctx.actor, name, f"{role.label.split(' ')[0]} Person", "Temp-Passw0rd-99",
                             frozenset({role}), None, current_training(), title)
    ready_user(ui_ctx.services.ctx, user.id)
    ctx = ui_ctx.services.ctx
    with ctx.uow() as uow:  # as if they had chosen their own password at first sign-in
        users = UserRepository(uow.s)
        users.set_password(user.id, users.password_hash(user.id), ctx.clock.now(), must_change=False)
        user = users.get(user.id)
    return dataclasses.replace(ui_ctx, user=user, actor=Actor.of(user, ui_ctx.services.ctx.workstation))


def open_dialog(qloop, qtbot, kind, trigger):  # noqa: ANN001, ANN201
    """Call ``trigger`` and return the visible dialog of class ``kind`` it opened."""
    trigger()
    run_until(qloop, qtbot, lambda: any(isinstance(w, kind) and w.isVisible() for w in QApplication.topLevelWidgets()))
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible())


def users_panel(qloop, qtbot, ui_ctx, select: str | None = None) -> UsersPanel:  # noqa: ANN001
    """The Users panel with every account loaded; with ``select``, that account's row selected."""
    panel = UsersPanel(ui_ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    count = len(ui_ctx.services.administration.list_users(ui_ctx.actor))
    run_until(qloop, qtbot, lambda: panel.model.rowCount() == count)
    if select is not None:
        panel.table.selectRow(next(i for i, u in enumerate(panel.model.users) if u.username == select))
    return panel
