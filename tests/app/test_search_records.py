from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.errors import PermissionDenied, ValidationFailed
from app.domain.records.plates import fold_plate, parse_plate_pattern
from app.domain.records.search import SearchCriteria, SearchReason
from recognition.match.confusion import fold
from tests.app.records_fixtures import access_rows, add_read, make_world, rctx, records_template_db  # noqa: F401

GOOD = SearchReason(purpose="Criminal investigation", case_number="24-001234")


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


@pytest.fixture
def pw(any_ctx, tmp_path):
    """SQLite and PostgreSQL (for the query-building tests)."""
    return make_world(any_ctx, tmp_path)


def _plates(page):
    return sorted(r.plate for r in page.reads)


def test_search_without_reason_is_refused_and_recorded(w):
    add_read(w, "ABC123", w.ctx.clock.now())
    with pytest.raises(ValidationFailed) as e:
        w.svc.search.search(w.inv, SearchReason(purpose="Criminal investigation", reason="because"),
                            SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert "case/CFS number" in str(e.value)
    refused = [r for r in access_rows(w.ctx, "search") if r.outcome == "refused"]
    assert len(refused) == 1 and refused[0].terms == "plate=ABC123" and refused[0].username == "inv1"
    with w.ctx.uow() as uow:
        from app.persistence.repositories.records import InquiryRepository
        assert InquiryRepository(uow.s).recent() == []


def test_detailed_reason_without_case_number_is_enough(w):
    add_read(w, "ABC123", w.ctx.clock.now())
    reason = SearchReason(purpose="Missing or endangered person", reason="Silver alert for J. Doe, white sedan seen")
    page = w.svc.search.search(w.inv, reason, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert page.total == 1


def test_outside_agency_needs_agency_requester_and_written_reference(w):
    r = SearchReason(purpose="Request from an outside agency", case_number="X1", outside_agency="Metro PD")
    with pytest.raises(ValidationFailed) as e:
        w.svc.search.search(w.inv, r, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert "requested the search" in str(e.value) and "written request" in str(e.value)


def test_search_is_stored_as_inquiry_and_access_record(w):
    now = w.ctx.clock.now()
    for i, p in enumerate(["ABC123", "ABC124", "XYZ123", "AB0123", "QQQ999"]):
        add_read(w, p, now - timedelta(minutes=i))
    page = w.svc.search.search(w.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("ABC12*")))
    assert _plates(page) == ["ABC123", "ABC124"] and page.total == 2
    rec = [r for r in access_rows(w.ctx, "search") if r.outcome == "ok"][0]
    assert rec.case_number == "24-001234" and rec.object_id == str(page.inquiry_id)
    assert rec.detail["result_count"] == 2
    from app.persistence.repositories.records import InquiryRepository
    with w.ctx.uow() as uow:
        inq = InquiryRepository(uow.s).get(page.inquiry_id)
    assert inq.result_count == 2 and inq.terms["plate"] == "ABC12*" and inq.username == "inv1"


def test_wildcards_partial_and_lookalikes(pw):
    now = pw.ctx.clock.now()
    for p in ["ABC123", "XY2345", "Z23Q", "A8C123", "ABC1234"]:
        add_read(pw, p, now)
    s = pw.svc.search
    assert _plates(s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("*23*")))) == \
        ["A8C123", "ABC123", "ABC1234", "XY2345", "Z23Q"]
    assert _plates(s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("ABC12?")))) == ["ABC123"]
    assert _plates(s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("C12", partial=True)))) == \
        ["A8C123", "ABC123", "ABC1234"]
    look = parse_plate_pattern("ABC123", lookalikes=True)
    assert _plates(s.search(pw.inv, GOOD, SearchCriteria(plate=look))) == ["A8C123", "ABC123"]


def test_sql_looking_text_is_just_text(pw):
    add_read(pw, "ABC123", pw.ctx.clock.now())
    reason = SearchReason(purpose="Criminal investigation",
                          reason="1'; DROP TABLE reads; -- stolen truck seen near the depot")
    page = pw.svc.search.search(pw.inv, reason, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert page.total == 1
    with pytest.raises(ValidationFailed):
        parse_plate_pattern("A' OR '1'='1")
    page = pw.svc.search.search(pw.inv, reason, SearchCriteria(plate=parse_plate_pattern("ABC123")))
    assert page.total == 1


def test_bad_criteria_are_clear_errors(w):
    now = w.ctx.clock.now()
    with pytest.raises(ValidationFailed, match="before its start"):
        w.svc.search.search(w.inv, GOOD, SearchCriteria(start=now, end=now - timedelta(days=1)))
    for bad in ("**", "?*", "AB%12", ""):
        with pytest.raises(ValidationFailed):
            parse_plate_pattern(bad)


def test_filters_by_time_camera_colour_state_and_pages(pw):
    now = pw.ctx.clock.now()
    for i in range(7):
        add_read(pw, f"PAG{i:03d}", now - timedelta(hours=i), cam=pw.cams[i % 2], colour="RED" if i % 3 else "BLUE",
                 state="TX" if i < 5 else "OK")
    s = pw.svc.search
    c = SearchCriteria(plate=parse_plate_pattern("PAG*"), start=now - timedelta(hours=4, minutes=30), end=now)
    assert s.search(pw.inv, GOOD, c).total == 5
    assert s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("PAG*"), camera_ids=(pw.cams[1],))).total == 3
    assert s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("PAG*"), colour="BLUE")).total == 3
    assert s.search(pw.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("PAG*"), state="OK")).total == 2
    c = SearchCriteria(plate=parse_plate_pattern("PAG*"))
    first = s.search(pw.inv, GOOD, c, page_size=3)
    assert first.pages == 3 and [r.plate for r in first.reads] == ["PAG000", "PAG001", "PAG002"]
    third = s.page(pw.inv, first.inquiry_id, 2, page_size=3)
    assert [r.plate for r in third.reads] == ["PAG006"]


def test_opening_an_image_is_recorded(w):
    rid = add_read(w, "IMG123", w.ctx.clock.now())
    page = w.svc.search.search(w.inv, GOOD, SearchCriteria(plate=parse_plate_pattern("IMG123")))
    assert w.svc.search.thumbnail(w.inv, page.inquiry_id, rid).startswith(b"jpeg-bytes")
    assert w.svc.search.open_image(w.inv, page.inquiry_id, rid).startswith(b"jpeg-bytes")
    rec = access_rows(w.ctx, "read.image_view")
    assert len(rec) == 1 and rec[0].terms == "IMG123" and rec[0].case_number == "24-001234"


def test_dispatcher_may_not_browse(w):
    with pytest.raises(PermissionDenied):
        w.svc.search.search(w.disp, GOOD, SearchCriteria(plate=parse_plate_pattern("ABC123")))


def test_fold_matches_recognition_and_stored_column():
    for text in ("O0QD", "I1L", "B8S5Z2G6", "ABC123", "DOQ0"):
        assert fold_plate(text) == fold(text)
