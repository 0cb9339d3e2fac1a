"""Recording one step of a hit's confirmation log.

Which action is allowed in which state, and what a step must carry (override reasons, NCIC
confirmation or an exigent reason, relayed instructions), is decided by
:mod:`app.domain.hit_actions`; this module enforces it before writing anything. Corrections
name an earlier step of the same hit that is still in force, of the same kind (accepted and
rejected count as one kind). The hit's status follows from the steps in force
(:func:`status_from_steps`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.domain.errors import Conflict, NotFound, ValidationFailed
from app.domain.hit_actions import ACTION_OF_STEP, HitAction, refusal, step_refusal, step_time_problem
from app.domain.hit_steps import (
    HitStep,
    StepInput,
    StepKind,
    UnitsDispatched,
    VisualAccepted,
    YqSent,
    YrReceived,
    step_payload,
)
from app.domain.hits import EntrySnapshot, HitStatus, HitSummary
from app.domain.ncic import answer_deadline, effective, prefill_yq, yq_fields_problem
from app.domain.users import Actor
from app.persistence.repositories.hits import HitRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.hit_queries import load_detail

_VISUAL = (StepKind.VISUAL_ACCEPTED, StepKind.VISUAL_REJECTED)


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


def _check_correction(kind: StepKind, steps: list[HitStep], correcting: HitStep) -> None:
    same = kind == correcting.kind or (kind in _VISUAL and correcting.kind in _VISUAL)
    if not same:
        raise ValidationFailed("A correction must be of the same kind as the step it corrects.")
    if correcting not in effective(steps):
        raise Conflict("That step was already corrected: correct the latest version.")


def _check_yq_number(step: YqSent, steps: list[HitStep], correcting: HitStep | None) -> None:
    """A YQ's request number is the next one (a correction keeps the number of the request it corrects)."""
    expected = int(correcting.payload.get("rno", 0)) if correcting is not None else next_rno(steps)
    if step.rno != expected:
        raise ValidationFailed(f"This YQ is request number (RNO) {expected}, not {step.rno}.")


def complete(step: StepInput, steps: list[HitStep], entry: EntrySnapshot, now: datetime) -> StepInput:
    """Fill what the service computes: YQ request number, fields and deadline; default times; the YR's ORI."""
    if isinstance(step, YqSent):
        fields = step.fields
        if not fields:
            pre = prefill_yq(entry, step.rno, step.priority)
            fields = pre.fields if pre else ()
        return replace(step, fields=fields, deadline=answer_deadline(now, step.priority))
    if isinstance(step, YrReceived):  # the answer to a YQ comes from the agency it was sent to
        return replace(step, from_ori=(step.from_ori.strip() or (entry.ori or "")).upper())
    if isinstance(step, UnitsDispatched) and step.at is None:
        return replace(step, at=now)
    return step


def next_rno(steps: list[HitStep]) -> int:
    """The request number of the next YQ (1 for the first; at most 3)."""
    sent = sum(1 for s in effective(steps) if s.kind is StepKind.YQ_SENT)
    if sent >= 3:
        raise Conflict("Three YQ requests were sent already: follow state procedure.")
    return sent + 1


def record_step(uow: UnitOfWork, actor: Actor, hit_id: int, step: StepInput, now: datetime,
                corrects_step_id: int | None = None, note: str | None = None,
                can_handle: bool = True) -> tuple[HitStep, HitSummary]:
    """Check the rules and append the step; updates the hit's status. Raises before writing anything.

    Returns the stored step and the hit's queue row as it was before the step (plate, priority).
    """
    hits = HitRepository(uow.s)
    row = hits.row(hit_id, lock=True)
    detail = load_detail(uow, hit_id, now)
    sit = detail.situation
    steps = list(detail.steps)
    kind = StepKind(step.kind)
    correcting = None
    if corrects_step_id is not None:
        correcting = next((s for s in steps if s.id == corrects_step_id), None)
        if correcting is None:
            raise NotFound(f"Hit {hit_id} has no step {corrects_step_id}.")
        action = HitAction.CORRECT
    else:
        action = ACTION_OF_STEP[kind]
    problem = refusal(action, sit, actor.user_id, can_handle, now)
    if problem:
        raise Conflict(problem)
    if correcting is not None:
        _check_correction(kind, steps, correcting)
    if isinstance(step, VisualAccepted):  # what the panel showed, whatever the caller says
        step = replace(step, mismatches=sit.mismatches, override_reason=step.override_reason if sit.mismatches else "")
    problem = step_refusal(step, sit, correcting) or step_time_problem(step, detail.summary.created_at, now)
    if problem:
        raise ValidationFailed(problem)
    if isinstance(step, YqSent):
        _check_yq_number(step, steps, correcting)
    step = complete(step, steps, detail.entry, now)
    if isinstance(step, YqSent):  # the request as recorded is the request sent: only fields that fit it
        problem = yq_fields_problem(step.fields, detail.entry, step.rno, step.priority)
        if problem:
            raise ValidationFailed(problem)
    payload = step_payload(step)
    step_id = hits.add_step(hit_id, kind, payload, actor.user_id or 0, now, note, corrects_step_id)
    stored = HitStep(step_id, hit_id, kind, payload, actor.user_id or 0, actor.username, now,
                     (steps[-1].sequence if steps else 0) + 1, note, corrects_step_id)
    status, dispo = status_from_steps([*steps, stored], claimed=row.claimed_by is not None)
    closed_at = row.closed_at or now if status in (HitStatus.CLOSED, HitStatus.REJECTED) else None
    hits.set_status(hit_id, status, dispo, closed_at)
    return stored, detail.summary
