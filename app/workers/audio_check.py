"""One audio status for the UI: can chimes and spoken alerts be heard on this workstation?

Collects the chime player's device check and the speech worker's engine/output check into an
`AudioStatus` value and emits it whenever it changes, so the console can show a warning banner
(``status.message``) instead of failing silently. Re-checks both when audio outputs change.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtMultimedia import QMediaDevices

from app.domain.alerts import AudioStatus
from app.workers.chime import NO_DEVICE, ChimePlayer
from app.workers.speech import SpeechWorker

logger = logging.getLogger(__name__)


class AudioCheck(QObject):
    """Watches a `ChimePlayer` and a `SpeechWorker`; create it in the GUI thread."""

    status_changed = Signal(object)  # AudioStatus

    def __init__(self, speech: SpeechWorker, chimes: ChimePlayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._speech = speech
        self._chimes = chimes
        self._speech_problem: str | None = None  # None: not reported yet
        self._chime_problem: str | None = None
        self._status = AudioStatus()
        # Bound slots of this object, never lambdas: the speech worker emits from its own thread, and only
        # a receiver object makes Qt queue the call to the GUI thread (a lambda ran _update in the speech
        # thread, racing the GUI thread: a segfault seen in CI).
        speech.speech_unavailable.connect(self._on_speech_problem)
        speech.speech_available.connect(self._on_speech_ok)
        chimes.audio_unavailable.connect(self._on_chime_problem)
        chimes.audio_available.connect(self._on_chime_ok)
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self.run)

    @property
    def status(self) -> AudioStatus:
        return self._status

    def run(self) -> None:
        """Start both checks; results arrive through `status_changed`."""
        self._chimes.check_output()
        if self._speech.is_running():
            self._speech.recheck()  # the speech thread reports back by signal
        # Not started: the worker reports its first check by itself when started.

    @Slot()
    def _on_speech_ok(self) -> None:
        self._on_speech_problem("")

    @Slot()
    def _on_chime_ok(self) -> None:
        self._on_chime_problem("")

    @Slot(str)
    def _on_speech_problem(self, problem: str) -> None:
        self._speech_problem = problem
        self._update()

    @Slot(str)
    def _on_chime_problem(self, problem: str) -> None:
        self._chime_problem = problem
        self._update()

    def _update(self) -> None:
        speech = self._speech_problem or ""
        chime = self._chime_problem or ""
        # On Windows/macOS the engine plays through the same default device Qt reports; on Linux
        # pyttsx3 uses aplay (ALSA), which the speech worker's own probe has already tested.
        if chime == NO_DEVICE and not speech and not sys.platform.startswith("linux"):
            speech = NO_DEVICE
        status = AudioStatus(
            speech_problem=speech,
            chime_problem=chime,
            checked=self._speech_problem is not None and self._chime_problem is not None,
        )
        if status != self._status:
            self._status = status
            if status.checked and not status.ok:
                logger.warning("audio: %s", status.message)
            self.status_changed.emit(status)
