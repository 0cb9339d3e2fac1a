import pytest
from pydantic import ValidationError

from app.domain.alerts import (
    ChimeBand,
    FakeChimeSink,
    FakeSpeaker,
    HitAlert,
    PlayChime,
    Speak,
    SpeechSuppressed,
    SuppressReason,
    band_for_priority,
    perform,
)
from app.services.alert_policy import AlertPolicy, AlertPolicyConfig


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def policy(clock):
    return AlertPolicy(AlertPolicyConfig(), clock=clock)


def hit(hit_id="h1", plate="ABC123", priority=4, camera="North Gate", state="CA", hit_type="Stolen vehicle"):
    return HitAlert(
        hit_id=hit_id,
        plate=plate,
        state=state,
        priority=priority,
        hit_type=hit_type,
        camera=camera,
        location="Main St",
    )


def kinds(actions):
    return [type(a).__name__ for a in actions]


def speeches(actions):
    return [a for a in actions if isinstance(a, Speak)]


def suppressed(actions):
    return [a.reason for a in actions if isinstance(a, SpeechSuppressed)]


@pytest.mark.parametrize(
    ("priority", "band"),
    [
        (1, ChimeBand.URGENT),
        (2, ChimeBand.URGENT),
        (3, ChimeBand.HIGH),
        (5, ChimeBand.HIGH),
        (6, ChimeBand.NORMAL),
        (7, ChimeBand.NORMAL),
        (8, ChimeBand.LOW),
        (9, ChimeBand.LOW),
    ],
)
def test_chime_band_per_priority(policy, priority, band):
    actions = policy.on_hit(hit(priority=priority))
    assert actions[0] == PlayChime("h1", band)
    assert band_for_priority(priority) is band


@pytest.mark.parametrize("priority", [0, 10])
def test_priority_out_of_range_is_rejected(priority):
    with pytest.raises(ValueError):
        hit(priority=priority)


def test_new_hit_chimes_then_speaks_the_announcement(policy):
    actions = policy.on_hit(hit())
    assert kinds(actions) == ["PlayChime", "Speak"]
    speak = speeches(actions)[0]
    assert speak.priority == 4 and not speak.repeat
    assert speak.text == (
        "Stolen vehicle hit. Camera North Gate, Main St. "
        "Plate Adam, Boy, Charles, one, two, three. California."
    )


def test_nato_setting_changes_the_spoken_plate(clock):
    policy = AlertPolicy(AlertPolicyConfig(alphabet="nato"), clock=clock)
    assert "Alfa, Bravo, Charlie" in speeches(policy.on_hit(hit()))[0].text


def test_same_plate_within_window_chimes_but_is_not_spoken_again(policy, clock):
    policy.on_hit(hit("h1"))
    clock.advance(4 * 60)
    actions = policy.on_hit(hit("h2", plate="abc-123", camera="South Gate"))
    # Then: every hit is audible (policy 002 IV.J.1) but speech does not flood
    assert actions[0] == PlayChime("h2", ChimeBand.HIGH)
    assert speeches(actions) == []
    assert suppressed(actions) == [SuppressReason.DUPLICATE]


def test_same_plate_after_window_is_spoken_again(policy, clock):
    policy.on_hit(hit("h1"))
    clock.advance(5 * 60)
    assert len(speeches(policy.on_hit(hit("h2")))) == 1


def test_window_runs_from_the_last_spoken_announcement(policy, clock):
    policy.on_hit(hit("h1"))  # spoken at t0
    clock.advance(4 * 60)
    policy.on_hit(hit("h2"))  # suppressed, does not extend the window
    clock.advance(61)
    assert len(speeches(policy.on_hit(hit("h3")))) == 1


def test_other_plates_are_not_deduplicated(policy):
    policy.on_hit(hit("h1", plate="ABC123"))
    assert len(speeches(policy.on_hit(hit("h2", plate="ABC124")))) == 1


def test_more_urgent_entry_for_same_plate_is_spoken(policy, clock):
    policy.on_hit(hit("h1", priority=6))
    clock.advance(10)
    assert len(speeches(policy.on_hit(hit("h2", priority=4)))) == 1
    clock.advance(10)
    assert suppressed(policy.on_hit(hit("h3", priority=6))) == [SuppressReason.DUPLICATE]


def test_top_priority_at_a_new_camera_is_spoken_but_not_at_the_same_camera(policy, clock):
    policy.on_hit(hit("h1", priority=1, camera="North Gate"))
    clock.advance(30)
    assert suppressed(policy.on_hit(hit("h2", priority=1, camera="North Gate"))) == [SuppressReason.DUPLICATE]
    assert len(speeches(policy.on_hit(hit("h3", priority=1, camera="Bridge")))) == 1


def test_dedupe_window_zero_disables_deduplication(clock):
    policy = AlertPolicy(AlertPolicyConfig(dedupe_window_min=0), clock=clock)
    policy.on_hit(hit("h1"))
    assert len(speeches(policy.on_hit(hit("h2")))) == 1


def test_unacknowledged_top_priority_repeats_every_interval_until_acknowledged(policy, clock):
    policy.on_hit(hit("h1", priority=2))
    assert policy.seconds_until_due() == 30.0
    clock.advance(29.9)
    assert policy.tick() == ()
    clock.advance(0.1)
    actions = policy.tick()
    assert actions[0] == PlayChime("h1", ChimeBand.URGENT, repeat=True)
    reminder = speeches(actions)[0]
    assert reminder.repeat and reminder.priority == 2
    assert reminder.text.startswith("Reminder, unacknowledged. Stolen vehicle hit.")
    assert policy.seconds_until_due() == 30.0
    clock.advance(30)
    assert len(speeches(policy.tick())) == 1
    # When acknowledged, reminders stop
    assert policy.acknowledge("h1") is True
    clock.advance(300)
    assert policy.tick() == () and policy.seconds_until_due() is None
    assert policy.acknowledge("h1") is False


def test_non_top_priorities_do_not_repeat(policy, clock):
    policy.on_hit(hit("h1", priority=3))
    assert policy.seconds_until_due() is None
    clock.advance(600)
    assert policy.tick() == ()


def test_top_priority_threshold_is_configurable(clock):
    policy = AlertPolicy(AlertPolicyConfig(top_priority_max=4, repeat_interval_s=10), clock=clock)
    policy.on_hit(hit("h1", priority=4))
    clock.advance(10)
    assert len(speeches(policy.tick())) == 1


def test_unacknowledged_hits_on_one_plate_are_reminded_once_per_interval(policy, clock):
    policy.on_hit(hit("h1", priority=1, camera="North Gate"))
    clock.advance(12)
    policy.on_hit(hit("h2", priority=1, camera="Bridge"))
    policy.on_hit(hit("h3", plate="XYZ9", priority=2))
    clock.advance(18)  # h1's reminder due; h2 is aligned to it
    actions = policy.tick()
    assert [a.hit_id for a in speeches(actions)] == ["h1"]
    assert policy.seconds_until_due() == 12.0  # XYZ9 arrived later
    policy.acknowledge("h1")
    clock.advance(30)
    actions = policy.tick()
    assert sorted(a.hit_id for a in speeches(actions)) == ["h2", "h3"]


def test_reminders_play_while_muted(policy, clock):
    policy.on_hit(hit("h1", priority=1))
    policy.mute(10)
    clock.advance(30)
    assert len(speeches(policy.tick())) == 1


def test_mute_silences_speech_of_lower_priorities_but_not_chimes(policy):
    policy.mute(5)
    actions = policy.on_hit(hit("h1", priority=5))
    assert kinds(actions) == ["PlayChime", "SpeechSuppressed"]
    assert suppressed(actions) == [SuppressReason.MUTED]


def test_mute_never_mutes_top_priorities(policy):
    policy.mute()
    actions = policy.on_hit(hit("h1", priority=2))
    assert kinds(actions) == ["PlayChime", "Speak"]


def test_mute_expires_by_itself_and_is_capped(policy, clock):
    assert policy.mute(1000) == 30 * 60  # capped at max_mute_min
    clock.advance(30 * 60 - 1)
    assert policy.muted
    clock.advance(1)
    assert not policy.muted and policy.mute_remaining_s() == 0.0
    assert len(speeches(policy.on_hit(hit("h1", priority=5)))) == 1


def test_unmute(policy):
    policy.mute(10)
    policy.unmute()
    assert not policy.muted
    assert len(speeches(policy.on_hit(hit()))) == 1


def test_muted_hit_is_spoken_after_unmute(policy, clock):
    policy.mute(1)
    policy.on_hit(hit("h1", priority=5))
    clock.advance(61)
    # a plate that was never spoken is not a duplicate
    assert len(speeches(policy.on_hit(hit("h2", priority=5)))) == 1


def test_speech_disabled_still_chimes_and_repeats_chime(clock):
    policy = AlertPolicy(AlertPolicyConfig(speech_enabled=False), clock=clock)
    actions = policy.on_hit(hit("h1", priority=1))
    assert kinds(actions) == ["PlayChime", "SpeechSuppressed"]
    clock.advance(30)
    actions = policy.tick()
    assert actions[0] == PlayChime("h1", ChimeBand.URGENT, repeat=True)
    assert suppressed(actions) == [SuppressReason.DISABLED]


def test_speak_priority_threshold_never_applies_to_top(clock):
    policy = AlertPolicy(AlertPolicyConfig(speak_priority_max=1, top_priority_max=2), clock=clock)
    assert suppressed(policy.on_hit(hit("h1", priority=3))) == [SuppressReason.BELOW_THRESHOLD]
    assert len(speeches(policy.on_hit(hit("h2", plate="Q1", priority=2)))) == 1


def test_lowering_the_top_threshold_drops_pending_reminders(policy, clock):
    policy.on_hit(hit("h1", priority=2))
    policy.config = AlertPolicyConfig(top_priority_max=1)
    assert policy.unacknowledged == ()


def test_config_is_strict_and_bounded():
    with pytest.raises(ValidationError):
        AlertPolicyConfig(repeat_interval_s=1)
    with pytest.raises(ValidationError):
        AlertPolicyConfig(top_priority_max=0)
    with pytest.raises(ValidationError):
        AlertPolicyConfig(colour="red")
    with pytest.raises(ValidationError):
        AlertPolicyConfig(alphabet="klingon")
    schema = AlertPolicyConfig.model_json_schema()
    assert all("title" in p and "description" in p for p in schema["properties"].values())


def test_perform_hands_actions_to_the_players(policy):
    speaker, chimes = FakeSpeaker(), FakeChimeSink()
    perform(policy.on_hit(hit(priority=1)), speaker, chimes)
    assert chimes.played == [ChimeBand.URGENT]
    assert speaker.utterances == [(speaker.texts[0], 1)] and "Adam, Boy, Charles" in speaker.texts[0]
