"""NCIC confirmation rules: YQ prefill, what is due when, and the confirmation checklist.

Pure functions over the (never edited) step log; the screen calls them with the current time
to show countdowns and prompts (DOMAIN.md "NCIC hit confirmation (Nlets YQ / YR)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.hit_steps import HitStep, Outcome, StepKind, YqPriority, YrAnswer
from app.domain.hits import STOLEN_PLATE_CATEGORIES, EntrySnapshot

ANSWER_WITHIN: dict[YqPriority, timedelta] = {YqPriority.URGENT: timedelta(minutes=10),
                                              YqPriority.ROUTINE: timedelta(hours=1)}
MAX_REQUESTS = 3

#: NCIC record type letter -> YQ request type (RTY).
RTY_BY_RECORD_TYPE: dict[str, str] = {"V": "SV", "R": "SV", "F": "SV", "P": "SL", "W": "WP", "H": "PO",
                                      "M": "MP", "A": "MP"}
RTY_BY_CATEGORY: dict[str, str] = {"stolen_vehicle": "SV", "stolen_canadian_vehicle": "SV", "felony_vehicle": "SV",
                                   "stolen_plate": "SL", "wanted_person": "WP", "protection_order": "PO",
                                   "missing_person": "MP", "amber_alert": "MP"}
#: Request types about a vehicle or plate: only these carry the plate data set (LIC, LIS, LIY, LIT).
VEHICLE_RTY = frozenset({"SV", "SL"})
_LIMITS = {"OCA": 20, "NIC": 10, "LIC": 10, "LIS": 2, "LIY": 4, "LIT": 2, "ORI": 9}


def answer_deadline(sent_at: datetime, priority: YqPriority | str) -> datetime:
    """When an answer to a YQ sent at ``sent_at`` is due (U: 10 minutes, R: 1 hour)."""
    return sent_at + ANSWER_WITHIN[YqPriority(priority)]


def effective(steps: Sequence[HitStep]) -> list[HitStep]:
    """The steps still in force: a step corrected by a later one is superseded (not deleted)."""
    corrected = {s.corrects_step_id for s in steps if s.corrects_step_id}
    return [s for s in sorted(steps, key=lambda s: (s.sequence, s.id)) if s.id not in corrected]


def request_type(entry: EntrySnapshot) -> str | None:
    """YQ request type for the entry, or None when no YQ applies to its record type."""
    if entry.record_type and entry.record_type.upper() in RTY_BY_RECORD_TYPE:
        return RTY_BY_RECORD_TYPE[entry.record_type.upper()]
    return RTY_BY_CATEGORY.get(entry.category)


def needs_yq(entry: EntrySnapshot, agency_ori: str | None) -> bool:
    """A hit on another agency's record is confirmed with that agency by YQ/YR."""
    if not entry.ori or request_type(entry) is None:
        return False
    return not agency_ori or entry.ori.strip().upper() != agency_ori.strip().upper()


@dataclass(frozen=True, slots=True)
class YqRequest:
    """A prefilled YQ: destination ORI and the fields that fit the request type, in order."""

    destination_ori: str
    fields: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        return dict(self.fields).get(name)

    def text(self) -> str:
        """The message body as ``RTY/SV.RNO/1.PRI/U.NIC/...``."""
        return ".".join(f"{k}/{v}" for k, v in self.fields)


def prefill_yq(entry: EntrySnapshot, rno: int = 1, priority: YqPriority | str = YqPriority.URGENT,
               oca: str | None = None) -> YqRequest | None:
    """Prefill a YQ from the hit's entry snapshot; None when the record type takes no YQ.

    Only fields that fit the request type are filled, and only when their value fits the field
    (NIC of 10 characters, LIS of 2, OCA of at most 20 ...).
    """
    rty = request_type(entry)
    if rty is None:
        return None
    values: list[tuple[str, str | None]] = [
        ("RTY", rty), ("RNO", str(rno)), ("PRI", str(YqPriority(priority))),
        ("OCA", oca if oca is not None else entry.case_number), ("NIC", entry.nic),
    ]
    if rty in VEHICLE_RTY:
        values += [("LIC", entry.plate), ("LIS", entry.state), ("LIY", entry.lic_year), ("LIT", entry.lic_type)]
    out: list[tuple[str, str]] = []
    for name, value in values:
        value = (value or "").strip().upper()
        if not value or ("*" in value or "?" in value):
            continue
        if name in _LIMITS and len(value) > _LIMITS[name]:
            continue
        if name == "NIC" and len(value) != 10:
            continue
        out.append((name, value))
    return YqRequest((entry.ori or "").strip().upper(), tuple(out))


_FIELD_NAMES = {"RTY": "request type", "RNO": "request number", "PRI": "priority"}


def yq_fields_problem(fields: Sequence[tuple[str, str]], entry: EntrySnapshot, rno: int,
                      priority: YqPriority | str) -> str | None:
    """Why a YQ as sent would not be the request recorded (None when it fits).

    RTY, RNO and PRI must be those of this request; only the fields of the request type, once each,
    and each value within its field (the same rules as :func:`prefill_yq`).
    """
    rty = request_type(entry)
    allowed = {"RTY", "RNO", "PRI", "OCA", "NIC"} | ({"LIC", "LIS", "LIY", "LIT"} if rty in VEHICLE_RTY else set())
    names = [name for name, _v in fields]
    if len(set(names)) != len(names):
        return "A YQ field may be sent only once."
    values = {name: (value or "").strip().upper() for name, value in fields}
    expected = {"RTY": rty, "RNO": str(rno), "PRI": str(YqPriority(priority))}
    for name, want in expected.items():
        if values.get(name) != want:
            return f"The {_FIELD_NAMES[name]} ({name}) of this YQ is {want}, not {values.get(name) or 'missing'}."
    for name, value in values.items():
        if name not in allowed:
            return f"{name} is not a field of a {rty} request."
        if "*" in value or "?" in value or not value:
            return f"{name} needs a complete value."
        if name in _LIMITS and len(value) > _LIMITS[name]:
            return f"{name} takes at most {_LIMITS[name]} characters."
        if name == "NIC" and len(value) != 10:
            return "NIC is the 10-character NCIC number."
    return None


@dataclass(frozen=True, slots=True)
class YqDue:
    """Where the YQ/YR exchange stands at a given time.

    ``state``: ``none`` (no YQ sent), ``waiting`` (answer not yet due), ``overdue`` (send request
    ``next_rno``), ``exhausted`` (third request unanswered: follow state procedure), ``answered``.
    """

    state: str
    rno: int = 0
    priority: YqPriority | None = None
    deadline: datetime | None = None
    seconds_left: float | None = None
    next_rno: int | None = None
    answer: YrAnswer | None = None
    message: str = ""


def yq_due(steps: Sequence[HitStep], now: datetime) -> YqDue:
    """What is due for the YQ/YR exchange at ``now`` (pure; drives the countdown and prompts)."""
    rno, prio, deadline, answer = 0, None, None, None
    for step in effective(steps):
        p = step.payload
        if step.kind is StepKind.YQ_SENT:
            rno, prio = int(p["rno"]), YqPriority(p["priority"])
            deadline = answer_deadline(step.at, prio)
            answer = None
        elif step.kind is StepKind.YR_RECEIVED and rno:
            answer = YrAnswer(p["answer"])
            if answer is YrAnswer.WILL_CONFIRM:
                deadline = datetime.fromisoformat(p["confirm_by"])
    if not rno:
        return YqDue("none")
    if answer in (YrAnswer.CONFIRMED, YrAnswer.DENIED):
        word = "confirmed" if answer is YrAnswer.CONFIRMED else "denied"
        return YqDue("answered", rno, prio, deadline, None, None, answer, f"The entering agency {word} the record.")
    assert deadline is not None
    left = (deadline - now).total_seconds()
    if left > 0:
        mins, secs = divmod(int(left), 60)
        return YqDue("waiting", rno, prio, deadline, left, None, answer,
                     f"Answer to YQ request {rno} due in {mins}:{secs:02d}.")
    if rno < MAX_REQUESTS:
        ordinal = {2: "second", 3: "third"}[rno + 1]
        return YqDue("overdue", rno, prio, deadline, left, rno + 1, answer,
                     f"No answer to YQ request {rno} by {deadline:%H:%M}: send the {ordinal} request (RNO {rno + 1}).")
    return YqDue("exhausted", rno, prio, deadline, left, None, answer,
                 "No answer after the third YQ request: follow state procedure.")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    applies: bool = True


def checklist(entry: EntrySnapshot, steps: Sequence[HitStep], agency_ori: str | None) -> tuple[ChecklistItem, ...]:
    """The confirmation steps of policy 002 IV.J for this hit and which are done."""
    live = effective(steps)
    last: dict[StepKind, HitStep] = {s.kind: s for s in live}
    visual = max((s for s in live if s.kind in (StepKind.VISUAL_ACCEPTED, StepKind.VISUAL_REJECTED)),
                 key=lambda s: s.sequence, default=None)
    relayed = last.get(StepKind.INSTRUCTIONS_RELAYED)
    dispatched = last.get(StepKind.UNITS_DISPATCHED)
    relayed_ok = bool(relayed and relayed.payload.get("relayed", True)) or bool(
        dispatched and dispatched.payload.get("instructions_relayed"))
    outcome = last[StepKind.DISPOSITION].payload.get("outcome") if StepKind.DISPOSITION in last else None
    notify = outcome in (Outcome.ARREST, Outcome.VEHICLE_RECOVERED, Outcome.PLATE_RECOVERED)
    yq = needs_yq(entry, agency_ori)
    yr = last.get(StepKind.YR_RECEIVED)
    return (
        ChecklistItem("visual", "Visual verification of plate, state and vehicle", visual is not None),
        ChecklistItem("ncic", "NCIC query: still outstanding?", StepKind.NCIC_QUERY in last),
        ChecklistItem("yq", "Hit confirmation with the entering agency (YQ/YR)",
                      yr is not None and yr.payload.get("answer") != YrAnswer.WILL_CONFIRM, applies=yq),
        ChecklistItem("instructions", "Instructions relayed to units", relayed_ok, applies=bool(entry.instructions)),
        ChecklistItem("dispatch", "Units dispatched", StepKind.UNITS_DISPATCHED in last),
        ChecklistItem("stolen_plate", "Stolen plate: same make/model/colour? Units advised",
                      StepKind.STOLEN_PLATE_CHECK in last, applies=entry.category in STOLEN_PLATE_CATEGORIES),
        ChecklistItem("disposition", "Disposition recorded", outcome is not None),
        ChecklistItem("notify", "Entering agency notified of recovery/arrest", StepKind.AGENCY_NOTIFIED in last,
                      applies=notify),
    )
