"""ChimePlayer and AudioCheck on this headless machine (no audio server)."""

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtMultimedia import QMediaDevices

from app.domain.alerts import AudioStatus, ChimeBand, ChimeSink
from app.workers import chime as chime_module
from app.workers.audio_check import AudioCheck
from app.workers.chime import NO_DEVICE, ChimePlayer
from app.workers.speech import SpeechWorker

headless_only = pytest.mark.skipif(
    not QMediaDevices.defaultAudioOutput().isNull(), reason="this machine has an audio output"
)


class SilentEngine:
    def __init__(self):
        self._callbacks = {"error": [], "finished-utterance": []}

    def setProperty(self, name, value):  # noqa: N802
        pass

    def connect(self, topic, callback):
        self._callbacks[topic].append(callback)

    def say(self, text):
        pass

    def runAndWait(self):  # noqa: N802
        for callback in self._callbacks["finished-utterance"]:
            callback(name=None, completed=True)


@pytest.fixture
def speech_factory():
    workers = []

    def make(probe_result=""):
        worker = SpeechWorker(engine_factory=SilentEngine, output_probe=lambda: probe_result)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        assert worker.shutdown(5)
    assert not [t for t in threading.enumerate() if t.name == "speech"]


def test_player_is_a_chime_sink(qapp):
    assert isinstance(ChimePlayer(), ChimeSink)


@headless_only
def test_no_audio_device_emits_a_visible_warning(qtbot):
    player = ChimePlayer()
    with qtbot.waitSignal(player.audio_unavailable, timeout=3000) as blocker:
        assert player.check_output() == NO_DEVICE
    assert blocker.args == [NO_DEVICE]
    assert player.problem == NO_DEVICE


@headless_only
def test_play_without_a_device_returns_at_once(qtbot):
    player = ChimePlayer()
    player.check_output()
    asked: list[ChimeBand] = []

    class Spy:  # the real effect behind it, recording that play() reached it
        def __init__(self, band, effect):
            self.band, self.effect = band, effect

        def play(self):
            asked.append(self.band)
            self.effect.play()

        def __getattr__(self, name):
            return getattr(self.effect, name)

    player._effects = {band: Spy(band, effect) for band, effect in player._effects.items()}
    for band in ChimeBand:
        player.play(band)  # must neither raise nor block
    # every band reached its sound effect, and the missing device stays reported (not swallowed)
    assert asked == list(ChimeBand)
    assert player.problem == NO_DEVICE
    player.stop()


def test_missing_chime_files_are_reported(qtbot, tmp_path):
    player = ChimePlayer(sounds_dir=tmp_path)
    with qtbot.waitSignal(player.audio_unavailable, timeout=3000) as blocker:
        player.check_output()
    assert blocker.args[0].startswith("chime file missing: chime_urgent.wav")
    player.play(ChimeBand.URGENT)  # nothing loaded: logs, does not raise


def test_present_device_emits_available(qtbot, monkeypatch):
    class Device:
        def isNull(self):  # noqa: N802
            return False

    class Devices:
        @staticmethod
        def defaultAudioOutput():  # noqa: N802
            return Device()

    player = ChimePlayer()
    monkeypatch.setattr(chime_module, "QMediaDevices", Devices)
    monkeypatch.setattr(player, "_effects", {})  # no real device to bind effects to
    with qtbot.waitSignal(player.audio_available, timeout=3000):
        assert player.check_output() == ""


def test_volume_is_applied_to_every_band(qapp):
    player = ChimePlayer(volume=0.3)
    assert player.volume() == pytest.approx(0.3)
    player.set_volume(0.6)
    assert player.volume() == pytest.approx(0.6)


@headless_only
def test_audio_check_collects_both_checks_into_one_status(qtbot, speech_factory):
    speech = speech_factory(probe_result="'aplay' is not installed")
    check = AudioCheck(speech, ChimePlayer())
    assert check.status == AudioStatus() and check.status.message == "Checking audio output..."
    with qtbot.waitSignal(check.status_changed, timeout=3000, check_params_cb=lambda s: s.checked) as blocker:
        speech.start()
        check.run()
    status = blocker.args[0]
    assert status == check.status
    assert not status.ok and not status.chime_ok and not status.speech_ok
    assert status.chime_problem == NO_DEVICE
    assert status.speech_problem == "'aplay' is not installed"
    assert status.message == (
        "Alert chimes will not be heard: no audio output device | "
        "Spoken alerts will not be heard: 'aplay' is not installed"
    )


@headless_only
def test_audio_check_speech_ok_chimes_not(qtbot, speech_factory):
    speech = speech_factory(probe_result="")
    check = AudioCheck(speech, ChimePlayer())
    with qtbot.waitSignal(check.status_changed, timeout=3000, check_params_cb=lambda s: s.checked):
        speech.start()
        check.run()
    assert check.status.chime_problem == NO_DEVICE
    assert check.status.speech_ok
    # When the speech worker is rechecked it reports again and the status follows
    with qtbot.waitSignal(speech.speech_available, timeout=3000):
        check.run()
    assert check.status.speech_ok and check.status.checked


def test_audio_status_message_when_all_is_well():
    status = AudioStatus(checked=True)
    assert status.ok and status.message == ""


def test_audio_status_is_updated_in_the_gui_thread_when_speech_reports_from_its_thread(qtbot, speech_factory):
    # The speech worker emits from its own thread; the check must take the report in the GUI thread
    # (updating it from the speech thread raced the GUI thread: a segfault in CI).
    speech = speech_factory(probe_result="")
    check = AudioCheck(speech, ChimePlayer())
    threads: list[str] = []
    check.status_changed.connect(
        lambda _status: threads.append(threading.current_thread().name), Qt.ConnectionType.DirectConnection
    )
    check.run()  # the chime check reports here (speech_ok needs both reports; before, the chime's came by chance)
    with qtbot.waitSignal(speech.speech_available, timeout=3000):
        speech.start()
    qtbot.waitUntil(lambda: check.status.speech_ok, timeout=5000)  # the report crosses as a queued event
    assert threads and set(threads) == {threading.main_thread().name}
