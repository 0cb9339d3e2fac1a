"""Audible hit alerts wired to the console: alert policy + chime player + speech thread + audio check.

``HitAlertsBridge.announce(hit)`` plays the chime of the hit's priority band and (policy
permitting) speaks it; unacknowledged top priorities are repeated from a single-shot timer until
``acknowledge``. The dispatcher's mute never mutes top priorities or chimes (AlertPolicy rules).

Never a silent failure: when the audio check reports no device or no speech engine, the warning
is kept on the window banner (``AppSignals.banner``) even when other warnings come and go, and
``audio_status`` is re-emitted for the console's own indicator.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.alerts import AudioStatus, ChimeSink, HitAlert, PlayChime, Speaker, band_for_priority, perform
from app.domain.hit_grouping import SightingAttention
from app.domain.hits import HitSummary
from app.domain.phonetics import PhoneticAlphabet
from app.services.alert_policy import AlertPolicy, AlertPolicyConfig
from app.services.hit_queries import category_label
from app.settings.model import AlertSettings
from app.workers.signals import AppSignals

logger = logging.getLogger(__name__)


def policy_config(settings: AlertSettings) -> AlertPolicyConfig:
    """The alert policy's config from the workstation's alert settings."""
    return AlertPolicyConfig(
        speech_enabled=settings.speech_enabled,
        alphabet=PhoneticAlphabet.NATO if settings.phonetic_alphabet == "nato" else PhoneticAlphabet.APCO,
        repeat_interval_s=float(settings.repeat_top_priority_s),
        dedupe_window_min=float(min(120, settings.dedupe_minutes)),
    )


def hit_alert(hit: HitSummary) -> HitAlert:
    """What the alert policy needs from a queue row (the wanted plate, unless it has wildcards)."""
    listed = hit.plate_listed
    plate = hit.plate_read if any(c in listed for c in "*?") else listed
    return HitAlert(hit_id=str(hit.id), plate=plate, state=hit.state_listed or hit.state_read,
                    priority=min(9, max(1, hit.priority)), hit_type=category_label(hit.category),
                    camera=hit.camera_name, location=hit.camera_location)


class BannerKeeper(QObject):
    """Keeps one warning of ours on the shared banner while other senders set and clear theirs."""

    def __init__(self, signals: AppSignals) -> None:
        super().__init__()
        self._signals = signals
        self._ours = ""
        self._theirs = ""
        self._emitting = False
        self._pending = False
        self._closed = False
        signals.banner.connect(self._on_banner)

    def set(self, text: str) -> None:
        self._ours = text
        self._emit()

    def close(self) -> None:
        """At sign-out: take our warning off the banner and stop following it (a later session has its own)."""
        if self._closed:
            return
        self._closed = True
        self._signals.banner.disconnect(self._on_banner)
        if self._ours:
            self._ours = ""
            self._emit()

    def _on_banner(self, text: str) -> None:
        if self._emitting:
            return
        self._theirs = text
        if self._ours and self._ours not in text and not self._pending:
            # after every receiver of this emission has run, or the window would keep theirs alone
            self._pending = True
            QTimer.singleShot(0, self._emit)

    def _emit(self) -> None:
        self._pending = False
        self._emitting = True
        # each warning once: theirs may already carry ours (or a copy from an earlier sender)
        theirs = self._theirs.replace(self._ours, "") if self._ours else self._theirs
        parts = [p.strip() for p in theirs.split(" | ") if p.strip()]
        text = " | ".join(dict.fromkeys([*parts, *([self._ours] if self._ours else [])]))
        try:
            self._signals.banner.emit(text)
        finally:
            self._emitting = False


class HitAlertsBridge(QObject):
    """Announces hits; create in the GUI thread. Tests pass FakeSpeaker / FakeChimeSink."""

    audio_status = Signal(object)  # AudioStatus
    mute_changed = Signal(float)  # seconds of mute left (0: not muted)
    chimed = Signal(str)  # hit id whose chime was started (latency measurement, indicators)

    def __init__(self, signals: AppSignals, config: AlertPolicyConfig, speaker: Speaker, chimes: ChimeSink,
                 clock: Callable[[], float] = time.monotonic, audio_check: QObject | None = None) -> None:
        super().__init__()
        self.policy = AlertPolicy(config, clock=clock)
        self.speaker = speaker
        self.chimes = chimes
        self.banner = BannerKeeper(signals)
        self.status = AudioStatus()
        self._owned: list[QObject] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._mute_timer = QTimer(self)
        self._mute_timer.setSingleShot(True)
        self._mute_timer.timeout.connect(self._mute_over)
        if audio_check is not None:
            audio_check.status_changed.connect(self.on_audio_status)  # type: ignore[attr-defined]

    # ---- hits ---------------------------------------------------------------------------------
    def announce(self, hit: HitSummary) -> None:
        self._play(self.policy.on_hit(hit_alert(hit)))

    def announce_sighting(self, hit: HitSummary, attention: SightingAttention) -> None:
        """A new sighting of an open hit (app.domain.hit_grouping.sighting_attention decides how loud)."""
        if not attention.chime:
            return
        if not attention.speak:
            self._play((PlayChime(str(hit.id), band_for_priority(min(9, max(1, hit.priority)))),))
            return
        actions = self.policy.on_hit(hit_alert(hit))  # speech de-duplication of the alert policy applies
        if not attention.remind:  # someone holds it: raised again once, not reminded
            self.policy.acknowledge(str(hit.id))
        self._play(actions)

    def acknowledge(self, hit_id: int) -> None:
        if self.policy.acknowledge(str(hit_id)):
            self._reschedule()

    @property
    def unacknowledged(self) -> tuple[str, ...]:
        return self.policy.unacknowledged

    # ---- mute ---------------------------------------------------------------------------------
    def toggle_mute(self, minutes: float | None = None) -> float:
        """Mute speech of non-top priorities (or end the mute); returns the seconds of mute left."""
        if self.policy.muted:
            self.policy.unmute()
            self._mute_timer.stop()
            left = 0.0
        else:
            left = self.policy.mute(minutes)
            self._mute_timer.start(int(left * 1000) + 50)
        self.mute_changed.emit(left)
        return left

    def _mute_over(self) -> None:
        self.mute_changed.emit(self.policy.mute_remaining_s())

    # ---- audio status -------------------------------------------------------------------------
    def on_audio_status(self, status: AudioStatus) -> None:
        self.status = status
        self.banner.set(status.message if status.checked and not status.ok else "")
        self.audio_status.emit(status)

    # ---- internals ----------------------------------------------------------------------------
    def _play(self, actions: tuple) -> None:
        try:
            perform(actions, self.speaker, self.chimes)
        except Exception:  # a broken player must never stop the queue; the audio check reports it
            logger.exception("playing a hit alert failed")
        for action in actions:
            if isinstance(action, PlayChime):
                self.chimed.emit(action.hit_id)
        self._reschedule()

    def _tick(self) -> None:
        self._play(self.policy.tick())

    def _reschedule(self) -> None:
        due = self.policy.seconds_until_due()
        if due is None:
            self._timer.stop()
        else:
            self._timer.start(max(0, int(due * 1000)))

    def own(self, *objects: QObject) -> None:
        """Keep workers alive with the bridge (and shut them down with it)."""
        self._owned.extend(objects)

    def shutdown(self) -> None:
        self._timer.stop()
        self._mute_timer.stop()
        self.banner.close()
        for obj in self._owned:
            stop = getattr(obj, "shutdown", None)
            if callable(stop):
                stop()


def build_audio_alerts(signals: AppSignals, settings: AlertSettings) -> HitAlertsBridge:
    """The real thing: QSoundEffect chimes, the pyttsx3 speech thread and the audio check."""
    from app.workers.audio_check import AudioCheck
    from app.workers.chime import ChimePlayer
    from app.workers.speech import SpeechWorker

    speech = SpeechWorker(rate_wpm=settings.speech_rate_wpm, volume=settings.speech_volume,
                          voice=settings.voice or None)
    chimes = ChimePlayer(volume=settings.chime_volume)
    check = AudioCheck(speech, chimes)
    bridge = HitAlertsBridge(signals, policy_config(settings), speech, chimes, audio_check=check)
    bridge.own(check, chimes, speech)
    speech.start()
    check.run()
    return bridge
