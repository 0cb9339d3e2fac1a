"""Value types and seams of the audible hit alert: what the alert policy decides, who plays it.

The alert policy (app.services.alert_policy) turns a `HitAlert` into `AlertAction` values; the
workers behind the `Speaker` and `ChimeSink` protocols play them. Plain Python, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

PRIORITY_MIN = 1
PRIORITY_MAX = 9


class ChimeBand(StrEnum):
    """One chime sound per band; the value is the WAV's stem in resources/sounds (chime_<value>)."""

    URGENT = "urgent"  # priorities 1-2
    HIGH = "high"  # 3-5
    NORMAL = "normal"  # 6-7
    LOW = "low"  # 8-9


def band_for_priority(priority: int) -> ChimeBand:
    """1-2 urgent, 3-5 high, 6-7 normal, 8-9 low."""
    _check_priority(priority)
    if priority <= 2:
        return ChimeBand.URGENT
    if priority <= 5:
        return ChimeBand.HIGH
    if priority <= 7:
        return ChimeBand.NORMAL
    return ChimeBand.LOW


def _check_priority(priority: int) -> None:
    if not PRIORITY_MIN <= priority <= PRIORITY_MAX:
        raise ValueError(f"priority must be {PRIORITY_MIN}..{PRIORITY_MAX}, got {priority}")


@dataclass(frozen=True, slots=True)
class HitAlert:
    """What the alert policy needs to know about one hit (built from the stored hit).

    Attributes:
        hit_id: the hit's identity; acknowledgement and repeats refer to it.
        plate: plate text as listed/read (normalised for speech and de-duplication).
        state: NCIC state code of the hot-list entry (``None`` if unknown).
        priority: 1 (most urgent) .. 9.
        hit_type: spoken label of the hit type, e.g. "Stolen vehicle", "Amber alert".
        camera: camera name; location: where it is ("Main St at 5th, northbound").
    """

    hit_id: str
    plate: str
    state: str | None
    priority: int
    hit_type: str
    camera: str
    location: str = ""

    def __post_init__(self) -> None:
        _check_priority(self.priority)


class SuppressReason(StrEnum):
    DUPLICATE = "duplicate"  # same plate announced within the de-duplication window
    MUTED = "muted"  # the dispatcher's mute (never applies to top priorities)
    DISABLED = "disabled"  # speech switched off in the settings
    BELOW_THRESHOLD = "below_threshold"  # priority is beyond the "speak up to" setting


@dataclass(frozen=True, slots=True)
class PlayChime:
    hit_id: str
    band: ChimeBand
    repeat: bool = False


@dataclass(frozen=True, slots=True)
class Speak:
    hit_id: str
    text: str
    priority: int
    repeat: bool = False


@dataclass(frozen=True, slots=True)
class SpeechSuppressed:
    """Not played; tells the log and the UI why this hit was not spoken."""

    hit_id: str
    reason: SuppressReason


AlertAction = PlayChime | Speak | SpeechSuppressed


@runtime_checkable
class Speaker(Protocol):
    """Speaks text; lower priority numbers go first. Must return at once (never block the GUI)."""

    def speak(self, text: str, priority: int) -> None: ...


@runtime_checkable
class ChimeSink(Protocol):
    """Plays the chime of a band. Must return at once."""

    def play(self, band: ChimeBand) -> None: ...


@dataclass(slots=True)
class FakeSpeaker:
    """Records utterances instead of speaking them (tests, demos without audio)."""

    utterances: list[tuple[str, int]] = field(default_factory=list)

    def speak(self, text: str, priority: int) -> None:
        self.utterances.append((text, priority))

    @property
    def texts(self) -> list[str]:
        return [text for text, _ in self.utterances]


@dataclass(slots=True)
class FakeChimeSink:
    """Records chime bands instead of playing them."""

    played: list[ChimeBand] = field(default_factory=list)

    def play(self, band: ChimeBand) -> None:
        self.played.append(band)


def perform(actions: tuple[AlertAction, ...], speaker: Speaker, chimes: ChimeSink) -> None:
    """Hand the policy's actions to the players (chimes first: they are the faster cue)."""
    for action in actions:
        if isinstance(action, PlayChime):
            chimes.play(action.band)
    for action in actions:
        if isinstance(action, Speak):
            speaker.speak(action.text, action.priority)


@dataclass(frozen=True, slots=True)
class AudioStatus:
    """Whether chimes and speech can be heard on this workstation, with reasons when not.

    An empty problem string means the check passed. ``checked`` is False until the first check.
    """

    speech_problem: str = ""
    chime_problem: str = ""
    checked: bool = False

    @property
    def speech_ok(self) -> bool:
        return self.checked and not self.speech_problem

    @property
    def chime_ok(self) -> bool:
        return self.checked and not self.chime_problem

    @property
    def ok(self) -> bool:
        return self.speech_ok and self.chime_ok

    @property
    def message(self) -> str:
        """One line for a warning banner; empty when all is well."""
        if not self.checked:
            return "Checking audio output..."
        problems = []
        if self.chime_problem:
            problems.append(f"Alert chimes will not be heard: {self.chime_problem}")
        if self.speech_problem:
            problems.append(f"Spoken alerts will not be heard: {self.speech_problem}")
        return " | ".join(problems)
