"""Signing out while holding open hits: they would stay claimed by someone who is gone, and no console
alerts anyone to a claimed hit, so the user releases them to the queue first (or stays)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.errors import DomainError
from app.domain.hits import HitSummary
from app.domain.roles import Permission
from app.ui.asyncio_qt import dialog_result
from app.ui.context import UiContext


async def held_open_hits(ui: UiContext) -> list[HitSummary]:
    """The open hits the signed-in user holds (none for a user who does not handle hits)."""
    if not ui.actor.can(Permission.HANDLE_HITS):
        return []
    try:
        rows = await ui.call(ui.services.hits.hits.queue, ui.actor, False, 2000)
    except DomainError:
        return []
    return [h for h in rows if h.claimed_by == ui.actor.user_id and h.status.open]


async def confirm_sign_out(ui: UiContext, parent: QWidget) -> bool:
    """True when the user may sign out now: nothing held, or the held hits were released. Cancel is the default."""
    held = await held_open_hits(ui)
    if not held:
        return True
    listing = "\n".join(f"H-{h.id}  P{h.priority} {h.category.replace('_', ' ')}  {h.plate_listed}" for h in held)
    box = QMessageBox(QMessageBox.Icon.Warning, "Sign out",
                      f"You hold {len(held)} open hit{'s' if len(held) != 1 else ''}:\n{listing}\n\nNo console alerts "
                      "anyone to a claimed hit. Release them to the queue, unclaimed, for the next dispatcher "
                      "(F2 claims them), and sign out?", QMessageBox.StandardButton.NoButton, parent)
    go = box.addButton("Release and sign out", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Stay signed in", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    try:
        await dialog_result(box)
        if box.clickedButton() is not go:
            return False
    finally:
        box.deleteLater()
    for hit in held:
        try:
            await ui.call(ui.services.hits.hits.release, ui.actor, hit.id)
        except DomainError:  # closed or taken over meanwhile: nothing of ours to give back
            continue
    return True
