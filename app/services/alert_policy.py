"""Alert policy: which chime to play and what to speak for each hit (pure, Qt-free, clock injected).

Rules (policy 002 IV.J.1: "All hits received will sound an alert in the communications center"):

- Every hit plays the chime of its priority band, whatever else happens: muting, speech settings
  and de-duplication only ever affect *speech*. Chimes are short (< 1 s), so a repeated plate is
  still heard as a cue without flooding.
- Speech announces hit type, camera/location, plate in phonetics and state.
- De-duplication: a plate already announced within ``dedupe_window_min`` is not spoken again
  (the window runs from the last *spoken* announcement). Exceptions: a more urgent hit on the
  same plate (a different, higher-priority hot-list entry) is spoken, and a top-priority hit from
  a *different camera* is spoken, because a new location of an Amber/wanted vehicle is news.
- Top priorities (``priority <= top_priority_max``, default 2) repeat chime + a reminder
  announcement every ``repeat_interval_s`` until acknowledged. Several unacknowledged hits on
  the same plate are reminded once per interval, not once each.
- Mute silences speech of non-top priorities and expires by itself (at most ``max_mute_min``):
  it never silences top priorities and never silences chimes.

The caller feeds hits with `AlertPolicy.on_hit`, acknowledgements with `AlertPolicy.acknowledge`,
and calls `AlertPolicy.tick` when `AlertPolicy.seconds_until_due` says a reminder is due (a
single-shot QTimer in the worker layer), then hands the actions to `app.domain.alerts.perform`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from app.domain.alerts import (
    AlertAction,
    HitAlert,
    PlayChime,
    Speak,
    SpeechSuppressed,
    SuppressReason,
    band_for_priority,
)
from app.domain.phonetics import PhoneticAlphabet, build_announcement, normalise_plate

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
"""Monotonic seconds (``time.monotonic`` in production, a fake in tests)."""


class AlertPolicyConfig(BaseModel):
    """Sound and speech settings of the hit alert."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Sounds and speech")

    speech_enabled: bool = Field(
        True, title="Spoken alerts", description="Announce hits by speech (chimes always play)."
    )
    alphabet: PhoneticAlphabet = Field(
        PhoneticAlphabet.APCO,
        title="Phonetic alphabet",
        description="Alphabet used to spell plates: APCO (Adam, Boy, Charles) or NATO (Alfa, Bravo).",
    )
    top_priority_max: int = Field(
        2,
        ge=1,
        le=9,
        title="Top priorities up to",
        description="Hits with this priority or more urgent repeat until acknowledged and are never muted.",
    )
    repeat_interval_s: float = Field(
        30.0,
        ge=5.0,
        le=600.0,
        title="Repeat every (s)",
        description="Interval between reminders of an unacknowledged top-priority hit.",
    )
    dedupe_window_min: float = Field(
        5.0,
        ge=0.0,
        le=120.0,
        title="Do not re-announce a plate within (min)",
        description="A plate announced this recently is not spoken again (0 disables de-duplication).",
    )
    speak_priority_max: int = Field(
        9,
        ge=1,
        le=9,
        title="Speak priorities up to",
        description="Less urgent hits only chime. Top priorities are always spoken.",
    )
    max_mute_min: float = Field(
        30.0,
        ge=1.0,
        le=240.0,
        title="Longest mute (min)",
        description="A mute ends by itself after this long, so speech is never left off by mistake.",
    )


@dataclass(slots=True)
class _Pending:
    hit: HitAlert
    due: float


@dataclass(frozen=True, slots=True)
class _Announced:
    at: float
    priority: int
    camera: str


class AlertPolicy:
    """Stateful decision maker for audible hit alerts; not thread-safe (use from one thread).

    Args:
        config: sound and speech settings; replace later with `AlertPolicy.config`.
        clock: monotonic seconds; inject a fake in tests.

    """

    def __init__(self, config: AlertPolicyConfig | None = None, clock: Clock = time.monotonic) -> None:
        self._config = config or AlertPolicyConfig()
        self._clock = clock
        self._pending: dict[str, _Pending] = {}
        self._announced: dict[str, _Announced] = {}
        self._muted_until: float | None = None

    @property
    def config(self) -> AlertPolicyConfig:
        """The current settings."""
        return self._config

    @config.setter
    def config(self, config: AlertPolicyConfig) -> None:
        self._config = config
        for hit_id in [h for h, p in self._pending.items() if not self._is_top(p.hit.priority)]:
            del self._pending[hit_id]

    # -- hits ---------------------------------------------------------------------------------

    def on_hit(self, hit: HitAlert) -> tuple[AlertAction, ...]:
        """Decide the chime and speech for a new hit.

        Args:
            hit: the hit to announce.

        Returns:
            Always a `PlayChime`; then either a `Speak` or a `SpeechSuppressed` with the reason.

        """
        now = self._clock()
        self._forget_old_announcements(now)
        actions: list[AlertAction] = [PlayChime(hit.hit_id, band_for_priority(hit.priority))]
        top = self._is_top(hit.priority)
        reason = self._speech_block(hit, now, top)
        if reason is None:
            actions.append(Speak(hit.hit_id, self._text(hit, reminder=False), hit.priority))
            self._announced[normalise_plate(hit.plate)] = _Announced(now, hit.priority, hit.camera)
        else:
            actions.append(SpeechSuppressed(hit.hit_id, reason))
            logger.debug("speech for hit %s suppressed: %s", hit.hit_id, reason)
        if top:
            self._pending[hit.hit_id] = _Pending(hit, self._due_for(hit, now))
        return tuple(actions)

    def acknowledge(self, hit_id: str) -> bool:
        """Stop reminders for a hit (claimed, verified or closed by any dispatcher).

        Args:
            hit_id: the acknowledged hit.

        Returns:
            True if the hit was waiting for acknowledgement.

        """
        return self._pending.pop(hit_id, None) is not None

    @property
    def unacknowledged(self) -> tuple[str, ...]:
        """Ids of top-priority hits that are still being reminded."""
        return tuple(self._pending)

    # -- reminders ----------------------------------------------------------------------------

    def seconds_until_due(self) -> float | None:
        """Seconds until the next reminder is due (0 if overdue), ``None`` if nothing waits."""
        if not self._pending:
            return None
        return max(0.0, min(p.due for p in self._pending.values()) - self._clock())

    def tick(self) -> tuple[AlertAction, ...]:
        """Reminders that are due now: chime + reminder announcement, once per plate.

        Returns:
            The actions to play (empty when nothing is due).

        """
        now = self._clock()
        due = sorted(
            (p for p in self._pending.values() if p.due <= now),
            key=lambda p: (p.hit.priority, p.due),
        )
        actions: list[AlertAction] = []
        reminded: set[str] = set()
        for pending in due:
            pending.due = now + self._config.repeat_interval_s
            key = normalise_plate(pending.hit.plate)
            if key in reminded:
                continue
            reminded.add(key)
            hit = pending.hit
            actions.append(PlayChime(hit.hit_id, band_for_priority(hit.priority), repeat=True))
            if self._config.speech_enabled:
                actions.append(Speak(hit.hit_id, self._text(hit, reminder=True), hit.priority, repeat=True))
            else:
                actions.append(SpeechSuppressed(hit.hit_id, SuppressReason.DISABLED))
        return tuple(actions)

    # -- mute ---------------------------------------------------------------------------------

    def mute(self, minutes: float | None = None) -> float:
        """Mute speech of non-top priorities for ``minutes`` (capped at ``max_mute_min``).

        Args:
            minutes: how long; ``None`` means the longest allowed mute.

        Returns:
            The number of seconds the mute will last.

        """
        longest = self._config.max_mute_min
        seconds = 60.0 * (longest if minutes is None else max(0.0, min(minutes, longest)))
        self._muted_until = self._clock() + seconds
        return seconds

    def unmute(self) -> None:
        """End the mute now."""
        self._muted_until = None

    @property
    def muted(self) -> bool:
        """Whether the mute is on (it ends by itself)."""
        return self.mute_remaining_s() > 0.0

    def mute_remaining_s(self) -> float:
        """Seconds left of the mute, 0 when not muted."""
        if self._muted_until is None:
            return 0.0
        return max(0.0, self._muted_until - self._clock())

    # -- internals ----------------------------------------------------------------------------

    def _is_top(self, priority: int) -> bool:
        return priority <= self._config.top_priority_max

    def _speech_block(self, hit: HitAlert, now: float, top: bool) -> SuppressReason | None:
        cfg = self._config
        if not cfg.speech_enabled:
            return SuppressReason.DISABLED
        if not top and hit.priority > cfg.speak_priority_max:
            return SuppressReason.BELOW_THRESHOLD
        if not top and self.muted:
            return SuppressReason.MUTED
        last = self._announced.get(normalise_plate(hit.plate))
        if last is None or now - last.at >= cfg.dedupe_window_min * 60.0:
            return None
        if hit.priority < last.priority:
            return None  # escalation: a more urgent entry for the same plate
        if top and hit.camera != last.camera:
            return None  # a top-priority vehicle seen at a new place
        return SuppressReason.DUPLICATE

    def _due_for(self, hit: HitAlert, now: float) -> float:
        # Align with a reminder already scheduled for the same plate, so the two coalesce.
        key = normalise_plate(hit.plate)
        for pending in self._pending.values():
            if normalise_plate(pending.hit.plate) == key:
                return pending.due
        return now + self._config.repeat_interval_s

    def _forget_old_announcements(self, now: float) -> None:
        window = self._config.dedupe_window_min * 60.0
        for key in [k for k, a in self._announced.items() if now - a.at >= window]:
            del self._announced[key]

    def _text(self, hit: HitAlert, *, reminder: bool) -> str:
        return build_announcement(
            hit_type=hit.hit_type,
            camera=hit.camera,
            location=hit.location,
            plate=hit.plate,
            state=hit.state,
            alphabet=self._config.alphabet,
            reminder=reminder,
        )
