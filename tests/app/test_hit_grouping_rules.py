"""The plain grouping/ageing rules of app.domain.hit_grouping (attention, stale, order, counts)."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.hit_grouping import (
    Attention,
    group_key,
    is_stale,
    queue_counts,
    queue_order,
    sighting_attention,
)
from app.domain.hits import HitStatus, HitSummary

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def _hit(hit_id=1, priority=4, status=HitStatus.NEW, seen=T0, created=T0, **kw) -> HitSummary:
    return HitSummary(id=hit_id, priority=priority, category="stolen_vehicle", status=status, created_at=created,
                      read_id=1, read_captured_at=created, plate_read="ABC1234", state_read="CA",
                      plate_listed="ABC1234", state_listed="CA", state_match="match", match_kind="exact", distance=0,
                      camera_name="CAM-2 NB", camera_location="Main St", source_name="NCIC", list_age_s=60,
                      record_type="V", entry_id=7, last_seen_at=seen, **kw)


def test_group_key_folds_lookalikes_and_needs_an_entry():
    assert group_key("8OX 1234", 5) == group_key("80X1234", 5)
    assert group_key("ABC1234", None) is None and group_key("", 3) is None


def test_an_acknowledged_urgent_hit_is_raised_again_with_where_and_when():
    hit = _hit(priority=1, status=HitStatus.CLAIMED, seen=T0.replace(hour=14, minute=3), claimed_by=5)
    att = sighting_attention(hit)
    assert att.attention is Attention.ALERT and att.chime and att.speak and att.flash and not att.remind
    assert "seen again at CAM-2 NB 14:03" in att.message


def test_an_acknowledged_routine_hit_only_chimes():
    att = sighting_attention(_hit(priority=8, status=HitStatus.VERIFIED, claimed_by=5))
    assert att.attention is Attention.CUE and att.chime and not att.speak and not att.flash


def test_an_unacknowledged_hit_is_announced_again_and_urgent_ones_keep_reminding():
    routine, urgent = sighting_attention(_hit(priority=6)), sighting_attention(_hit(priority=2))
    assert routine.loud and routine.speak and not routine.remind
    assert urgent.loud and urgent.remind


def test_stale_is_measured_from_the_last_sighting():
    hit = _hit(created=T0 - timedelta(hours=2), seen=T0 - timedelta(minutes=29))
    assert not is_stale(hit, T0, timedelta(minutes=30))
    assert is_stale(hit, T0 + timedelta(minutes=1), timedelta(minutes=30))
    assert not is_stale(replace(hit, status=HitStatus.CLOSED), T0 + timedelta(hours=5))


def test_stale_routine_hits_sink_but_stale_urgent_hits_keep_their_place():
    now = T0 + timedelta(hours=1)
    old_urgent = _hit(1, priority=1, seen=T0)
    old_routine = _hit(2, priority=3, seen=T0)
    fresh_low = _hit(3, priority=8, seen=now, created=now)
    order = sorted([fresh_low, old_routine, old_urgent], key=lambda h: queue_order(h, now))
    assert [h.id for h in order] == [1, 3, 2]


def test_counts_count_grouped_hits_and_stale_ones():
    now = T0 + timedelta(minutes=45)
    hits = [_hit(1, priority=1, seen=T0, sightings=6), _hit(2, priority=4, seen=now, sightings=4),
            _hit(3, priority=2, status=HitStatus.CLAIMED, seen=now, claimed_by=3),
            _hit(4, priority=6, status=HitStatus.CLOSED)]
    counts = queue_counts(hits, now, timedelta(minutes=30))
    assert (counts.open, counts.unacknowledged, counts.stale, counts.stale_urgent, counts.urgent_waiting) == \
        (3, 2, 1, 1, 1)
    assert counts.stale_text(timedelta(minutes=30)) == "1 stale over 30 min (1 urgent)"


@pytest.fixture
def chicago_clock(monkeypatch):
    """The workstation's zone is not UTC (the console shows its agency's local time)."""
    monkeypatch.setenv("TZ", "America/Chicago")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_seen_again_says_the_local_clock_time_not_utc(chicago_clock):
    hit = _hit(priority=1, status=HitStatus.CLAIMED, seen=T0.replace(hour=14, minute=3), claimed_by=5)
    assert "seen again at CAM-2 NB 08:03" in sighting_attention(hit).message  # 14:03 UTC is 08:03 CST
