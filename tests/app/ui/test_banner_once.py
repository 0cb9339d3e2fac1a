"""Issue 11: the warning banner says a warning once, however many times people sign in and out."""

from __future__ import annotations

from app.domain.alerts import AudioStatus, FakeChimeSink, FakeSpeaker
from app.runtime.alerts import HitAlertsBridge
from app.services.alert_policy import AlertPolicyConfig
from app.workers.signals import AppSignals

NO_AUDIO = AudioStatus(speech_problem="no audio output device", chime_problem="no audio output device",
                       checked=True)


def test_each_sign_in_does_not_add_another_copy_of_the_warning(qtbot):
    signals = AppSignals()
    shown: list[str] = []
    signals.banner.connect(shown.append)
    # Given three sign-ins in one session, each with its own alerts whose audio check fails; the
    # earlier sessions' objects are still alive (as the closed windows' contexts keep them)
    sessions = []
    for n in range(3):
        alerts = HitAlertsBridge(signals, AlertPolicyConfig(), FakeSpeaker(), FakeChimeSink())
        sessions.append(alerts)
        alerts.on_audio_status(NO_AUDIO)
        qtbot.waitUntil(lambda: bool(shown) and NO_AUDIO.message in shown[-1])
        if n < 2:
            alerts.shutdown()  # sign-out ends the session's alerts
    last = sessions[-1]
    # When another warning arrives (a recognition fault)
    signals.banner.emit("Recognition: camera cam-2 lost")
    qtbot.waitUntil(lambda: NO_AUDIO.message in shown[-1])
    # Then the banner holds each warning exactly once
    assert shown[-1].count(NO_AUDIO.message) == 1, shown[-1]
    assert shown[-1].count("Recognition: camera cam-2 lost") == 1
    # and after the last sign-out nothing of that session's audio warning is kept
    last.shutdown()
    qtbot.waitUntil(lambda: NO_AUDIO.message not in shown[-1])
    assert shown[-1] == "Recognition: camera cam-2 lost"
