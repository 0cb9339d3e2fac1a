"""Session 25 break attempts on NCIC confirmation left open by the session 24 review (each seen failing first)."""

from __future__ import annotations

import pytest

from app.domain.errors import ValidationFailed
from app.domain.hit_steps import (
    DispositionStep,
    NcicQuery,
    NcicResult,
    Outcome,
    StepKind,
    YqPriority,
    YrAnswer,
    YrReceived,
)
from tests.app.test_adversary_s24_hits import REASON, _claimed_hit, _draft, w  # noqa: F401 - the same world

ENTERING_ORI = "CA0570200"  # the ORI of ABC1234's record in hitkit.seed_hotlist


def _asked(w):  # noqa: ANN001, ANN202, F811
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.send_yq(w.disp, hit.id, YqPriority.URGENT)
    return hit


def test_a_yr_from_another_agency_is_not_recorded_as_the_answer(w):  # noqa: F811
    # DOMAIN: a YQ goes to the entering agency, answered by YR: a third agency cannot answer for its record
    hit = _asked(w)
    for answer in (YrAnswer.CONFIRMED, YrAnswer.DENIED):
        with pytest.raises(ValidationFailed, match=ENTERING_ORI):
            w.hits.record(w.disp, hit.id, YrReceived(answer, from_ori="NV0020000"))
    assert not [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.YR_RECEIVED]
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.CONFIRMED, from_ori=ENTERING_ORI.lower()))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))


def test_a_yr_without_an_ori_is_recorded_as_the_entering_agencys(w):  # noqa: F811
    hit = _asked(w)
    w.hits.record(w.disp, hit.id, YrReceived(YrAnswer.CONFIRMED))
    (yr,) = [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.YR_RECEIVED]
    assert yr.payload["from_ori"] == ENTERING_ORI


def test_the_ncic_query_itself_is_still_enough_without_a_yq(w):  # noqa: F811
    hit = _claimed_hit(w)
    w.hits.accept(w.disp, hit.id)
    w.hits.record(w.disp, hit.id, NcicQuery(NcicResult.OUTSTANDING))
    w.hits.record(w.disp, hit.id, DispositionStep(Outcome.ARREST))


def test_a_hit_on_a_partial_plate_is_accepted_only_with_an_override(w):  # noqa: F811
    # the characters the list leaves open cannot be verified: the panel says so and Accept needs a reason
    entry = w.hl.submit_local(w.disp, _draft(plate="7AB*23", major_crime=True))
    w.hl.decide(w.sup2, entry.id, True, "Checked with the detective")
    hit = _claimed_hit(w, "7ABQ23")
    with pytest.raises(ValidationFailed, match="partial plate"):
        w.hits.accept(w.disp, hit.id)
    w.hits.accept(w.disp, hit.id, override_reason=REASON)
    (accepted,) = [s for s in w.hits.view(w.disp, hit.id).steps if s.kind is StepKind.VISUAL_ACCEPTED]
    assert "partial plate" in " ".join(accepted.payload["mismatches"])
