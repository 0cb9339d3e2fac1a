"""The agency's case-number format and the jurisdiction: rules the services hold whatever the UI sends."""

from __future__ import annotations

import pytest

from app.domain.errors import PermissionDenied, ValidationFailed
from app.domain.records.search import DEFAULT_CASE_EXAMPLE, DEFAULT_CASE_PATTERN, case_pattern_problems
from tests.app.records_fixtures import access_rows, make_world, rctx, records_template_db  # noqa: F401


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def test_the_default_format_passes_its_own_rules():
    assert case_pattern_problems(DEFAULT_CASE_PATTERN, DEFAULT_CASE_EXAMPLE) == []


@pytest.mark.parametrize("pattern", [r"..+", r"[A-Z0-9/]+", r"\w*", r"[A-Z0-9]{2,}", r"(?i)none|CFS\d{6}", r"\d+"])
def test_a_format_that_lets_a_placeholder_through_is_refused(w, pattern):
    # A format that takes "XX", "N/A", "NONE", "TBD" or "000" lets a junk case number past every search
    with pytest.raises(ValidationFailed, match="placeholder"):
        w.svc.search.set_case_format(w.sup, pattern, "CFS123456")
    assert w.svc.search.reason_rules().case_pattern == DEFAULT_CASE_PATTERN


def test_a_broken_or_oversized_pattern_is_refused_and_the_refusal_recorded(w):
    with pytest.raises(ValidationFailed, match="not a valid regular expression"):
        w.svc.search.set_case_format(w.sup, r"CFS(\d{6}", "CFS123456")
    with pytest.raises(ValidationFailed, match="200 characters"):
        w.svc.search.set_case_format(w.sup, "CFS\\d{6}" + "|A" * 100, "CFS123456")
    with pytest.raises(ValidationFailed, match="example"):
        w.svc.search.set_case_format(w.sup, r"CFS\d{6}", "24-000123")
    rows = access_rows(w.ctx, "settings.search_reasons")
    assert [r.outcome for r in rows] == ["refused"] * 3
    assert {r.detail["case_pattern"] for r in rows} >= {r"CFS(\d{6}", r"CFS\d{6}"}


def test_only_an_administrator_changes_the_format(w):
    for who in (w.inv, w.disp, w.clerk, w.auditor):
        with pytest.raises(PermissionDenied):
            w.svc.search.set_case_format(who, r"CFS\d{6}", "CFS123456")
    assert w.svc.search.reason_rules().case_pattern == DEFAULT_CASE_PATTERN
    assert [r.outcome for r in access_rows(w.ctx, "settings.search_reasons")] == ["refused"] * 4


def test_a_new_format_keeps_the_purposes_and_is_recorded_with_before_and_after(w):
    before = w.svc.search.reason_rules()
    w.svc.search.set_case_format(w.sup, r"CFS\d{6}", "cfs123456")
    after = w.svc.search.reason_rules()
    assert (after.case_pattern, after.case_example) == (r"CFS\d{6}", "CFS123456")
    assert (after.purposes, after.min_reason_length) == (before.purposes, before.min_reason_length)
    (row,) = access_rows(w.ctx, "settings.search_reasons")
    assert row.outcome == "ok" and row.user_id == w.sup.user_id
    assert row.detail["before"]["case_pattern"] == DEFAULT_CASE_PATTERN
    assert row.detail["case_pattern"] == r"CFS\d{6}"


def test_jurisdiction_refusals_are_recorded_with_what_was_asked(w):
    with pytest.raises(ValidationFailed, match="Unknown jurisdiction"):
        w.svc.retention.set_jurisdiction(w.sup, "atlantis", "Agency moved to Atlantis last year")
    with pytest.raises(ValidationFailed, match="reason"):
        w.svc.retention.set_jurisdiction(w.sup, "maine", "because")
    with pytest.raises(PermissionDenied):
        w.svc.retention.set_jurisdiction(w.clerk, "maine", "Agency operates under 29-A M.R.S. 2117-A")
    rows = access_rows(w.ctx, "retention.jurisdiction")
    assert [r.outcome for r in rows] == ["refused"] * 3
    assert {r.detail.get("to") for r in rows if r.detail} >= {"atlantis", "maine"}
    assert w.svc.retention.jurisdiction().key == "none"
