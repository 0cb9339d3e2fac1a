"""Pure hit rules: plate comparison, YQ prefill, what is due when, status from steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.comparison import (
    Agreement,
    CellKind,
    compare_colour,
    compare_plates,
    compare_state,
    fold_plate,
)
from app.domain.hit_steps import HitStep, StepKind, UnitsDispatched, YqSent, step_from_payload, step_payload
from app.domain.hits import EntrySnapshot, HitStatus, list_age_warning
from app.domain.ncic import checklist, needs_yq, prefill_yq, yq_due
from app.services.hit_steps import status_from_steps

T = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def entry(**kw) -> EntrySnapshot:
    base = dict(entry_id=1, plate="ABC1234", state="CA", record_type="V", category="stolen_vehicle", priority=4,
                source_name="NCIC", nic="V123456789", ori="CA0570200", case_number="24-001234", lic_year="2027",
                lic_type="PC")
    return EntrySnapshot(**{**base, **kw})


def step(i: int, kind: StepKind, at: datetime, corrects: int | None = None, **payload) -> HitStep:
    return HitStep(i, 1, kind, payload, 5, "disp.kim", at, i, None, corrects)


def test_comparison_marks_lookalikes_and_indels():
    cmp = compare_plates("8ABC123", "BABC123")
    assert [c.kind for c in cmp.cells][:2] == [CellKind.LOOKALIKE, CellKind.SAME]
    assert cmp.lookalikes == 1 and not cmp.identical
    missing = compare_plates("ABC123", "ABC1234")
    assert [c.kind for c in missing.cells].count(CellKind.MISSING) == 1
    extra = compare_plates("ABXC123", "ABC123")
    assert [(c.read, c.kind) for c in extra.cells if c.kind is CellKind.EXTRA] == [("X", CellKind.EXTRA)]
    assert compare_plates("ABC-123", "abc123").identical
    assert compare_plates("A7C123", "ABC123").cells[1].kind is CellKind.DIFFERENT


def test_comparison_with_wildcards():
    cmp = compare_plates("7ABC123", "7AB*")
    assert cmp.differences == 0 and {c.kind for c in cmp.cells} == {CellKind.SAME, CellKind.WILDCARD}
    assert compare_plates("7ABX123", "7AB?123").differences == 0


@given(st.text(alphabet="ABCDO0I1L8S5Z2G6XY", min_size=1, max_size=8),
       st.text(alphabet="ABCDO0I1L8S5Z2G6XY", min_size=1, max_size=8))
def test_comparison_accounts_for_every_character(read, listed):
    cmp = compare_plates(read, listed)
    assert "".join(c.read for c in cmp.cells) == read
    assert "".join(c.listed for c in cmp.cells) == listed
    if fold_plate(read) == fold_plate(listed):
        assert all(c.kind in (CellKind.SAME, CellKind.LOOKALIKE) for c in cmp.cells)


def test_state_and_colour_agreement():
    assert compare_state("CA", "ca") is Agreement.MATCH and compare_state("NV", "CA") is Agreement.MISMATCH
    assert compare_state(None, "CA") is Agreement.UNKNOWN
    assert compare_colour("BLK", "YEL/BLK") is Agreement.MATCH and compare_colour("WHI", "BLK") is Agreement.MISMATCH


def test_yq_prefill_sends_only_fields_that_fit():
    vehicle = prefill_yq(entry(), 1, "U")
    assert vehicle.text() == "RTY/SV.RNO/1.PRI/U.OCA/24-001234.NIC/V123456789.LIC/ABC1234.LIS/CA.LIY/2027.LIT/PC"
    assert vehicle.destination_ori == "CA0570200"
    person = prefill_yq(entry(record_type="W", category="wanted_person"), 2, "R")
    assert person.get("RTY") == "WP" and person.get("LIC") is None and person.get("RNO") == "2"
    odd = prefill_yq(entry(nic="SHORT", case_number="X" * 25, plate="AB*"))
    assert odd.get("NIC") is None and odd.get("OCA") is None and odd.get("LIC") is None
    assert prefill_yq(entry(record_type="X", category="sex_offender")) is None
    assert prefill_yq(entry(record_type="P", category="stolen_plate")).get("RTY") == "SL"


def test_yq_needed_only_for_another_agencys_record():
    assert needs_yq(entry(), "NV0020000") and not needs_yq(entry(), "ca0570200")
    assert not needs_yq(entry(record_type="X", category="sex_offender"), "NV0020000")


@pytest.mark.parametrize(("minutes", "state", "next_rno"), [(0, "waiting", None), (9.9, "waiting", None),
                                                            (10.1, "overdue", 2)])
def test_urgent_yq_is_due_in_ten_minutes(minutes, state, next_rno):
    steps = [step(1, StepKind.YQ_SENT, T, rno=1, priority="U")]
    due = yq_due(steps, T + timedelta(minutes=minutes))
    assert due.state == state and due.next_rno == next_rno and due.deadline == T + timedelta(minutes=10)


def test_yq_will_confirm_moves_the_deadline_and_third_request_exhausts():
    steps = [step(1, StepKind.YQ_SENT, T, rno=1, priority="R"),
             step(2, StepKind.YR_RECEIVED, T + timedelta(minutes=5), answer="will_confirm",
                  confirm_by=(T + timedelta(hours=2)).isoformat())]
    assert yq_due(steps, T + timedelta(minutes=90)).state == "waiting"
    assert yq_due(steps, T + timedelta(minutes=121)).next_rno == 2
    steps += [step(3, StepKind.YQ_SENT, T + timedelta(hours=3), rno=2, priority="U"),
              step(4, StepKind.YQ_SENT, T + timedelta(hours=4), rno=3, priority="U")]
    done = yq_due(steps, T + timedelta(hours=5))
    assert done.state == "exhausted" and "state procedure" in done.message
    steps.append(step(5, StepKind.YR_RECEIVED, T + timedelta(hours=5), answer="confirmed"))
    assert yq_due(steps, T + timedelta(hours=6)).state == "answered"
    assert yq_due([], T).state == "none"


def test_status_follows_the_steps_in_force():
    accepted = step(1, StepKind.VISUAL_ACCEPTED, T)
    assert status_from_steps([accepted], True)[0] is HitStatus.VERIFIED
    rejected = step(2, StepKind.VISUAL_REJECTED, T, corrects=1, reason="misread")
    assert status_from_steps([accepted, rejected], True)[0] is HitStatus.REJECTED
    dispo = step(3, StepKind.DISPOSITION, T, outcome="arrest")
    assert status_from_steps([accepted, dispo], True) == (HitStatus.CLOSED, "arrest")
    assert status_from_steps([], False)[0] is HitStatus.NEW


def test_checklist_applies_stolen_plate_and_notification_rules():
    e = entry(record_type="P", category="stolen_plate", instructions="Do not stop")
    steps = [step(1, StepKind.VISUAL_ACCEPTED, T), step(2, StepKind.DISPOSITION, T, outcome="plate_recovered")]
    items = {c.key: c for c in checklist(e, steps, "NV0020000")}
    assert items["stolen_plate"].applies and not items["stolen_plate"].done
    assert items["notify"].applies and items["instructions"].applies and items["visual"].done


def test_step_payload_round_trip():
    yq = YqSent("U", 1, (("RTY", "SV"),), T)
    assert step_from_payload(StepKind.YQ_SENT, step_payload(yq)) == yq
    units = UnitsDispatched(("2A12",), T)
    assert step_from_payload("units_dispatched", step_payload(units)) == units


def test_entry_snapshot_json_round_trip_and_age_warning():
    e = entry(list_updated_at=T)
    assert EntrySnapshot.from_json({**e.to_json(), "future_field": 1}) == e
    assert list_age_warning(3600) is None and "hours old" in list_age_warning(30 * 3600)
    assert list_age_warning(None)
