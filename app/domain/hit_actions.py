"""Which hit actions are allowed in which state: the one place that decides (002 IV.H-J).

The services enforce :func:`require` / :func:`step_refusal` before writing anything; the console
only asks :func:`allowed_actions` (buttons, F-keys) and :func:`refusal` (the status line).

Rules:

- only the dispatcher holding the hit records its steps; a closed hit takes only notes,
  corrections, printing and the entering agency's notification;
- visual verification first; accepting while the panel shows a mismatch (state, colour,
  look-alike or other character difference, low read confidence) needs a typed override reason;
- dispatch needs an NCIC query that found the record still outstanding (and no YR denying it),
  or an exigent-circumstances override with a reason; the list's instructions are relayed
  with the dispatch (J.4); a hit on a local (BOLO) entry is confirmed only while that entry is
  still in force (approved, unexpired, same plate and state): the agency's own list is its record;
- a stolen-plate hit does not close before the vehicle-match check (J.3), nor, once units are
  dispatched, before they were advised of it;
- an arrest or recovery is enforcement action: it needs the same NCIC confirmation as a dispatch,
  or a dispatch under exigent circumstances in force (I.1; 000 433.4(f)), corrections included;
- after an arrest or recovery the entering agency must be notified (J.5): any dispatcher may
  record it on the closed hit, and until then the hit is on the overdue-notification list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.comparison import Agreement, CellKind, PlateComparison
from app.domain.hit_steps import (
    AgencyNotified,
    DispositionStep,
    HitStep,
    NcicResult,
    Outcome,
    StepInput,
    StepKind,
    UnitsDispatched,
    VisualAccepted,
    YrAnswer,
    YrReceived,
)
from app.domain.hits import STOLEN_PLATE_CATEGORIES, EntrySnapshot, HitStatus
from app.domain.ncic import MAX_REQUESTS, effective, yq_due
from app.domain.substance import reason_problem

#: A read below this confidence is a mismatch the dispatcher must override to accept.
LOW_CONFIDENCE = 0.80
#: The latest time a "will confirm by" YR may promise: past it the YQ escalation (RNO 2, 3) would be silenced.
MAX_WILL_CONFIRM = timedelta(hours=24)
#: Outcomes the entering agency is told about (002 IV.J.5).
NOTIFY_OUTCOMES = frozenset({Outcome.ARREST.value, Outcome.VEHICLE_RECOVERED.value, Outcome.PLATE_RECOVERED.value})


class HitAction(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    ACCEPT = "accept"
    REJECT = "reject"
    NCIC = "ncic"
    YQ = "yq"
    YR = "yr"
    RELAY = "relay"
    DISPATCH = "dispatch"
    STOLEN = "stolen"
    DISPOSITION = "disposition"
    NOTIFY = "notify"
    NOTE = "note"
    CORRECT = "correct"
    PRINT = "print"


ACTION_OF_STEP: dict[StepKind, HitAction] = {
    StepKind.VISUAL_ACCEPTED: HitAction.ACCEPT, StepKind.VISUAL_REJECTED: HitAction.REJECT,
    StepKind.NCIC_QUERY: HitAction.NCIC, StepKind.YQ_SENT: HitAction.YQ, StepKind.YR_RECEIVED: HitAction.YR,
    StepKind.INSTRUCTIONS_RELAYED: HitAction.RELAY, StepKind.UNITS_DISPATCHED: HitAction.DISPATCH,
    StepKind.STOLEN_PLATE_CHECK: HitAction.STOLEN, StepKind.DISPOSITION: HitAction.DISPOSITION,
    StepKind.AGENCY_NOTIFIED: HitAction.NOTIFY, StepKind.NOTE: HitAction.NOTE,
}
_VISUAL = (StepKind.VISUAL_ACCEPTED, StepKind.VISUAL_REJECTED)
_WORKFLOW = (HitAction.NCIC, HitAction.YQ, HitAction.YR, HitAction.RELAY, HitAction.DISPATCH, HitAction.STOLEN,
             HitAction.DISPOSITION)


def verification_mismatches(plate: PlateComparison, state: Agreement, colour: Agreement, confidence: float,
                            read_state: str | None = None, listed_state: str | None = None,
                            read_colour: str | None = None, listed_colour: str | None = None) -> tuple[str, ...]:
    """What the verification panel shows as not matching (each one needs the override to accept)."""
    out: list[str] = []
    if state is Agreement.MISMATCH:
        out.append(f"state read {read_state or '?'}, listed {listed_state or '?'}")
    if colour is Agreement.MISMATCH:
        out.append(f"colour read {read_colour or '?'}, listed {listed_colour or '?'}")
    if plate.lookalikes:
        out.append(f"look-alike characters ({plate.describe()})")
    elif any(c.kind in (CellKind.DIFFERENT, CellKind.MISSING, CellKind.EXTRA) for c in plate.cells):
        out.append(f"characters differ ({plate.describe()})")
    open_cells = sum(c.kind is CellKind.WILDCARD for c in plate.cells)
    if open_cells:  # a partial plate: those characters cannot be verified against the list
        out.append(f"partial plate on the list: {open_cells} character{'s' if open_cells > 1 else ''} not listed")
    if confidence < LOW_CONFIDENCE:
        out.append(f"low read confidence {confidence:.0%}")
    return tuple(out)


@dataclass(frozen=True, slots=True)
class HitSituation:
    """What the rules look at: the hit's status, holder, steps, entry and the panel's mismatches."""

    hit_id: int
    status: HitStatus
    claimed_by: int | None
    claimed_by_name: str | None
    steps: tuple[HitStep, ...]
    entry: EntrySnapshot
    yq_applies: bool
    mismatches: tuple[str, ...] = ()
    entry_in_force: bool = True

    @property
    def entry_withdrawn(self) -> bool:
        """A local (BOLO) entry withdrawn for review, denied, expired or changed since the hit."""
        return self.entry.source_kind == "local" and not self.entry_in_force

    @property
    def live(self) -> list[HitStep]:
        return effective(self.steps)

    def last(self, kind: StepKind) -> HitStep | None:
        return next((s for s in reversed(self.live) if s.kind is kind), None)

    @property
    def visual(self) -> HitStep | None:
        return next((s for s in reversed(self.live) if s.kind in _VISUAL), None)

    @property
    def outcome(self) -> str | None:
        step = self.last(StepKind.DISPOSITION)
        return str(step.payload.get("outcome")) if step else None

    @property
    def closed(self) -> bool:
        return not self.status.open

    @property
    def ncic_confirmed(self) -> bool:
        """An NCIC query found the record still outstanding, and no YR denies it."""
        query, yr = self.last(StepKind.NCIC_QUERY), self.last(StepKind.YR_RECEIVED)
        if self.entry_withdrawn:
            return False
        if yr is not None and yr.payload.get("answer") == YrAnswer.DENIED.value:
            return False
        return query is not None and query.payload.get("result") == NcicResult.OUTSTANDING.value

    @property
    def instructions_relayed(self) -> bool:
        relay = self.last(StepKind.INSTRUCTIONS_RELAYED)
        dispatch = self.last(StepKind.UNITS_DISPATCHED)
        return bool(relay and relay.payload.get("relayed", True)) or bool(
            dispatch and dispatch.payload.get("instructions_relayed"))

    @property
    def stolen_plate(self) -> bool:
        return self.entry.category in STOLEN_PLATE_CATEGORIES

    @property
    def notification_due(self) -> bool:
        """Closed with an arrest or recovery and the entering agency not yet notified."""
        return self.outcome in NOTIFY_OUTCOMES and self.last(StepKind.AGENCY_NOTIFIED) is None


def refusal(action: HitAction, sit: HitSituation, user_id: int | None, can_handle: bool,
            now: datetime | None = None) -> str | None:
    """Why ``action`` is not allowed now (None when it is)."""
    n = sit.hit_id
    if not can_handle:
        return "You may not handle hits."
    if action is HitAction.PRINT:
        return None
    if action is HitAction.CLAIM:
        if sit.closed:
            return f"Hit {n} is {sit.status.value}."
        return "You already hold this hit." if sit.claimed_by == user_id else None
    if action is HitAction.NOTIFY and sit.closed:
        return None if sit.notification_due else "No notification of the entering agency is due for this hit."
    if sit.claimed_by != user_id:
        who = sit.claimed_by_name
        return f"Hit {n} is claimed by {who}." if sit.claimed_by is not None else f"Claim hit {n} first."
    if action is HitAction.NOTE:
        return None
    if action is HitAction.CORRECT:
        return None if any(s.kind in ACTION_OF_STEP for s in sit.steps) else "There is no step to correct yet."
    if action is HitAction.RELEASE:
        return None if not sit.closed else f"Hit {n} is {sit.status.value}."
    visual = sit.visual
    if action in (HitAction.ACCEPT, HitAction.REJECT):
        if visual is not None:
            return "The visual verification is already recorded: record a correction to change it."
        return None
    if visual is None:
        return "Visually verify the plate first (accept or reject)."
    if visual.kind is StepKind.VISUAL_REJECTED:
        return "This hit was rejected at visual verification: only notes and corrections can be added."
    if sit.closed:
        return f"Hit {n} is closed: only notes, corrections, the agency notification and printing remain."
    return _workflow_refusal(action, sit, now)


def _workflow_refusal(action: HitAction, sit: HitSituation, now: datetime | None) -> str | None:
    live = sit.live
    sent = sum(1 for s in live if s.kind is StepKind.YQ_SENT)
    answered = now is not None and yq_due(sit.steps, now).state == "answered"
    if action is HitAction.YQ:
        if not (sit.yq_applies or sent):
            return "This hit's record type or entering agency takes no YQ."
        if answered:
            return "The entering agency has answered the YQ."
        return "Three YQ requests were sent already: follow state procedure." if sent >= MAX_REQUESTS else None
    if action is HitAction.YR:
        if not sent:
            return "Send a YQ first (F6)."
        return "The entering agency has answered the YQ." if answered else None
    if action is HitAction.RELAY:
        if not sit.entry.instructions:
            return "This entry carries no instructions to relay."
        return "The instructions are already recorded as relayed." if sit.instructions_relayed else None
    if action is HitAction.STOLEN:
        return None if sit.stolen_plate else "The stolen-plate check applies to stolen-plate hits only."
    if action is HitAction.DISPOSITION and sit.stolen_plate and sit.last(StepKind.STOLEN_PLATE_CHECK) is None:
        return "A stolen-plate hit closes only after the vehicle-match check (F9): does the plate come back " \
               "to the vehicle carrying it?"
    if action is HitAction.DISPOSITION and sit.stolen_plate and sit.last(StepKind.UNITS_DISPATCHED) is not None:
        check = sit.last(StepKind.STOLEN_PLATE_CHECK)
        if check is not None and not check.payload.get("units_advised"):
            return "Tell the dispatched units what the stolen plate comes back to, and record it (F9, units advised)."
    if action is HitAction.NOTIFY and sit.outcome is None and sit.last(StepKind.UNITS_DISPATCHED) is None:
        return "Notify the entering agency after the recovery or arrest (record the disposition first)."
    return None


def allowed_actions(sit: HitSituation | None, user_id: int | None, can_handle: bool,
                    now: datetime | None = None) -> frozenset[HitAction]:
    """Every action :func:`refusal` lets through now."""
    if sit is None:
        return frozenset()
    return frozenset(a for a in HitAction if refusal(a, sit, user_id, can_handle, now) is None)


def step_refusal(step: StepInput, sit: HitSituation, correcting: HitStep | None = None) -> str | None:
    """Rules on the content of a step (after :func:`refusal` allowed its action)."""
    if isinstance(step, VisualAccepted) and sit.mismatches:
        if not step.override_reason.strip():
            return ("The panel shows a mismatch (" + "; ".join(sit.mismatches) + "): accept only with an "
                    "override and a typed reason, or reject the hit.")
        return reason_problem(step.override_reason, "The override reason")
    if isinstance(step, UnitsDispatched):
        confirmed = sit.ncic_confirmed
        if not confirmed and not step.exigent_reason.strip():
            if sit.entry_withdrawn:
                return _WITHDRAWN + " Dispatch only under exigent circumstances, with a reason."
            return ("No NCIC query has confirmed the record is still outstanding: record the NCIC result (F5) "
                    "first, or dispatch under exigent circumstances with a reason.")
        if not confirmed:
            problem = reason_problem(step.exigent_reason, "The exigent-circumstances reason")
            if problem:
                return problem
        if sit.entry.instructions and not step.instructions_relayed and not sit.instructions_relayed:
            return f"Relay the list's instructions to the units and say so: \"{sit.entry.instructions}\"."
    if isinstance(step, YrReceived):
        entering = (sit.entry.ori or "").strip().upper()
        answered = step.from_ori.strip().upper()
        if entering and answered and answered != entering:
            return (f"A YR is the entering agency's answer: this record was entered by ORI {entering}, the answer "
                    f"names {answered}. Record {entering}'s answer, or put what {answered} said in a note.")
    if isinstance(step, DispositionStep) and str(step.outcome) in NOTIFY_OUTCOMES:
        exigent = sit.last(StepKind.UNITS_DISPATCHED)
        if not sit.ncic_confirmed and not (exigent and exigent.payload.get("exigent_reason")):
            if sit.entry_withdrawn:
                return _WITHDRAWN + " An arrest or recovery needs a dispatch under exigent circumstances."
            return ("An arrest or recovery is enforcement action: record first that NCIC confirmed the record is "
                    "still outstanding (F5), or the dispatch under exigent circumstances (F8).")
    return None


_WITHDRAWN = ("The local entry this hit matched is no longer in force (withdrawn for review, denied, expired or "
              "changed since the hit): nothing confirms the vehicle is still of interest.")


def step_time_problem(step: StepInput, raised_at: datetime, now: datetime) -> str | None:
    """Times a step carries must fall where they can have happened: after the hit, not in the future."""
    if isinstance(step, YrReceived) and step.confirm_by is not None:
        if step.confirm_by <= now:
            return "The time the entering agency will confirm by must be later than now."
        if step.confirm_by > now + MAX_WILL_CONFIRM:
            return ("The time the entering agency will confirm by must be within 24 hours; otherwise send the next "
                    "YQ when this one is overdue, or follow state procedure.")
    if isinstance(step, UnitsDispatched) and step.at is not None and not raised_at <= step.at <= now:
        return "The dispatch time must lie between the hit and now."
    if isinstance(step, AgencyNotified):
        if step.at > now:
            return "The notification time cannot be in the future."
        if step.at < raised_at:
            return "The notification time cannot be before the hit was raised."
    return None


def notification_age_s(closed_at: datetime | None, now: datetime) -> int | None:
    """How long an entering agency has waited for its notification."""
    return None if closed_at is None else max(0, int((now - closed_at).total_seconds()))


def next_step(sit: HitSituation) -> str:
    """What the dispatcher should do next on this hit (the console's status line)."""
    n = sit.hit_id
    visual = sit.visual
    if visual is None:
        return f"H-{n}: verify the plate against the wanted plate: F3 accept, F4 reject."
    if visual.kind is StepKind.VISUAL_REJECTED:
        return f"H-{n} rejected at visual verification (closed)."
    if sit.closed:
        if sit.notification_due:
            return f"H-{n} closed. Notify the entering agency of the recovery/arrest (F11)."
        return f"H-{n} closed ({sit.outcome or sit.status.value})."
    live = {s.kind for s in sit.live}
    if StepKind.NCIC_QUERY not in live:
        return f"H-{n} visually verified. Next: NCIC query (F5)."
    if sit.yq_applies and StepKind.YQ_SENT not in live:
        return f"H-{n}: confirm with the entering agency: send a YQ (F6)."
    if StepKind.UNITS_DISPATCHED not in live:
        if sit.entry_withdrawn:
            return f"H-{n}: the local entry is no longer in force. Disposition (F10), or dispatch only under " \
                   "exigent circumstances (F8)."
        if sit.ncic_confirmed:
            return f"H-{n} confirmed outstanding. Next: dispatch units (F8)."
        return f"H-{n}: NCIC did not confirm the record. Disposition (F10), or dispatch only under exigent " \
               "circumstances (F8)."
    if sit.stolen_plate and StepKind.STOLEN_PLATE_CHECK not in live:
        return f"H-{n}: stolen-plate check (F9), then the disposition (F10)."
    check = sit.last(StepKind.STOLEN_PLATE_CHECK)
    if sit.stolen_plate and check is not None and not check.payload.get("units_advised"):
        return f"H-{n}: advise the units what the stolen plate comes back to (F9), then the disposition (F10)."
    return f"H-{n}: record the disposition when the units report (F10)."
