"""Recording one step of a hit's confirmation log: the rules of order and who may act.

Rules (policy 002 IV.I-J):

- only the dispatcher who claimed the hit records steps on it;
- visual verification comes first: before it only a visual decision or a note is accepted;
  after a rejection only notes and corrections;
- a visual decision is made once; changing it is a correction (a new step naming the old one);
- a correction names an earlier step of the same hit that is still in force, of the same kind
  (accepted/rejected count as one kind);
- the hit's status follows from the steps in force (:func:`status_from_steps`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.domain.errors import Conflict, NotFound, ValidationFailed
from app.domain.hit_steps import (
    AgencyNotified,
    HitStep,
    StepInput,
    StepKind,
    UnitsDispatched,
    YqSent,
    step_payload,
)
from app.domain.hits import EntrySnapshot, HitStatus
from app.domain.ncic import answer_deadline, effective, prefill_yq
from app.domain.users import Actor
from app.persistence.repositories.hits import HitRepository
from app.persistence.unit_of_work import UnitOfWork

_VISUAL = (StepKind.VISUAL_ACCEPTED, StepKind.VISUAL_REJECTED)
_ANYTIME = (StepKind.NOTE,)


def status_from_steps(steps: list[HitStep], claimed: bool) -> tuple[HitStatus, str | None]:
    """Status and disposition implied by the steps in force."""
    live = effective(steps)
    visual = next((s for s in reversed(live) if s.kind in _VISUAL), None)
    if visual is not None and visual.kind is StepKind.VISUAL_REJECTED:
        return HitStatus.REJECTED, None
    dispo = next((s for s in reversed(live) if s.kind is StepKind.DISPOSITION), None)
    if dispo is not None:
        return HitStatus.CLOSED, str(dispo.payload.get("outcome"))
    if visual is not None:
        return HitStatus.VERIFIED, None
    return (HitStatus.CLAIMED if claimed else HitStatus.NEW), None


def _check_order(kind: StepKind, steps: list[HitStep], correcting: HitStep | None) -> None:
    live = effective(steps)
    visual = next((s for s in reversed(live) if s.kind in _VISUAL), None)
    if correcting is not None:
        same = kind == correcting.kind or (kind in _VISUAL and correcting.kind in _VISUAL)
        if not same:
            raise ValidationFailed("A correction must be of the same kind as the step it corrects.")
        if correcting not in live:
            raise Conflict("That step was already corrected: correct the latest version.")
        return
    if kind in _ANYTIME:
        return
    if kind in _VISUAL:
        if visual is not None:
            raise Conflict("The visual verification is already recorded: record a correction to change it.")
        return
    if visual is None:
        raise Conflict("Visually verify the plate first (accept or reject).")
    if visual.kind is StepKind.VISUAL_REJECTED:
        raise Conflict("This hit was rejected at visual verification: only notes and corrections can be added.")


def complete(step: StepInput, steps: list[HitStep], entry: EntrySnapshot, now: datetime) -> StepInput:
    """Fill what the service computes: YQ request number, fields and deadline; default times."""
    if isinstance(step, YqSent):
        fields = step.fields
        if not fields:
            pre = prefill_yq(entry, step.rno, step.priority)
            fields = pre.fields if pre else ()
        return replace(step, fields=fields, deadline=answer_deadline(now, step.priority))
    if isinstance(step, UnitsDispatched) and step.at is None:
        return replace(step, at=now)
    if isinstance(step, AgencyNotified) and step.at > now:
        raise ValidationFailed("The notification time cannot be in the future.")
    return step


def next_rno(steps: list[HitStep]) -> int:
    """The request number of the next YQ (1 for the first; at most 3)."""
    sent = sum(1 for s in effective(steps) if s.kind is StepKind.YQ_SENT)
    if sent >= 3:
        raise Conflict("Three YQ requests were sent already: follow state procedure.")
    return sent + 1


def record_step(uow: UnitOfWork, actor: Actor, hit_id: int, step: StepInput, now: datetime,
                corrects_step_id: int | None = None, note: str | None = None) -> HitStep:
    """Check the rules and append the step; updates the hit's status. Raises before writing anything."""
    hits = HitRepository(uow.s)
    row = hits.row(hit_id, lock=True)
    if row.claimed_by != actor.user_id:
        who = hits.username(row.claimed_by)
        raise Conflict(f"Hit {hit_id} is claimed by {who}." if who else f"Claim hit {hit_id} first.")
    steps = hits.steps(hit_id)
    correcting = None
    if corrects_step_id is not None:
        correcting = next((s for s in steps if s.id == corrects_step_id), None)
        if correcting is None:
            raise NotFound(f"Hit {hit_id} has no step {corrects_step_id}.")
    kind = StepKind(step.kind)
    _check_order(kind, steps, correcting)
    entry = hits.entry_snapshot(hit_id)
    step = complete(step, steps, entry, now)
    payload = step_payload(step)
    step_id = hits.add_step(hit_id, kind, payload, actor.user_id or 0, now, note, corrects_step_id)
    stored = HitStep(step_id, hit_id, kind, payload, actor.user_id or 0, actor.username, now,
                     (steps[-1].sequence if steps else 0) + 1, note, corrects_step_id)
    status, dispo = status_from_steps([*steps, stored], claimed=True)
    closed_at = row.closed_at or now if status in (HitStatus.CLOSED, HitStatus.REJECTED) else None
    hits.set_status(hit_id, status, dispo, closed_at)
    return stored
