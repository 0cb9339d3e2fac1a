"""Signing out while holding open hits: they would stay claimed by someone who is gone, and no console
alerts anyone to a claimed hit, so the user releases them to the queue first (or stays)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.domain.errors import DomainError
from app.domain.hits import HitSummary
from app.domain.roles import Permission
from app.ui.context import UiContext
from app.ui.dialogs.ask_first import ask_first


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
    if not await ask_first(parent, "Sign out",
                           f"You hold {len(held)} open hit{'s' if len(held) != 1 else ''}:\n{listing}\n\nNo console "
                           "alerts anyone to a claimed hit. Release them to the queue, unclaimed, for the next "
                           "dispatcher (F2 claims them), and sign out?", "Release and sign out", keep="Stay signed in"):
        return False
    for hit in held:
        try:
            await ui.call(ui.services.hits.hits.release, ui.actor, hit.id)
        except DomainError:  # closed or taken over meanwhile: nothing of ours to give back
            continue
    return True
