"""The real pyttsx3 engine (espeak-ng) in the speech thread, and the listen-check WAV."""

import ctypes.util
import shutil
import subprocess
import threading

import pytest

from app.domain.phonetics import build_announcement
from app.workers.speech import SpeechSynthesisError, SpeechWorker, probe_speech_output, synthesize_to_wav

needs_espeak = pytest.mark.skipif(
    ctypes.util.find_library("espeak-ng") is None and ctypes.util.find_library("espeak") is None,
    reason="libespeak-ng1 is not installed (apt-get install libespeak-ng1)",
)
needs_sox = pytest.mark.skipif(
    shutil.which("sox") is None or shutil.which("soxi") is None,
    reason="sox is not installed (apt-get install sox)",
)


@needs_espeak
def test_real_engine_thread_starts_speaks_and_stops_cleanly(qtbot):
    worker = SpeechWorker(volume=0.0)  # real pyttsx3 engine; silent even where a sound card exists
    try:
        with qtbot.waitSignal(worker.utterance_finished, timeout=10000) as blocker:
            worker.start()
            worker.speak("test", 5)
        assert blocker.args == ["test"]
        assert worker.is_running()
        assert "did not finish" not in worker.problem  # the engine's finished-utterance arrived
    finally:
        assert worker.shutdown(10) is True
    assert not worker.is_running()
    assert not [t for t in threading.enumerate() if t.name == "speech"]


@needs_espeak
def test_no_audio_output_is_reported_on_a_headless_machine(qtbot):
    problem = probe_speech_output()
    if not problem:
        pytest.skip("this machine has a working audio output")
    worker = SpeechWorker(volume=0.0)
    try:
        with qtbot.waitSignal(worker.speech_unavailable, timeout=10000) as blocker:
            worker.start()
    finally:
        assert worker.shutdown(10)
    assert blocker.args == [problem]
    assert "aplay" in problem or "audio output" in problem


def _sox_figures(path):
    seconds = float(
        subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, check=True).stdout
    )
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    figures = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in stat.splitlines()) if v}
    return seconds, float(figures["RMS     amplitude"]), float(figures["Maximum amplitude"])


@needs_espeak
@needs_sox
def test_listen_check_writes_real_speech_of_plausible_length(tmp_path):
    text = build_announcement(
        hit_type="Stolen vehicle", camera="North Gate", location="Main Street", plate="7ABC012", state="CA"
    )
    out = synthesize_to_wav(text, tmp_path / "announcement.wav")
    seconds, rms, peak = _sox_figures(out)
    # 23 words at 165 wpm is about 8-10 s of speech; silence or a stub would fail these floors
    assert 5.0 < seconds < 20.0
    assert rms > 0.03
    assert 0.2 < peak <= 1.0
    short_seconds, _, _ = _sox_figures(synthesize_to_wav("Plate Adam.", tmp_path / "short.wav"))
    assert short_seconds < seconds / 3  # length follows the text


@needs_espeak
def test_listen_check_failure_raises(tmp_path):
    with pytest.raises(SpeechSynthesisError):
        synthesize_to_wav("hello", tmp_path / "no-such-dir" / "x.wav")
