"""A hit is claimed by exactly one dispatcher, whatever the consoles do at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.domain.hit_steps import StepKind
from app.domain.roles import Role
from app.paths import AppPaths
from app.persistence.engine import make_engine
from app.persistence.migrate import upgrade
from app.persistence.orm.hits import HitStepRow
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.bundle import ServiceBundle
from app.services.context import ServiceContext
from app.settings.secrets import MemorySecretStore
from tests.app.conftest import FakeClock, _fresh_pg_url
from tests.app.hitkit import make_actor, make_read, seed_hotlist

pytestmark = pytest.mark.pg

CONSOLES = 4
HITS = 24


def test_concurrent_claim_next_claims_every_hit_exactly_once(tmp_path, fast_hashing):
    url = _fresh_pg_url()
    engines = [make_engine(url) for _ in range(CONSOLES)]
    upgrade(engines[0])
    clock = FakeClock()
    bundles = []
    for i, engine in enumerate(engines):
        ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation=f"CONSOLE-{i}", clock=clock)
        bundles.append(ServiceBundle.build(ctx, AppPaths(tmp_path / f"c{i}", tmp_path / f"c{i}-cfg").ensure(),
                                           MemorySecretStore(), fast_hashing))
    try:
        # Given 24 open hits stored by one console (24 listed cars: repeats of one car would be one hit)
        plates = [f"ABC{n:04d}" for n in range(HITS)]
        matcher, _ = seed_hotlist(bundles[0].ctx, [(p, "CA", "V", "stolen_vehicle", 4, "CA0570200", None)
                                                   for p in plates])
        bundles[0].hits.reads.set_matcher(matcher)
        for n, plate in enumerate(plates):
            assert bundles[0].hits.reads.ingest(make_read(plate, seed=n)).hits
        actors = [make_actor(b.ctx, f"disp{i}", frozenset({Role.DISPATCHER})) for i, b in enumerate(bundles)]
        claimed: dict[int, list[int]] = {i: [] for i in range(CONSOLES)}
        errors: list[BaseException] = []
        start = threading.Barrier(CONSOLES)

        def dispatcher(i: int) -> None:
            try:
                start.wait()
                while (hit := bundles[i].hits.hits.claim_next(actors[i])) is not None:
                    claimed[i].append(hit.id)
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        # When four dispatchers on four consoles all press "claim next" until the queue is empty
        threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(CONSOLES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not errors and not any(t.is_alive() for t in threads)
        everything = [h for ids in claimed.values() for h in ids]
        # Then every hit went to exactly one of them, and the record has one claim step per hit
        assert len(everything) == HITS and len(set(everything)) == HITS
        with bundles[0].ctx.uow() as uow:
            steps = dict(uow.s.execute(select(HitStepRow.hit_id, func.count()).where(
                HitStepRow.kind == StepKind.CLAIMED.value).group_by(HitStepRow.hit_id)).all())
        assert sorted(steps) == sorted(everything) and set(steps.values()) == {1}
        # And a claim of a hit someone holds is refused, naming the holder
        other = (next(i for i, ids in claimed.items() if ids) + 1) % CONSOLES
        held = next(h for i, ids in claimed.items() if i != other for h in ids)
        with pytest.raises(Exception, match="claimed by"):
            bundles[other].hits.hits.claim(actors[other], held)
    finally:
        for e in engines:
            e.dispose()
