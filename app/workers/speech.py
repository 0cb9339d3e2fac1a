"""Spoken hit alerts: pyttsx3 in ONE dedicated thread fed by a priority queue (QtCore only).

Why it looks like this (STACK.md 4.5, checked on pyttsx3 2.99 + espeak-ng):

- pyttsx3's engine must be created and run in the thread that uses it, so `SpeechWorker` owns a
  `threading.Thread` that builds the engine and then loops ``say()`` + ``runAndWait()``.
- On Linux the espeak driver plays each utterance with ``os.system("aplay ...")`` and ignores the
  result: with no ``aplay`` or no sound device speech fails *silently*. The worker therefore
  probes the output itself (plays 30 ms of silence through ``aplay``) and emits
  ``speech_unavailable(reason)`` whenever it cannot be heard: never a silent failure.
- With espeak, ``runAndWait()`` returns before the utterance is synthesised and played: espeak
  synthesises in its own thread and the driver plays (``aplay``) from its callback, then notifies
  "finished-utterance". Starting the next ``say()`` earlier mixes the two utterances' audio, so
  the thread waits for that notification (with a timeout) before taking the next text.
- espeak's synthesis callback is process-global: a second pyttsx3 engine in the same process
  steals it and the first engine's ``runAndWait()`` never returns (reproduced here). And in 2.99,
  after ``save_to_file()`` later ``say()`` calls write to that file again. So `synthesize_to_wav`
  (the listen-check) runs its own engine in a separate *process*.

Which hits are spoken, and de-duplication, are decided by app.services.alert_policy; this thread
only orders pending utterances by priority.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import itertools
import logging
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)

DEFAULT_RATE_WPM = 165  # a little slower than espeak's 200: plates are spelled to a listener
EngineFactory = Callable[[], Any]
OutputProbe = Callable[[], str]

_STOP, _RECHECK, _CONFIG, _SAY = 0, 1, 2, 3


class SpeechSynthesisError(RuntimeError):
    """The listen-check could not write speech to a WAV file."""


def _make_pyttsx3_engine() -> Any:
    import pyttsx3  # imported here: the engine must be built in the speech thread

    return pyttsx3.init()


def probe_speech_output(timeout_s: float = 5.0) -> str:
    """Check that what pyttsx3 plays through can be heard; return a problem or "" when fine.

    On Linux pyttsx3 plays through ``aplay`` (ALSA, which routes to PulseAudio/PipeWire when
    configured), so we play 30 ms of silence through it and look at the exit code. macOS needs
    ``afplay``. On Windows SAPI plays itself; the device check of app.workers.audio_check covers it.
    """
    if sys.platform.startswith("linux"):
        aplay = shutil.which("aplay")
        if aplay is None:
            return "'aplay' is not installed (alsa-utils); pyttsx3 plays speech through it"
        return _play_silence(aplay, timeout_s)
    if sys.platform == "darwin" and shutil.which("afplay") is None:
        return "'afplay' not found"
    return ""


def _play_silence(aplay: str, timeout_s: float) -> str:
    with tempfile.TemporaryDirectory(prefix="speech-probe-") as tmp:
        path = Path(tmp) / "silence.wav"
        with wave.open(str(path), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(22050)
            f.writeframes(b"\0\0" * 661)
        try:
            done = subprocess.run([aplay, "-q", str(path)], capture_output=True, text=True, timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"audio output check failed: {exc}"
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        return "no audio output device" + (f" (aplay: {detail[-1][:160]})" if detail else "")
    return ""


def _utterance_timeout_s(text: str) -> float:
    # Generous: ~0.3 s per character at 165 wpm is already 3x the real length.
    return 10.0 + 0.3 * len(text)


class SpeechWorker(QObject):
    """The `Speaker` used by the app: `speak` queues and returns at once.

    Signals are emitted from the speech thread; Qt queues them to receivers in the GUI thread.
    Call `start` once and `shutdown` before the application quits.
    """

    speech_unavailable = Signal(str)  # reason, for a visible warning
    speech_available = Signal()  # the engine started and the output check passed
    utterance_finished = Signal(str)  # text handed to the engine and finished (or failed)
    utterance_dropped = Signal(str)  # the queue was full: the least urgent pending text was dropped

    def __init__(
        self,
        *,
        rate_wpm: int = DEFAULT_RATE_WPM,
        volume: float = 1.0,
        voice: str | None = None,
        engine_factory: EngineFactory = _make_pyttsx3_engine,
        output_probe: OutputProbe = probe_speech_output,
        max_pending: int = 16,
        stall_after_s: float = 60.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._props = {"rate": rate_wpm, "volume": volume, "voice": voice}
        self._engine_factory = engine_factory
        self._probe = output_probe
        self._max_pending = max_pending
        self._stall_after_s = stall_after_s
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, int, str]] = []  # (kind, priority, seq, text)
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._problem = ""
        self._speaking_since: float | None = None
        self._stall_reported = False
        self._finished = threading.Event()

    # -- public API (GUI thread) --------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("speech worker already started")
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def speak(self, text: str, priority: int) -> None:
        """Queue ``text``; lower ``priority`` numbers are spoken first."""
        self._check_stall()
        self._put(_SAY, priority, text)

    def configure(self, rate_wpm: int, volume: float, voice: str | None) -> None:
        """Change rate, volume and voice; applied in the speech thread before the next utterance."""
        with self._cond:
            self._props = {"rate": rate_wpm, "volume": volume, "voice": voice}
        self._put(_CONFIG, 0, "")

    def recheck(self) -> None:
        """Probe the audio output again (e.g. after a device was plugged in)."""
        self._put(_RECHECK, 0, "")

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Drop pending speech, let the current utterance end, join the thread. True if stopped."""
        thread = self._thread
        if thread is None:
            return True
        with self._cond:
            self._heap.clear()
        self._put(_STOP, 0, "")
        thread.join(timeout_s)
        stopped = not thread.is_alive()
        if not stopped:
            logger.error("speech thread did not stop within %.1f s", timeout_s)
        return stopped

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def problem(self) -> str:
        """Why speech cannot be heard ("" when the last check passed)."""
        with self._cond:
            return self._problem

    def pending(self) -> int:
        with self._cond:
            return sum(1 for item in self._heap if item[0] == _SAY)

    # -- queue --------------------------------------------------------------------------------

    def _put(self, kind: int, priority: int, text: str) -> None:
        # Control items (stop, recheck) sort before any utterance; utterances by priority, then FIFO.
        dropped: tuple[int, int, int, str] | None = None
        with self._cond:
            heapq.heappush(self._heap, (kind, priority, next(self._seq), text))
            says = [item for item in self._heap if item[0] == _SAY]
            if len(says) > self._max_pending:
                dropped = max(says)
                self._heap.remove(dropped)
                heapq.heapify(self._heap)
            self._cond.notify()
        if dropped is not None:
            logger.warning("speech queue full: dropped a priority %s announcement", dropped[1])
            self.utterance_dropped.emit(dropped[3])

    def _take(self) -> tuple[int, int, int, str]:
        with self._cond:
            while not self._heap:
                self._cond.wait()
            return heapq.heappop(self._heap)

    # -- speech thread ------------------------------------------------------------------------

    def _run(self) -> None:
        engine = self._build_engine()
        if engine is not None:
            self._check_output()
        while True:
            kind, _priority, _seq, text = self._take()
            if kind == _STOP:
                break
            if kind == _RECHECK:
                if engine is not None:
                    self._check_output()
                continue
            if kind == _CONFIG:
                if engine is not None:
                    try:
                        self._apply_props(engine)
                    except Exception as exc:  # an unknown voice id: say so, keep speaking with the old one
                        logger.warning("speech settings not applied: %s", exc)
                        self.speech_unavailable.emit(f"speech settings not applied: {type(exc).__name__}: {exc}")
                continue
            if engine is None:
                logger.warning("speech engine unavailable: announcement not spoken")
                self.utterance_finished.emit(text)
                continue
            self._say(engine, text)
        logger.debug("speech thread stopped")

    def _build_engine(self) -> Any:
        try:
            engine = self._engine_factory()
            self._apply_props(engine)
            engine.connect("error", self._on_engine_error)
            engine.connect("finished-utterance", self._on_finished_utterance)
        except Exception as exc:  # pyttsx3 raises RuntimeError/OSError/ImportError/... by driver
            logger.exception("speech engine failed to start")
            self._set_problem(f"speech engine failed to start: {type(exc).__name__}: {exc}")
            return None
        return engine

    def _apply_props(self, engine: Any) -> None:
        with self._cond:
            props = dict(self._props)
        for name, value in props.items():
            if value is not None:
                engine.setProperty(name, value)

    def _check_output(self) -> None:
        problem = self._probe()
        self._set_problem(problem)

    def _say(self, engine: Any, text: str) -> None:
        self._speaking_since = time.monotonic()
        self._finished.clear()
        try:
            engine.say(text)
            engine.runAndWait()
            limit = _utterance_timeout_s(text)
            if not self._finished.wait(limit):
                self._set_problem(f"speech engine did not finish an announcement within {limit:.0f} s")
        except Exception as exc:
            logger.exception("speech failed")
            self._set_problem(f"speech failed: {type(exc).__name__}: {exc}")
        finally:
            self._speaking_since = None
        self.utterance_finished.emit(text)

    def _on_finished_utterance(self, name: str | None = None, completed: bool = True) -> None:
        self._finished.set()

    def _on_engine_error(self, exception: BaseException, name: str | None = None) -> None:
        self._set_problem(f"speech engine error: {type(exception).__name__}: {exception}")

    def _set_problem(self, problem: str) -> None:
        with self._cond:
            self._problem = problem
        if problem:
            logger.warning("spoken alerts unavailable: %s", problem)
            self.speech_unavailable.emit(problem)
        else:
            self.speech_available.emit()

    @property
    def speaking_for_s(self) -> float:
        """How long the engine has been on the current announcement (0 when idle)."""
        since = self._speaking_since
        return 0.0 if since is None else time.monotonic() - since

    def _check_stall(self) -> None:
        since = self._speaking_since
        if since is None:
            self._stall_reported = False
            return
        stuck_for = time.monotonic() - since
        if stuck_for > self._stall_after_s and not self._stall_reported:
            self._stall_reported = True
            self._set_problem(f"speech engine stuck for {stuck_for:.0f} s")


# -- listen-check: speech to a WAV file, in a separate process with its own engine ---------------


def _synthesize_child(text: str, path: str, rate_wpm: int, voice: str | None, conn: Any) -> None:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to ..."
            import pyttsx3

            engine = pyttsx3.init()
            finished = threading.Event()
            engine.connect("finished-utterance", lambda name=None, completed=True: finished.set())
            engine.setProperty("rate", rate_wpm)
            if voice:
                engine.setProperty("voice", voice)
            engine.save_to_file(text, path)
            engine.runAndWait()  # with espeak this returns before the file is written
            if not finished.wait(_utterance_timeout_s(text)):
                raise TimeoutError("speech engine did not finish writing the file")
        conn.send("")
    except Exception as exc:
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def synthesize_to_wav(
    text: str,
    path: str | Path,
    *,
    rate_wpm: int = DEFAULT_RATE_WPM,
    voice: str | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Write ``text`` as speech to a WAV file (22 050 Hz mono 16-bit with espeak), for listen-checks.

    Runs a fresh pyttsx3 engine in a spawned process, so it never disturbs the speech thread's
    engine (see the module docstring). Blocks for about a second: call it off the GUI thread.
    Raises `SpeechSynthesisError` if no non-empty WAV was written.
    """
    out = Path(path)
    if not out.parent.is_dir():
        raise SpeechSynthesisError(f"folder does not exist: {out.parent}")
    ctx = multiprocessing.get_context("spawn")
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_synthesize_child, args=(text, str(out), rate_wpm, voice, child_conn), name="speech-synthesis"
    )
    proc.start()
    child_conn.close()
    try:
        error = parent_conn.recv() if parent_conn.poll(timeout_s) else f"timed out after {timeout_s:.0f} s"
    except EOFError:
        error = "synthesis process died"
    finally:
        parent_conn.close()
        proc.join(5.0)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if error:
        raise SpeechSynthesisError(error)
    if not out.is_file() or out.stat().st_size <= 44:
        raise SpeechSynthesisError(f"no audio written to {out}")
    return out


def _main(argv: list[str]) -> int:
    """``python -m app.workers.speech OUT.wav TEXT...``: the listen-check by hand."""
    if len(argv) < 2:
        print("usage: python -m app.workers.speech OUT.wav TEXT...", file=sys.stderr)
        return 2
    started = time.monotonic()
    out = synthesize_to_wav(" ".join(argv[1:]), argv[0])
    print(f"{out}: {out.stat().st_size} bytes in {time.monotonic() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
