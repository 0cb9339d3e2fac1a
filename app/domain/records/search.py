"""Detection browsing: the stated reason (policies 000 433.4(g)(h), 002 IV.P.4/IV.Q.1) and criteria."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.errors import ValidationFailed
from app.domain.records.plates import PlatePattern, parse_plate_pattern
from app.domain.substance import reason_problem

DEFAULT_PURPOSES: tuple[str, ...] = (
    "Criminal investigation",
    "Missing or endangered person",
    "Stolen vehicle or plate",
    "Wanted person / warrant",
    "Crime scene canvass",
    "Request from an outside agency",
    "Civil or administrative action of the department",
)
DEFAULT_REASON_MIN_LENGTH = 20
DEFAULT_REASON_MIN_WORDS = 4
#: Purposes that are made on behalf of an outside agency (its fields are then required).
OUTSIDE_MARKER = "outside agency"
#: The agency's case/CFS number format (shared setting ``search.case_pattern``): the default takes
#: 5-20 letters, digits and dashes with at least three digits in a row (``2026-001234``, ``CFS26-01234``).
DEFAULT_CASE_PATTERN = r"(?=.*\d{3})[A-Z0-9][A-Z0-9-]{4,19}"
DEFAULT_CASE_EXAMPLE = "2026-001234"


def case_number_problem(case: str, pattern: str, example: str = DEFAULT_CASE_EXAMPLE) -> str | None:
    """Why ``case`` is not a case/CFS number of this agency's format (None when it is)."""
    value = case.strip().upper()
    try:
        ok = re.fullmatch(pattern, value, flags=re.IGNORECASE) is not None
    except re.error:  # a broken setting must not let every case number through
        ok = re.fullmatch(DEFAULT_CASE_PATTERN, value, flags=re.IGNORECASE) is not None
    if not ok:
        return f"'{case.strip()}' is not a case/CFS number of this agency (e.g. {example})."
    if is_placeholder_number(value):
        return f"'{case.strip()}' is a placeholder, not a case/CFS number (e.g. {example})."
    return None


_RUNS = "01234567890123456789"


def is_placeholder_number(value: str) -> bool:
    """True for digits typed to get past a number field: one character repeated, a run such as 12345 or 98765.

    Separators are ignored, and so is a leading year (``2026-000000`` is the year and zeros).
    """
    squeezed = re.sub(r"[^A-Z0-9]", "", value.upper())
    if not squeezed:
        return True
    tails = [squeezed]
    if re.match(r"(?:19|20)\d\d", squeezed) and len(squeezed) > 4:
        tails.append(squeezed[4:])
    return any(len(set(t)) == 1 or (t.isdigit() and len(t) >= 4 and (t in _RUNS or t in _RUNS[::-1]))
               for t in tails)


#: What people type to get past a case-number field: no agency's format may accept these.
PLACEHOLDER_CASE_NUMBERS: tuple[str, ...] = ("X", "XX", "XXX", "0", "00", "000", "123", "NA", "N/A", "NONE",
                                             "NULL", "TBD", "TEST", "UNK", "UNKNOWN", "PENDING", "-")
MAX_CASE_PATTERN_LENGTH = 200


def case_pattern_problems(pattern: str, example: str) -> list[str]:
    """Why ``pattern`` cannot be the agency's case/CFS number format with ``example`` (empty: it can).

    The pattern is a regular expression matched against the whole case number, ignoring case. It
    must accept its example (shown to every user who types a case number) and refuse every
    placeholder of :data:`PLACEHOLDER_CASE_NUMBERS`, else a junk case number passes every search.
    """
    if not pattern.strip():
        return ["Enter the case number pattern (a regular expression)."]
    if len(pattern) > MAX_CASE_PATTERN_LENGTH:
        return [f"The case number pattern is {len(pattern)} characters long; keep it to "
                f"{MAX_CASE_PATTERN_LENGTH} characters."]
    try:
        compiled = re.compile(pattern, flags=re.IGNORECASE)
    except re.error as exc:
        return [f"The case number pattern is not a valid regular expression: {exc}."]
    problems = []
    if not example.strip():
        problems.append("Enter an example case number (it is shown to users who type one).")
    elif compiled.fullmatch(example.strip().upper()) is None:
        problems.append(f"The case number pattern does not accept its own example '{example.strip()}'.")
    let_through = [junk for junk in ("", *PLACEHOLDER_CASE_NUMBERS) if compiled.fullmatch(junk)]
    if let_through:
        shown = ", ".join(f"'{j}'" for j in let_through[:5])
        problems.append(f"The case number pattern accepts a placeholder ({shown}): make it require the "
                        "agency's real format.")
    return problems


def purpose_problems(purposes: tuple[str, ...]) -> list[str]:
    """Why ``purposes`` cannot be the list a search's purpose is chosen from (empty: they can).

    A search states its purpose by picking one: an empty or one-letter entry would let it state none.
    """
    bad = [p for p in purposes if reason_problem(p, min_words=1)]
    if bad:
        shown = ", ".join(f"'{p}'" for p in bad[:5])
        return [f"Every purpose must say what the search is for (at least one word): remove {shown}."]
    return []


@dataclass(frozen=True, slots=True)
class ReasonRules:
    """Configurable rules (shared settings ``search.purposes``, ``search.reason_min_length``,
    ``search.case_pattern`` and ``search.case_example``)."""

    purposes: tuple[str, ...] = DEFAULT_PURPOSES
    min_reason_length: int = DEFAULT_REASON_MIN_LENGTH
    case_pattern: str = DEFAULT_CASE_PATTERN
    case_example: str = DEFAULT_CASE_EXAMPLE
    min_reason_words: int = DEFAULT_REASON_MIN_WORDS


@dataclass(frozen=True, slots=True)
class SearchReason:
    """Why a search is made. A case/CFS number, or else a detailed reason, is required."""

    purpose: str = ""
    reason: str = ""
    case_number: str = ""
    outside_agency: str = ""
    outside_requester: str = ""
    request_reference: str = ""

    @property
    def on_behalf_of_outside_agency(self) -> bool:
        return bool(self.outside_agency.strip() or self.outside_requester.strip()
                    or self.request_reference.strip())

    def problems(self, rules: ReasonRules, outside: bool | None = None) -> list[str]:
        """What is missing; an empty list means the search may run."""
        out: list[str] = []
        if self.purpose not in rules.purposes:
            out.append("Choose the purpose of the search from the list.")
        case = self.case_number.strip()
        reason = " ".join(self.reason.split())
        if case:
            problem = case_number_problem(case, rules.case_pattern, rules.case_example)
            if problem:
                out.append(problem)
        elif len(reason) < rules.min_reason_length:
            out.append(
                "Enter the case/CFS number, or a detailed reason of at least "
                f"{rules.min_reason_length} characters when no case number has been issued.")
        else:
            problem = reason_problem(reason, "The reason", rules.min_reason_words)
            if problem:
                out.append(problem)
        if reason and case:
            problem = reason_problem(reason, "The reason", 1)
            if problem:
                out.append(problem)
        outside_purpose = OUTSIDE_MARKER in self.purpose.lower()
        # any on-behalf field makes it an outside search (000 433.4(h)), whatever the caller's flag says
        if outside_purpose or outside or self.on_behalf_of_outside_agency:
            if reason_problem(self.outside_agency, min_words=1):
                out.append("Enter the name of the outside agency the search is made for.")
            if reason_problem(self.outside_requester, min_words=1):
                out.append("Enter the person at the outside agency who requested the search.")
            if len(set(re.sub(r"\W", "", self.request_reference.upper()))) < 3:
                out.append("Enter the reference of the written request from the outside agency.")
        return out


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """What to look for. ``plate`` is None when searching by time/camera only."""

    plate: PlatePattern | None = None
    start: datetime | None = None
    end: datetime | None = None
    camera_ids: tuple[int, ...] = ()
    colour: str | None = None
    state: str | None = None
    #: reads captured before this are past their retention: only held reads and reads of hits are found
    #: (set by the search service from the retention periods, not by the person searching)
    retained_from: datetime | None = None

    def describe(self) -> str:
        """One line for the access record (the query terms)."""
        parts = []
        if self.plate:
            parts.append(f"plate={self.plate.text}" + (" (look-alikes)" if self.plate.folded else ""))
        if self.start:
            parts.append(f"from={self.start.isoformat(timespec='minutes')}")
        if self.end:
            parts.append(f"to={self.end.isoformat(timespec='minutes')}")
        if self.camera_ids:
            parts.append("cameras=" + ",".join(map(str, self.camera_ids)))
        if self.colour:
            parts.append(f"colour={self.colour}")
        if self.state:
            parts.append(f"state={self.state}")
        return " ".join(parts) or "(all reads)"

    @classmethod
    def from_json(cls, terms: dict) -> SearchCriteria:
        """The criteria exactly as an inquiry recorded them (paging and images run these, nothing else)."""
        plate = None
        text = terms.get("plate")
        if text:
            cut = min((i for i, c in enumerate(text) if c in "*?"), default=len(text))
            plate = PlatePattern(text=text, prefix=text[:cut], exact=cut == len(text),
                                 folded=bool(terms.get("lookalikes")))
        return cls(plate=plate, start=datetime.fromisoformat(terms["start"]) if terms.get("start") else None,
                   end=datetime.fromisoformat(terms["end"]) if terms.get("end") else None,
                   camera_ids=tuple(int(i) for i in terms.get("camera_ids") or ()),
                   colour=terms.get("colour"), state=terms.get("state"),
                   retained_from=datetime.fromisoformat(terms["retained_from"]) if terms.get("retained_from")
                   else None)

    def as_json(self) -> dict:
        return {
            "plate": self.plate.text if self.plate else None,
            "lookalikes": bool(self.plate and self.plate.folded),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "camera_ids": list(self.camera_ids),
            "colour": self.colour,
            "state": self.state,
            "retained_from": self.retained_from.isoformat() if self.retained_from else None,
        }


@dataclass(frozen=True, slots=True)
class ReadSummary:
    """One read as listed in search results (no image bytes; thumbnails are fetched on demand)."""

    id: int
    captured_at: datetime
    plate: str
    state: str | None
    colour: str | None
    confidence: float
    camera_id: int
    camera_name: str
    plate_sha256: str | None = None
    overview_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results of a recorded inquiry."""

    inquiry_id: int
    total: int
    page: int
    page_size: int
    reads: tuple[ReadSummary, ...] = field(default=())

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True, slots=True)
class Inquiry:
    """A stored detection browsing inquiry."""

    id: int
    user_id: int
    username: str
    at: datetime
    purpose: str
    reason: str
    case_number: str | None
    outside_agency: str | None
    outside_requester: str | None
    request_reference: str | None
    terms: dict
    result_count: int


def criteria_problems(c: SearchCriteria) -> list[str]:
    """Bad criteria the person must fix: a reversed time range, a plate pattern the form would refuse.

    The pattern is checked again here because a caller may build a ``PlatePattern`` without
    :func:`parse_plate_pattern` (only wildcards, or characters other than A-Z 0-9 * ?).
    """
    out: list[str] = []
    if c.plate is not None:
        try:
            parse_plate_pattern(c.plate.text)
        except ValidationFailed as exc:
            out.extend(exc.problems)
    if c.start is not None and c.end is not None and c.end < c.start:
        out.append("The end of the time range is before its start; swap the two dates.")
    return out
