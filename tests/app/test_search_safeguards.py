"""Issue 9, detection browsing: break attempts through SearchService (the calls the Search screen makes)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from app.domain.records.plates import parse_plate_pattern
from app.domain.records.search import ReasonRules, SearchCriteria, SearchReason
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.repositories.users import UserRepository
from tests.app.records_fixtures import access_rows, add_read, make_world, rctx, records_template_db  # noqa: F401

GOOD = SearchReason(purpose="Criminal investigation", case_number="24-001234")


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def _second_investigator(w) -> Actor:
    with w.ctx.uow() as uow:
        user = UserRepository(uow.s).add("inv2", "Ivy Two", "x", frozenset({Role.INVESTIGATOR}), None,
                                         w.ctx.clock.now())
        return Actor.of(user, "TEST-WS")


def _abc_inquiry(w):
    now = w.ctx.clock.now()
    target = add_read(w, "ABC123", now)
    others = [add_read(w, f"ZZZ{i:03d}", now) for i in range(5)]
    page = w.svc.search.search(w.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("ABC123")), page_size=1)
    return page, target, others


def test_paging_runs_the_inquirys_recorded_criteria_only(w):
    page, target, _ = _abc_inquiry(w)
    assert page.total == 1
    # the old signature let the caller pass any criteria under this inquiry: it is gone
    with pytest.raises(TypeError):
        w.svc.search.page(w.inv, page.inquiry_id, SearchCriteria(), 0)  # type: ignore[arg-type]
    again = w.svc.search.page(w.inv, page.inquiry_id, 0, page_size=50)
    assert [r.id for r in again.reads] == [target]
    (row,) = access_rows(w.ctx, "search.page")
    assert row.terms == f"plate=ABC123 to={w.ctx.clock.now().isoformat(timespec='minutes')}"  # ends when it was made


def test_paging_and_images_only_for_the_inquirys_owner(w):
    page, target, _ = _abc_inquiry(w)
    other = _second_investigator(w)
    with pytest.raises(PermissionDenied):
        w.svc.search.page(other, page.inquiry_id, 0)
    with pytest.raises(PermissionDenied):
        w.svc.search.open_image(other, page.inquiry_id, target)
    with pytest.raises(PermissionDenied):
        w.svc.search.thumbnail(other, page.inquiry_id, target)
    assert not [r for r in access_rows(w.ctx, "read.image_view") if r.outcome == "ok"]
    refused = [r for r in access_rows(w.ctx, "read.image_view") if r.outcome == "refused"]
    assert refused and refused[0].username == "inv2"


def test_images_outside_the_inquirys_results_are_refused(w):
    page, target, others = _abc_inquiry(w)
    with pytest.raises(NotFound, match="not a result"):
        w.svc.search.open_image(w.inv, page.inquiry_id, others[0])
    with pytest.raises(NotFound, match="not a result"):
        w.svc.search.thumbnail(w.inv, page.inquiry_id, others[0])
    assert w.svc.search.open_image(w.inv, page.inquiry_id, target)


def test_every_thumbnail_view_is_recorded(w):
    page, target, _ = _abc_inquiry(w)
    assert w.svc.search.thumbnail(w.inv, page.inquiry_id, target)
    (row,) = access_rows(w.ctx, "read.thumbnail_view")
    assert row.object_id == str(target) and row.case_number == "24-001234" and row.username == "inv1"


@pytest.mark.parametrize("reason", [
    SearchReason(purpose="Criminal investigation", case_number="x"),
    SearchReason(purpose="Criminal investigation", reason="aaaaaaaaaaaaaaaaaaaaaaaaa"),
    SearchReason(purpose="Criminal investigation", reason="xxxx xxxx xxxx xxxx xxxx"),
    SearchReason(purpose="Criminal investigation", reason="asdf asdf asdf asdf asdf"),
    SearchReason(purpose="Request from an outside agency", case_number="24-001234"),
])
def test_junk_case_numbers_reasons_and_bare_outside_purposes_are_refused(w, reason):
    add_read(w, "ABC123", w.ctx.clock.now())
    with pytest.raises(ValidationFailed):
        w.svc.search.search(w.inv, reason, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert [r.outcome for r in access_rows(w.ctx, "search")] == ["refused"]


def test_outside_purpose_with_its_fields_passes(w):
    add_read(w, "ABC123", w.ctx.clock.now())
    reason = SearchReason(purpose="Request from an outside agency", case_number="24-001234",
                          outside_agency="Metro PD", outside_requester="Det. P. Lee", request_reference="MPD-2026-77")
    assert w.svc.search.search(w.inv, reason, SearchCriteria(plate=parse_plate_pattern("ABC123"))).total == 1


def test_case_number_pattern_is_configurable_per_agency(w):
    add_read(w, "ABC123", w.ctx.clock.now())
    crit = SearchCriteria(plate=parse_plate_pattern("ABC123"))
    rules = replace(w.svc.search.reason_rules(), case_pattern=r"CFS\d{8}", case_example="CFS26000123")
    with pytest.raises(ValidationFailed):
        w.svc.search.set_reason_rules(w.sup, replace(rules, case_pattern=r"CFS\d{8}", case_example="x"))
    with pytest.raises(ValidationFailed):
        w.svc.search.set_reason_rules(w.sup, replace(rules, case_pattern=r".*", case_example="CFS26000123"))
    admin = w.sup
    try:
        w.svc.search.set_reason_rules(admin, rules)
    except PermissionDenied:
        pytest.skip("the supervisor role may not change search settings here")
    assert isinstance(w.svc.search.reason_rules(), ReasonRules)
    with pytest.raises(ValidationFailed, match="CFS26000123"):
        w.svc.search.search(w.inv, GOOD, crit)
    ok = replace(GOOD, case_number="cfs26000999")
    assert w.svc.search.search(w.inv, ok, crit).total == 1
