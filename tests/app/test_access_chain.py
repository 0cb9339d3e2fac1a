from __future__ import annotations

import pytest
from sqlalchemy import text

from app.domain.users import Actor
from app.persistence.repositories.access_log import AccessLogRepository
from app.services import audit_trail


def test_chain_intact_then_tamper_detected(any_ctx, any_engine):
    actor = Actor(None, "tester", "WS1")
    for i in range(20):
        audit_trail.record_alone(any_ctx, actor, "search", terms=f"ABC{i}", reason="case 26-123")
    assert audit_trail.verify_chain(any_ctx).intact
    # Given an insider edits row 7's terms directly in the database
    with any_engine.begin() as c:
        c.execute(text("update access_log set terms='XYZ999' where id=7"))
    verdict = audit_trail.verify_chain(any_ctx)
    assert not verdict.intact and verdict.first_broken_id == 7
    assert "altered" in verdict.describe()


def test_deleted_row_detected(ctx, engine):
    actor = Actor(None, "tester", "WS1")
    for i in range(5):
        audit_trail.record_alone(ctx, actor, "view", object_id=i)
    with engine.begin() as c:
        c.execute(text("delete from access_log where id=3"))
    verdict = audit_trail.verify_chain(ctx)
    assert not verdict.intact and verdict.first_broken_id == 4


def test_record_rolls_back_with_the_access(ctx):
    actor = Actor(None, "tester", "WS1")
    with pytest.raises(RuntimeError):
        with ctx.uow() as uow:
            audit_trail.record(uow, ctx, actor, "export")
            raise RuntimeError("disk full")
    with ctx.uow() as uow:
        assert AccessLogRepository(uow.s).recent() == []


def test_repository_offers_no_update_or_delete():
    public = {n for n in dir(AccessLogRepository) if not n.startswith("_")}
    assert not any(w in n for n in public for w in ("update", "delete", "remove", "edit"))
