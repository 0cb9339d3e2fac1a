"""Hit chimes: one preloaded QSoundEffect per priority band, with an audio-device check.

QSoundEffect plays asynchronously from the GUI thread (low latency, no thread of ours). Without
an audio device it does not fail loudly: its status turns to Error and it prints "playback of
this format is not supported on the selected audio device" (STACK.md 4.6). So the player checks
``QMediaDevices.defaultAudioOutput().isNull()`` and watches each effect's status, and reports
``audio_unavailable(reason)`` for a visible warning. It re-checks when audio outputs change.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

from app.domain.alerts import ChimeBand

logger = logging.getLogger(__name__)

NO_DEVICE = "no audio output device"


def default_sounds_dir() -> Path:
    """resources/sounds of the source tree, or of the PyInstaller bundle when frozen."""
    root = getattr(sys, "_MEIPASS", None)
    base = Path(root) if root else Path(__file__).resolve().parents[2]
    return base / "resources" / "sounds"


def chime_path(band: ChimeBand, sounds_dir: Path | None = None) -> Path:
    return (sounds_dir or default_sounds_dir()) / f"chime_{band.value}.wav"


class ChimePlayer(QObject):
    """The `ChimeSink` used by the app. Create and use it in the GUI thread."""

    audio_unavailable = Signal(str)  # reason, for a visible warning
    audio_available = Signal()

    def __init__(
        self, sounds_dir: Path | None = None, volume: float = 0.8, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._problem = ""
        self._missing: list[str] = []
        self._effects: dict[ChimeBand, QSoundEffect] = {}
        for band in ChimeBand:
            path = chime_path(band, sounds_dir)
            if not path.is_file():
                self._missing.append(path.name)
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(volume)
            effect.statusChanged.connect(self._on_status)
            self._effects[band] = effect
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self.check_output)

    @property
    def problem(self) -> str:
        """Why chimes cannot be heard ("" when the last check passed)."""
        return self._problem

    def check_output(self) -> str:
        """Check the chime files and the default audio output; emit the result; return the problem."""
        if self._missing:
            problem = f"chime file missing: {', '.join(self._missing)}"
        elif QMediaDevices.defaultAudioOutput().isNull():
            problem = NO_DEVICE
        else:
            problem = ""
            device = QMediaDevices.defaultAudioOutput()
            for effect in self._effects.values():
                effect.setAudioDevice(device)
        self._set_problem(problem, always_emit=True)
        return problem

    def play(self, band: ChimeBand) -> None:
        """Start the band's chime (restarts it if it is still playing). Returns at once."""
        effect = self._effects.get(band)
        if effect is None:
            logger.warning("no chime loaded for band %s", band)
            return
        if self._problem:
            logger.debug("chime %s requested while audio is unavailable: %s", band, self._problem)
        effect.play()

    def stop(self) -> None:
        for effect in self._effects.values():
            effect.stop()

    def volume(self) -> float:
        return next(iter(self._effects.values())).volume() if self._effects else 0.0

    def set_volume(self, volume: float) -> None:
        for effect in self._effects.values():
            effect.setVolume(volume)

    def _on_status(self) -> None:
        # A bound method, not a lambda: with PySide6 6.12 lambda slots on these signals ended in
        # "Fatal Python error: none_dealloc" at interpreter exit after real playback.
        if self._problem:
            return
        for band, effect in self._effects.items():
            if effect.status() == QSoundEffect.Status.Error:
                if QMediaDevices.defaultAudioOutput().isNull():
                    self._set_problem(NO_DEVICE)
                else:
                    self._set_problem(f"the {band.value} chime cannot be played on the audio device")
                return

    def _set_problem(self, problem: str, always_emit: bool = False) -> None:
        changed = problem != self._problem
        self._problem = problem
        if not (changed or always_emit):
            return
        if problem:
            logger.warning("alert chimes unavailable: %s", problem)
            self.audio_unavailable.emit(problem)
        else:
            self.audio_available.emit()
