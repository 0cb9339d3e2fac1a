"""Issue 9, detection-browsing audits (002 IV.Q.2-3, 003 462.8): break attempts through AuditService."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.errors import Conflict, ValidationFailed
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.search import SearchCriteria, SearchReason
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.repositories.users import UserRepository
from tests.app.records_fixtures import access_rows, make_world, pdf_text, rctx, records_template_db  # noqa: F401

REASON = SearchReason(purpose="Criminal investigation", case_number="26-001234")
OCT = datetime(2026, 10, 3, 9, tzinfo=UTC)


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _searches(w, actor, n, when):
    for i in range(n):
        w.ctx.clock.t = when + timedelta(hours=i)
        w.svc.search.search(actor, REASON, SearchCriteria(plate=parse_plate_pattern(f"AU{i:03d}")))


def _auditing_investigator(w) -> Actor:
    """An investigator who is also an auditor: the one whose own searches must not be sampled."""
    with w.ctx.uow() as uow:
        user = UserRepository(uow.s).add("invaud", "Ina Auditor", "x", frozenset({Role.INVESTIGATOR, Role.AUDITOR}),
                                         None, w.ctx.clock.now())
    from tests.app.conftest import ready_user

    ready_user(w.ctx, user.id)  # training current and policy accepted: rights are read at every call
    return Actor.of(user, "TEST-WS")


def _review_all(w, audit, actor):
    for item in audit.items:
        w.svc.audits.mark(actor, item.id, True, "")


def test_the_auditors_own_inquiries_are_excluded_and_the_memo_says_so(w):
    me = _auditing_investigator(w)
    _searches(w, me, 12, OCT)
    _searches(w, w.inv, 11, OCT + timedelta(days=2))
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(me)
    assert audit.population == 11 and audit.excluded_own == 12
    assert {i.username for i in audit.items} == {"inv1"}
    _review_all(w, audit, me)
    text = pdf_text(Path(w.svc.audits.complete(me, audit.id, "", "All fine").path))
    assert "own inquiries (12) were excluded" in " ".join(text.split())


def test_the_seed_is_the_services_and_a_period_is_drawn_once(w):
    _searches(w, w.inv, 25, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    with pytest.raises(TypeError):
        w.svc.audits.start(w.auditor, seed=1)  # type: ignore[call-arg]
    first = w.svc.audits.start(w.auditor)
    with pytest.raises(Conflict, match="drawn already"):
        w.svc.audits.start(w.auditor)
    assert [r.outcome for r in access_rows(w.ctx, "audit.start")] == ["refused", "ok"]
    assert first.seed == access_rows(w.ctx, "audit.start")[-1].detail["seed"]


def test_a_redraw_needs_a_reason_and_is_listed_in_the_memo(w):
    _searches(w, w.inv, 25, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)
    with pytest.raises(ValidationFailed):
        w.svc.audits.redraw(w.auditor, audit.id, "again")
    redrawn = w.svc.audits.redraw(w.auditor, audit.id, "Two sampled inquiries were test searches by IT")
    assert redrawn.seed != audit.seed and len(redrawn.redraws) == 1
    assert redrawn.redraws[0].seed == audit.seed
    _review_all(w, redrawn, w.auditor)
    text = " ".join(pdf_text(Path(w.svc.audits.complete(w.auditor, audit.id, "", "ok").path)).split())
    assert "redrawn 1 time" in text and "test searches by IT" in text and str(audit.seed) in text


def test_a_memo_on_fewer_than_the_minimum_is_refused_unless_the_period_had_fewer(w):
    # Given an audit of the current month drawn when only 3 inquiries existed
    w.ctx.clock.t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    _searches(w, w.inv, 3, w.ctx.clock.t)
    start, end = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor, start, end)
    assert len(audit.items) == 3
    # When 12 more are made in the period, the 3-item sample no longer covers the minimum (nor the month)
    _searches(w, w.inv, 12, datetime(2026, 11, 3, 9, tzinfo=UTC))
    w.ctx.clock.t = datetime(2026, 12, 2, 9, tzinfo=UTC)
    with pytest.raises(ValidationFailed, match="at least 10|after the sample was drawn"):
        w.svc.audits.complete(w.auditor, audit.id, "", "")
    # A period with fewer inquiries than the minimum may be filed, and the memo says so
    w.ctx.clock.t = datetime(2027, 1, 4, 9, tzinfo=UTC)
    small = w.svc.audits.start(w.auditor)  # December: no inquiries at all
    assert small.population == 0 and small.items == ()
    text = " ".join(pdf_text(Path(w.svc.audits.complete(w.auditor, small.id, "", "").path)).split())
    assert "had only 0 inquiries" in text


def test_the_chiefs_review_is_recorded(w):
    _searches(w, w.inv, 10, OCT)
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.sup)
    _review_all(w, audit, w.sup)
    with pytest.raises(Conflict):
        w.svc.audits.chief_review(w.sup2, audit.id, "Reviewed, no action")  # not completed yet
    w.svc.audits.complete(w.sup, audit.id, "", "All compliant")
    with pytest.raises(Conflict, match="own audit"):
        w.svc.audits.chief_review(w.sup, audit.id, "Reviewed my own work")
    w.ctx.clock.advance(days=2)
    doc = w.svc.audits.chief_review(w.sup2, audit.id, "Reviewed with the ALPR administrator; file it")
    done = w.svc.audits.get(w.sup2, audit.id)
    assert done.chief_reviewed_by == "sup2" and done.chief_reviewed_at == w.ctx.clock.now()
    assert "ALPR administrator" in done.chief_remarks
    text = " ".join(pdf_text(Path(doc.path)).split())
    assert "Reviewed by Sup2" in text and "file it" in text
    with pytest.raises(Conflict, match="reviewed by sup2"):
        w.svc.audits.chief_review(w.sup2, audit.id, "Again, once more")


def test_a_missed_period_shows_overdue(w):
    _searches(w, w.inv, 10, datetime(2026, 8, 5, 9, tzinfo=UTC))
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    w.svc.audits.start(w.auditor)  # October audited
    missed = w.svc.audits.overdue(w.auditor)
    assert [(a.month, b.month) for a, b in missed] == [(8, 9), (9, 10)]
