"""Issue 10: the monthly audit memorandum prints the access record's head hash and row count."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.records.plates import parse_plate_pattern
from app.domain.records.search import SearchCriteria, SearchReason
from app.services import audit_trail
from tests.app.records_fixtures import make_world, pdf_text, rctx, records_template_db  # noqa: F401


@pytest.fixture
def w(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def test_memo_prints_the_head_hash_and_count(w):
    w.ctx.clock.t = datetime(2026, 10, 3, 9, tzinfo=UTC)
    reason = SearchReason(purpose="Criminal investigation", case_number="26-00112")
    w.svc.search.search(w.inv, reason, SearchCriteria(plate=parse_plate_pattern("AU001")))
    w.ctx.clock.t = datetime(2026, 11, 4, 10, tzinfo=UTC)
    audit = w.svc.audits.start(w.auditor)
    for item in audit.items:
        w.svc.audits.mark(w.auditor, item.id, True, "")
    doc = w.svc.audits.complete(w.auditor, audit.id, "", "")
    words = pdf_text(Path(doc.path)).split()
    assert "Record" in words and "head" in words
    # the memo is printed before its own completion row is appended: its head is a recent one,
    # printed in four groups of 16 hex digits for a paper copy
    printed = [h for h in _recent_hashes(w) if all(h[i:i + 16] in words for i in range(0, 64, 16))]
    assert len(printed) == 1
    assert audit_trail.chain_head(w.ctx).count > 1


def _recent_hashes(w) -> list[str]:
    from app.persistence.repositories.access_log import AccessLogRepository

    with w.ctx.uow() as uow:
        return [e.hash for e in AccessLogRepository(uow.s).recent(10)]
