import os
import sys
import threading

import pytest

from app.domain.alerts import Speaker
from app.workers.speech import SpeechWorker, probe_speech_output


class FakeEngine:
    """Stands in for a pyttsx3 engine; runAndWait can be held on a gate."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.props: dict[str, object] = {}
        self.spoken: list[str] = []
        self.threads: set[str] = set()
        self.error_callbacks = []
        self.finished_callbacks = []
        self.gate = gate
        self._text = ""

    def setProperty(self, name, value):  # noqa: N802 (pyttsx3 API)
        self.props[name] = value

    def connect(self, topic, callback):
        {"error": self.error_callbacks, "finished-utterance": self.finished_callbacks}[topic].append(callback)

    def say(self, text):
        self._text = text
        self.threads.add(threading.current_thread().name)

    def runAndWait(self):  # noqa: N802
        if self.gate is not None:
            self.gate.wait(5)
        self.spoken.append(self._text)
        for callback in self.finished_callbacks:
            callback(name=None, completed=True)


@pytest.fixture
def make_worker():
    workers = []

    def make(engine=None, probe=lambda: "", **kwargs):
        built = []

        def factory():
            built.append(threading.current_thread().name)
            return engine if engine is not None else FakeEngine()

        worker = SpeechWorker(engine_factory=factory, output_probe=probe, **kwargs)
        worker.built_in = built
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        assert worker.shutdown(5)
    assert not [t for t in threading.enumerate() if t.name == "speech"], "speech thread left running"


def start_and_say(qtbot, worker, text: str) -> None:  # noqa: ANN001
    """Start ``worker`` and wait until it has spoken ``text`` (priority 3)."""
    with qtbot.waitSignal(worker.utterance_finished, timeout=3000):
        worker.start()
        worker.speak(text, 3)


def test_worker_is_a_speaker():
    assert isinstance(SpeechWorker(), Speaker)


def test_engine_is_created_and_run_in_the_speech_thread(qtbot, make_worker):
    engine = FakeEngine()
    worker = make_worker(engine, rate_wpm=150, volume=0.5)
    start_and_say(qtbot, worker, "hello")
    assert worker.built_in == ["speech"]
    assert engine.threads == {"speech"}
    assert engine.props == {"rate": 150, "volume": 0.5}
    assert engine.spoken == ["hello"]


def test_pending_utterances_are_spoken_most_urgent_first(qtbot, make_worker):
    gate = threading.Event()
    engine = FakeEngine(gate)
    worker = make_worker(engine)
    worker.start()
    worker.speak("first", 9)
    qtbot.waitUntil(lambda: worker.pending() == 0)  # "first" is being spoken
    for text, priority in [("p5", 5), ("p1", 1), ("p3", 3), ("p1b", 1)]:
        worker.speak(text, priority)
    gate.set()
    qtbot.waitUntil(lambda: len(engine.spoken) == 5, timeout=3000)
    assert engine.spoken == ["first", "p1", "p1b", "p3", "p5"]


def test_full_queue_drops_the_least_urgent_and_says_so(qtbot, make_worker):
    gate = threading.Event()
    worker = make_worker(FakeEngine(gate), max_pending=2)
    worker.start()
    worker.speak("busy", 5)
    qtbot.waitUntil(lambda: worker.pending() == 0)
    worker.speak("low", 8)
    worker.speak("high", 3)
    with qtbot.waitSignal(worker.utterance_dropped, timeout=1000) as blocker:
        worker.speak("urgent", 1)
    assert blocker.args == ["low"]
    gate.set()


def test_output_check_passing_emits_available(qtbot, make_worker):
    worker = make_worker(probe=lambda: "")
    with qtbot.waitSignal(worker.speech_available, timeout=3000):
        worker.start()
    assert worker.problem == ""


def test_missing_audio_output_emits_a_visible_warning(qtbot, make_worker):
    worker = make_worker(probe=lambda: "no audio output device")
    with qtbot.waitSignal(worker.speech_unavailable, timeout=3000) as blocker:
        worker.start()
    assert blocker.args == ["no audio output device"]
    assert worker.problem == "no audio output device"


def test_engine_that_fails_to_start_emits_a_warning_and_speech_is_not_lost_silently(qtbot, make_worker):
    def broken():
        raise RuntimeError("could not initialize espeak")

    worker = SpeechWorker(engine_factory=broken, output_probe=lambda: "")
    try:
        with qtbot.waitSignal(worker.speech_unavailable, timeout=3000) as blocker:
            worker.start()
        assert "could not initialize espeak" in blocker.args[0]
        with qtbot.waitSignal(worker.utterance_finished, timeout=3000):
            worker.speak("hit", 1)  # consumed, not stuck in the queue
    finally:
        assert worker.shutdown(5)


def test_engine_error_notification_becomes_a_warning(qtbot, make_worker):
    engine = FakeEngine()
    worker = make_worker(engine)
    with qtbot.waitSignal(worker.speech_available, timeout=3000):
        worker.start()
    with qtbot.waitSignal(worker.speech_unavailable, timeout=3000) as blocker:
        engine.error_callbacks[0](exception=OSError("device busy"), name=None)
    assert blocker.args == ["speech engine error: OSError: device busy"]


def test_recheck_reports_a_recovered_output(qtbot, make_worker):
    answers = ["no audio output device", ""]
    worker = make_worker(probe=lambda: answers.pop(0))
    with qtbot.waitSignal(worker.speech_unavailable, timeout=3000):
        worker.start()
    with qtbot.waitSignal(worker.speech_available, timeout=3000):
        worker.recheck()
    assert worker.problem == ""


def test_stuck_engine_is_reported(qtbot, make_worker):
    gate = threading.Event()
    worker = make_worker(FakeEngine(gate), stall_after_s=0.05)
    worker.start()
    worker.speak("hangs", 2)
    qtbot.waitUntil(lambda: worker.pending() == 0)
    qtbot.waitUntil(lambda: worker.speaking_for_s > 0.05, timeout=3000)  # past the stall limit, still speaking
    with qtbot.waitSignal(worker.speech_unavailable, timeout=1000) as blocker:
        worker.speak("next", 2)
    assert blocker.args[0].startswith("speech engine stuck")
    gate.set()


def test_shutdown_drops_pending_speech_and_joins_the_thread(qtbot):
    gate = threading.Event()
    engine = FakeEngine(gate)
    worker = SpeechWorker(engine_factory=lambda: engine, output_probe=lambda: "")
    worker.start()
    worker.speak("current", 5)
    qtbot.waitUntil(lambda: worker.pending() == 0)
    worker.speak("never", 5)
    gate.set()
    assert worker.shutdown(5) is True
    assert not worker.is_running()
    assert engine.spoken == ["current"]
    assert SpeechWorker().shutdown() is True  # never started


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="aplay probe is Linux-only")
def test_probe_reports_missing_aplay(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "aplay" in probe_speech_output()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="aplay probe is Linux-only")
@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            "echo 'aplay: main:831: audio open error: No such file or directory' >&2; exit 1",
            "no audio output device (aplay: aplay: main:831: audio open error: No such file or directory)",
        ),
        ("exit 0", ""),
    ],
)
def test_probe_reads_aplay_exit_status(monkeypatch, tmp_path, script, expected):
    aplay = tmp_path / "aplay"
    aplay.write_text(f"#!/bin/sh\n{script}\n")
    aplay.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert probe_speech_output() == expected


def test_configure_changes_voice_rate_and_volume_before_the_next_utterance(qtbot, make_worker):
    engine = FakeEngine()
    worker = make_worker(engine, rate_wpm=165, volume=1.0)
    start_and_say(qtbot, worker, "first")
    # When the administrator tunes the voice in Sounds and speech, then tests it
    worker.configure(120, 0.4, "en-us")
    with qtbot.waitSignal(worker.utterance_finished, timeout=3000):
        worker.speak("second", 3)
    # Then the engine (in the speech thread) speaks the next announcement with the new properties
    assert engine.props == {"rate": 120, "volume": 0.4, "voice": "en-us"}
    assert engine.spoken == ["first", "second"]
