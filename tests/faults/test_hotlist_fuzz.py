"""500 seeded mutated hot-list files: no crash, no silent damage; refused files leave the previous list intact."""

from __future__ import annotations

import random

from app.domain.hotlist_admin import SourceKind
from app.domain.users import Actor
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from tests.faults import scenarios


def test_500_mutated_files_parse_without_crash_or_silent_damage():
    out = scenarios.hotlist_fuzz(files=500, seed=13)
    assert out["crashes"] == 0, out["examples"]
    assert out["silent_damage"] == 0, out["examples"]
    assert out["refused"] > 0 and out["accepted"] > 0  # the mutations do bite, and clean-enough files pass


def test_mutated_imports_never_damage_the_previous_list(ctx, tmp_path):
    svc = HotListService(ctx, HotListIndexHolder(ctx))
    admin = Actor.system(ctx.workstation, "fuzz")
    data, count = scenarios.base_lists()["state_csv"]
    clean = tmp_path / "clean.csv"
    clean.write_bytes(data)
    src = svc.add_source(admin, "Fuzzed", SourceKind.STATE, "state_csv", str(clean))
    assert svc.import_source(admin, src.id).imported == count
    before = {e.plate for e in svc.entries_page(admin, source_id=src.id, limit=1000)}
    rnd = random.Random(5)
    for n in range(40):
        bad = tmp_path / f"bad{n}.csv"
        bad.write_bytes(scenarios.mutate(data, rnd))
        report = svc.import_source(admin, src.id, bad)
        now = {e.plate for e in svc.entries_page(admin, source_id=src.id, limit=1000)}
        if report.accepted:  # only rows of the clean list; fewer only within the shrink guard's 20 %
            assert now <= before and len(before) - len(now) <= 0.2 * len(before), report
            assert svc.import_source(admin, src.id, clean).accepted  # back to the full list for the next round
        else:
            assert now == before, report.refusal
