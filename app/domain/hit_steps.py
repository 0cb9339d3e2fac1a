"""The steps of a hit's confirmation log (policy 002 IV.I-J; DOMAIN.md "The hit workflow").

Each step is timestamped and attributed, and never edited: a correction is a new step that
names the step it corrects. Step inputs are small frozen values validated here; the service
stores them as JSON payloads and rebuilds them with :func:`step_from_payload`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.domain.errors import ValidationFailed


class StepKind(StrEnum):
    CLAIMED = "claimed"
    RELEASED = "released"
    VISUAL_ACCEPTED = "visual_accepted"
    VISUAL_REJECTED = "visual_rejected"
    NCIC_QUERY = "ncic_query"
    YQ_SENT = "yq_sent"
    YR_RECEIVED = "yr_received"
    INSTRUCTIONS_RELAYED = "instructions_relayed"
    UNITS_DISPATCHED = "units_dispatched"
    STOLEN_PLATE_CHECK = "stolen_plate_check"
    DISPOSITION = "disposition"
    AGENCY_NOTIFIED = "agency_notified"
    NOTE = "note"


class RejectReason(StrEnum):
    MISREAD = "misread"
    WRONG_STATE = "wrong_state"
    NOT_A_PLATE = "not_a_plate"
    PARTIAL_READ = "partial_read"
    DUPLICATE = "duplicate"
    OTHER = "other"


class NcicResult(StrEnum):
    OUTSTANDING = "outstanding"  # still wanted / stolen
    CLEARED = "cleared"
    NOT_ON_FILE = "not_on_file"


class YqPriority(StrEnum):
    URGENT = "U"  # answer within 10 minutes
    ROUTINE = "R"  # answer within 1 hour


class YrAnswer(StrEnum):
    CONFIRMED = "confirmed"
    DENIED = "denied"
    WILL_CONFIRM = "will_confirm"  # the entering agency states when it will answer


class SamePlateVehicle(StrEnum):
    """Does the stolen plate come back to the same make/model/colour as the carrying vehicle?"""

    SAME = "same"
    DIFFERENT = "different"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    ARREST = "arrest"
    VEHICLE_RECOVERED = "vehicle_recovered"
    PLATE_RECOVERED = "plate_recovered"
    NOT_LOCATED = "not_located"
    MISREAD = "misread"
    OTHER = "other"


LABELS: dict[str, str] = {
    "misread": "Misread", "wrong_state": "Wrong state", "not_a_plate": "Not a plate", "partial_read": "Partial read",
    "duplicate": "Duplicate", "other": "Other", "outstanding": "Still outstanding", "cleared": "Cleared",
    "not_on_file": "Not on file", "confirmed": "Confirmed", "denied": "Denied", "will_confirm": "Will confirm",
    "same": "Same make/model/colour", "different": "Different vehicle", "unknown": "Could not tell",
    "arrest": "Arrest", "vehicle_recovered": "Vehicle recovered", "plate_recovered": "Plate recovered",
    "not_located": "Not located", "U": "Urgent (10 min)", "R": "Routine (1 h)",
}


def _text(value: str | None, name: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{name} is required.")
    if len(value) > limit:
        raise ValidationFailed(f"{name} is longer than {limit} characters.")
    return value


@dataclass(frozen=True, slots=True)
class VisualAccepted:
    """The captured plate matches the wanted plate (characters, state, vehicle).

    When the panel shows a mismatch (state, colour, look-alike, low read confidence) the
    dispatcher accepts only with an explicit ``override_reason``; ``mismatches`` is filled by the
    service from the hit (never by the caller) and kept in the log and on the hit report.
    """

    note: str = ""
    override_reason: str = ""
    mismatches: tuple[str, ...] = ()
    kind = StepKind.VISUAL_ACCEPTED

    def __post_init__(self) -> None:
        _text(self.override_reason, "The override reason", 500)
        _text(self.note, "The note", 2000)


@dataclass(frozen=True, slots=True)
class VisualRejected:
    reason: RejectReason
    text: str = ""  # required for OTHER
    kind = StepKind.VISUAL_REJECTED

    def __post_init__(self) -> None:
        RejectReason(self.reason)
        _text(self.text, "The reason text", 500, required=self.reason == RejectReason.OTHER)


@dataclass(frozen=True, slots=True)
class NcicQuery:
    result: NcicResult
    note: str = ""
    kind = StepKind.NCIC_QUERY

    def __post_init__(self) -> None:
        NcicResult(self.result)
        _text(self.note, "The note", 2000)


@dataclass(frozen=True, slots=True)
class YqSent:
    """A hit-confirmation request to the entering agency; ``deadline`` is computed by the service."""

    priority: YqPriority
    rno: int
    fields: tuple[tuple[str, str], ...] = ()  # the request as sent (RTY, NIC, ORI ...)
    deadline: datetime | None = None
    kind = StepKind.YQ_SENT

    def __post_init__(self) -> None:
        YqPriority(self.priority)
        if not 1 <= self.rno <= 3:
            raise ValidationFailed("The request number (RNO) must be 1, 2 or 3.")


@dataclass(frozen=True, slots=True)
class YrReceived:
    answer: YrAnswer
    confirm_by: datetime | None = None  # for WILL_CONFIRM
    from_ori: str = ""
    note: str = ""
    kind = StepKind.YR_RECEIVED

    def __post_init__(self) -> None:
        YrAnswer(self.answer)
        if self.answer == YrAnswer.WILL_CONFIRM and self.confirm_by is None:
            raise ValidationFailed("Say by when the entering agency will confirm.")
        _text(self.from_ori, "An ORI", 9)
        _text(self.note, "The note", 2000)


@dataclass(frozen=True, slots=True)
class InstructionsRelayed:
    relayed: bool = True
    note: str = ""
    kind = StepKind.INSTRUCTIONS_RELAYED

    def __post_init__(self) -> None:
        _text(self.note, "The note", 2000)


@dataclass(frozen=True, slots=True)
class UnitsDispatched:
    """Units sent (002 IV.J.2), with the list's instructions relayed to them (J.4).

    Without a confirmed NCIC query the dispatch needs ``exigent_reason`` (002 IV.I.1 "absent
    exigent circumstances"); such a dispatch is flagged in the access record and the usage report.
    """

    units: tuple[str, ...]
    at: datetime | None = None  # defaults to the step time
    instructions_relayed: bool = False
    exigent_reason: str = ""
    kind = StepKind.UNITS_DISPATCHED

    def __post_init__(self) -> None:
        if not [u for u in self.units if u.strip()]:
            raise ValidationFailed("Name at least one unit.")
        for u in self.units:
            _text(u, "A unit id", 32)
        _text(self.exigent_reason, "The exigent-circumstances reason", 500)


@dataclass(frozen=True, slots=True)
class StolenPlateCheck:
    same_vehicle: SamePlateVehicle
    returned_vehicle: str = ""  # what the plate comes back to (year make model colour)
    units_advised: bool = False
    kind = StepKind.STOLEN_PLATE_CHECK

    def __post_init__(self) -> None:
        SamePlateVehicle(self.same_vehicle)
        _text(self.returned_vehicle, "The returned vehicle", 200)


@dataclass(frozen=True, slots=True)
class DispositionStep:
    outcome: Outcome
    text: str = ""
    kind = StepKind.DISPOSITION

    def __post_init__(self) -> None:
        Outcome(self.outcome)
        _text(self.text, "The disposition text", 2000, required=self.outcome == Outcome.OTHER)


@dataclass(frozen=True, slots=True)
class AgencyNotified:
    at: datetime
    method: str  # Nlets message, phone, teletype ...
    contact: str = ""
    kind = StepKind.AGENCY_NOTIFIED

    def __post_init__(self) -> None:
        _text(self.method, "The notification method", 64, required=True)
        _text(self.contact, "The contact", 200)


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    kind = StepKind.NOTE

    def __post_init__(self) -> None:
        _text(self.text, "The note", 4000, required=True)


StepInput = (
    VisualAccepted | VisualRejected | NcicQuery | YqSent | YrReceived | InstructionsRelayed | UnitsDispatched
    | StolenPlateCheck | DispositionStep | AgencyNotified | Note
)
_BY_KIND: dict[StepKind, type] = {
    cls.kind: cls for cls in (VisualAccepted, VisualRejected, NcicQuery, YqSent, YrReceived, InstructionsRelayed,
                              UnitsDispatched, StolenPlateCheck, DispositionStep, AgencyNotified, Note)
}
_DATETIMES = ("deadline", "confirm_by", "at")


def step_payload(step: StepInput) -> dict[str, Any]:
    """JSON-ready payload of a step input."""
    out: dict[str, Any] = {}
    for name in step.__slots__:  # type: ignore[union-attr]
        value = getattr(step, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        elif isinstance(value, StrEnum):
            value = str(value)
        out[name] = value
    return out


def step_from_payload(kind: StepKind | str, payload: dict[str, Any] | None) -> StepInput | None:
    """Rebuild the typed step input (None for claim/release, which carry no input)."""
    cls = _BY_KIND.get(StepKind(kind))
    if cls is None:
        return None
    values = dict(payload or {})
    for key in _DATETIMES:
        if isinstance(values.get(key), str):
            values[key] = datetime.fromisoformat(values[key])
    if "units" in values:
        values["units"] = tuple(values["units"])
    if "mismatches" in values:
        values["mismatches"] = tuple(values["mismatches"])
    if "fields" in values:
        values["fields"] = tuple(tuple(f) for f in values["fields"])
    return cls(**values)


@dataclass(frozen=True, slots=True)
class HitStep:
    """One stored step: who, when, what; ``corrects_step_id`` when it corrects an earlier one."""

    id: int
    hit_id: int
    kind: StepKind
    payload: dict[str, Any]
    user_id: int
    username: str
    at: datetime
    sequence: int
    note: str | None = None
    corrects_step_id: int | None = None

    @property
    def value(self) -> StepInput | None:
        return step_from_payload(self.kind, self.payload)

    def describe(self) -> str:
        """One line for the log view and the printed report."""
        p = self.payload
        text = {
            StepKind.CLAIMED: "Claimed",
            StepKind.RELEASED: "Released the hit",
            StepKind.VISUAL_ACCEPTED: (f"Visually verified WITH OVERRIDE ({'; '.join(p.get('mismatches') or [])}):"
                                       f" {p['override_reason']}") if p.get("override_reason")
            else "Visually verified: plate matches",
            StepKind.VISUAL_REJECTED: f"Rejected: {LABELS.get(p.get('reason', ''), p.get('reason'))}"
            + (f" ({p['text']})" if p.get("text") else ""),
            StepKind.NCIC_QUERY: f"NCIC query: {LABELS.get(p.get('result', ''), p.get('result'))}",
            StepKind.YQ_SENT: f"YQ sent, RNO {p.get('rno')}, priority {p.get('priority')}"
            + (f", answer due {p['deadline'][11:16]}" if p.get("deadline") else ""),
            StepKind.YR_RECEIVED: f"YR received: {LABELS.get(p.get('answer', ''), p.get('answer'))}"
            + (f" by {p['confirm_by'][11:16]}" if p.get("confirm_by") else ""),
            StepKind.INSTRUCTIONS_RELAYED: "Instructions relayed to units" if p.get("relayed", True)
            else "Instructions not relayed",
            StepKind.UNITS_DISPATCHED: f"Units dispatched: {', '.join(p.get('units', []))}"
            + ("; instructions relayed" if p.get("instructions_relayed") else "")
            + (f"; EXIGENT OVERRIDE without NCIC confirmation: {p['exigent_reason']}"
               if p.get("exigent_reason") else ""),
            StepKind.STOLEN_PLATE_CHECK: f"Stolen plate check: {LABELS.get(p.get('same_vehicle', ''), '')}"
            + (f"; comes back to {p['returned_vehicle']}" if p.get("returned_vehicle") else "")
            + ("; units advised" if p.get("units_advised") else ""),
            StepKind.DISPOSITION: f"Disposition: {LABELS.get(p.get('outcome', ''), p.get('outcome'))}"
            + (f" ({p['text']})" if p.get("text") else ""),
            StepKind.AGENCY_NOTIFIED: f"Entering agency notified by {p.get('method', '')}"
            + (f" ({p['contact']})" if p.get("contact") else ""),
            StepKind.NOTE: p.get("text", ""),
        }[self.kind]
        return f"Correction of step {self.corrects_step_id}: {text}" if self.corrects_step_id else text
