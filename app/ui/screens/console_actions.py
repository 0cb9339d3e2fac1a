"""The console's actions: one per shortcut/button, each opening its dialog and recording through the controller.

Dialogs submit to the controller and stay open with the refusal shown when the service says no.
Corrections reuse the dialog of the corrected step's kind and record a new step naming it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QDialog, QWidget

from app.domain.errors import Conflict, DomainError, ValidationFailed
from app.domain.hit_actions import HitAction
from app.domain.hit_steps import InstructionsRelayed, RejectReason, StepKind, VisualAccepted
from app.services.hit_queries import HitDetail
from app.ui.asyncio_qt import dialog_result
from app.ui.console_controller import ConsoleController
from app.ui.dialogs.console_common import StepDialog
from app.ui.dialogs.console_dispatch import DispatchDialog
from app.ui.dialogs.console_disposition import DispositionDialog
from app.ui.dialogs.console_ncic_query import NcicQueryDialog, NoteDialog
from app.ui.dialogs.console_notified import AgencyNotifiedDialog
from app.ui.dialogs.console_override import CorrectRejectionDialog, VerifyOverrideDialog
from app.ui.dialogs.console_reject import RejectDialog
from app.ui.dialogs.console_stolen import StolenPlateDialog
from app.ui.dialogs.console_takeover import TakeOverDialog
from app.ui.dialogs.console_yq import YqDialog, YrDialog

logger = logging.getLogger(__name__)

#: shortcut -> action key (the screen binds them; every action also has a button)
SHORTCUTS: dict[str, str] = {
    "F2": "claim_next", "Ctrl+K": "claim", "F3": "accept", "F4": "reject", "F5": "ncic", "F6": "yq", "F7": "yr", "F8": "dispatch",
    "F9": "stolen", "F10": "disposition", "F11": "notify", "F12": "relay", "Ctrl+T": "note", "Ctrl+E": "correct",
    "Ctrl+P": "print", "Ctrl+Shift+R": "release", "Ctrl+M": "mute",
}
NAMES = {"claim_next": "Claim next", "claim": "Claim this hit", "accept": "Accept", "reject": "Reject", "ncic": "NCIC query result",
         "yq": "Send YQ", "yr": "YR received", "dispatch": "Dispatch units", "stolen": "Stolen-plate check",
         "disposition": "Disposition", "notify": "Agency notified", "relay": "Instructions relayed",
         "note": "Note", "correct": "Correct step", "print": "Print report", "release": "Release hit",
         "mute": "Mute"}


class ConsoleActions:
    """Runs the console's actions for a screen (``parent`` owns the dialogs)."""

    def __init__(self, controller: ConsoleController, parent: QWidget,
                 mute: Callable[[], None], selected_step: Callable[[], int | None],
                 focus_back: Callable[[], None] = lambda: None) -> None:
        self.ctrl = controller
        self.parent = parent
        self._mute = mute
        self._selected_step = selected_step
        self._focus_back = focus_back
        self.dialog: QDialog | None = None  # the open dialog (tests drive it with the keyboard)
        self.running: asyncio.Future | None = None
        self.target: HitDetail | None = None  # the hit on screen when the running action's key was pressed

    @property
    def busy(self) -> bool:
        """An action is still running (its dialog may be open)."""
        return self.running is not None and not self.running.done()

    def trigger(self, key: str) -> None:
        if key == "mute":
            self._mute()
            return
        if self.dialog is not None:
            return  # one dialog at a time; its own keys apply
        if self.busy:  # a bounced or held key must not start the action again (F2 twice claimed two hits)
            self.ctrl.message.emit(f"{NAMES.get(key, key)}: the previous action is still running; "
                                   "press again when it is done.", True)
            return
        if key != "claim_next":
            why = self.ctrl.refusal(HitAction(key))
            if why is not None:
                self.ctrl.message.emit(f"{NAMES.get(key, key)} is not available: {why}", True)
                return
        # the action is on the hit the dispatcher sees (and the refusal above was asked of), not on one
        # still loading behind it: a reject dialog named the plate on screen and recorded on the loading hit
        self.target = self.ctrl.detail
        handler: Callable[[], Awaitable[object]] = getattr(self, f"_{key}")
        self.running = asyncio.ensure_future(self._guard(handler()))

    async def _guard(self, work: Awaitable[object]) -> None:
        try:
            await work
        except DomainError as exc:
            self.ctrl.message.emit(str(exc), True)
        except Exception:  # a failing action must not kill the console; it is reported
            logger.exception("console action failed")
            self.ctrl.message.emit("The action failed; see the log.", True)

    async def _show(self, dialog: StepDialog) -> bool:
        self.dialog = dialog
        try:
            return bool(await dialog_result(dialog))
        finally:
            self.dialog = None
            dialog.deleteLater()
            self.parent.window().activateWindow()  # keys go back to the console
            self._focus_back()

    # ---- actions ------------------------------------------------------------------------------
    # Each action takes the open hit's id when it starts and records on that hit, whatever the
    # panel shows by the time its dialog is submitted.
    def _shown(self) -> HitDetail:
        if self.target is None:
            raise Conflict("Open a hit first (F2 claims the next one).")
        return self.target

    def _on(self, corrects: int | None):  # noqa: ANN202 - the submit callable of a step dialog
        hit_id = self._shown().summary.id
        return lambda v: self.ctrl.record(v, corrects, hit_id)

    async def _claim_next(self) -> None:
        await self.ctrl.claim_next()

    async def _claim(self) -> None:
        s = self._shown().summary
        if s.claimed_by is not None and s.claimed_by != self.ctrl.actor.user_id:  # held by someone else
            await self._show(TakeOverDialog(lambda reason: self.ctrl.claim(s.id, True, reason), s.id,
                                            s.claimed_by_name or "another dispatcher", self.parent))
            return
        await self.ctrl.claim(s.id)

    async def _accept(self, corrects: int | None = None) -> None:
        d = self._shown()
        if d.mismatches:
            await self._show(VerifyOverrideDialog(lambda v: self.ctrl.record(v, corrects, d.summary.id),
                                                  d.read.plate, d.mismatches, self.parent))
            return
        if corrects is not None:  # reopening a rejected hit as verified: asked, never one keystroke
            await self._show(CorrectRejectionDialog(lambda v: self.ctrl.record(v, corrects, d.summary.id),
                                                    d.read.plate, self.parent))
            return
        await self.ctrl.record(VisualAccepted(""), corrects, d.summary.id)

    async def _reject(self, corrects: int | None = None) -> None:
        d = self._shown()
        suggested = RejectReason.WRONG_STATE if d.state_agreement.value == "mismatch" else None
        await self._show(RejectDialog(self._on(corrects), d.read.plate, suggested, self.parent))

    async def _ncic(self, corrects: int | None = None) -> None:
        e = self._shown().entry
        await self._show(NcicQueryDialog(self._on(corrects), e.plate, e.state, e.nic, self.parent))

    async def _yq(self) -> None:
        d = self._shown()
        hit_id = d.summary.id
        prefill = await self.ctrl.yq_prefill("U", hit_id)
        if prefill is None:
            raise ValidationFailed("This record type takes no YQ.")
        await self._show(YqDialog(lambda v: self.ctrl.send_yq(*v, hit_id=hit_id), prefill, self.ctrl.next_rno(d),
                                  self.parent))

    async def _yr(self, corrects: int | None = None) -> None:
        d = self._shown()
        await self._show(YrDialog(self._on(corrects), max(1, self.ctrl.next_rno(d) - 1),
                                  d.entry.ori or "", self.ctrl.clock.now(), self.parent))

    async def _dispatch(self, corrects: int | None = None) -> None:
        d = self._shown()
        sit = d.situation
        await self._show(DispatchDialog(self._on(corrects), d.entry.instructions or "", d.entry.vehicle,
                                        sit.instructions_relayed, self.parent, ncic_confirmed=sit.ncic_confirmed,
                                        entry_withdrawn=sit.entry_withdrawn))

    async def _stolen(self, corrects: int | None = None) -> None:
        d = self._shown()
        seen = " ".join(x for x in (d.read.colour or "",) if x)
        await self._show(StolenPlateDialog(self._on(corrects), d.entry.vehicle,
                                           f"colour {seen}" if seen else "", self.parent))

    async def _disposition(self, corrects: int | None = None) -> None:
        await self._show(DispositionDialog(self._on(corrects), self.parent))

    async def _notify(self, corrects: int | None = None) -> None:
        d = self._shown()
        await self._show(AgencyNotifiedDialog(self._on(corrects), d.entry.ori or "",
                                              self.ctrl.clock.now(), self.parent))

    async def _relay(self) -> None:
        await self.ctrl.record(InstructionsRelayed(True), hit_id=self._shown().summary.id)

    async def _note(self, corrects: int | None = None) -> None:
        await self._show(NoteDialog(self._on(corrects), self.parent))

    async def _print(self) -> None:
        await self.ctrl.print_report(self._shown().summary.id)

    async def _release(self) -> None:
        await self.ctrl.release(self._shown().summary.id)
        self.ctrl.message.emit("Hit released back to the queue.", False)

    async def _correct(self) -> None:
        step_id = self._selected_step()
        step = next((s for s in self._shown().steps if s.id == step_id), None) if step_id is not None else None
        if step is None:
            raise ValidationFailed("Select the step to correct in the step log (Alt+G), then press Ctrl+E.")
        openers = {
            StepKind.VISUAL_ACCEPTED: self._reject, StepKind.NCIC_QUERY: self._ncic, StepKind.YR_RECEIVED: self._yr,
            StepKind.UNITS_DISPATCHED: self._dispatch, StepKind.STOLEN_PLATE_CHECK: self._stolen,
            StepKind.DISPOSITION: self._disposition, StepKind.AGENCY_NOTIFIED: self._notify,
            StepKind.NOTE: self._note,
        }
        if step.kind is StepKind.VISUAL_REJECTED:
            await self._accept(step.id)
            return
        opener = openers.get(step.kind)
        if opener is None:
            raise ValidationFailed(f"A '{step.kind.value.replace('_', ' ')}' step cannot be corrected; "
                                   "add a note instead (Ctrl+T).")
        await opener(step.id)  # type: ignore[operator]

