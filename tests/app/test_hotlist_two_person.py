"""Issue 9, the hot-list two-person rule (002 IV.I.5-6): break attempts through HotListService."""

from __future__ import annotations

import pytest

from app.domain.errors import Conflict, ValidationFailed
from app.domain.hotlist_admin import EntryStatus, LocalEntryDraft
from app.domain.hotlists.records import RecordCategory
from tests.app.test_hotlist_service import ncic, world  # noqa: F401 - world is a fixture


def _draft(**kw) -> LocalEntryDraft:
    base = dict(requesting_officer="Ofc. Ana Reyes", requesting_agency="Metro PD", case_number="26-001234",
                synopsis="Armed robbery at 5th and Main", category=RecordCategory.LOCAL_BOLO, priority=2,
                plate="7ABC123", state="CA")
    base.update(kw)
    return LocalEntryDraft(**base)


def test_a_supervisor_cannot_approve_his_own_edit_of_someone_elses_bolo(world):  # noqa: F811
    svc = world["svc"]
    # Given a dispatcher's pending BOLO
    entry = svc.submit_local(world["disp"], _draft())
    # When supervisor 1 changes its plate and then approves it
    edited = svc.edit_local(world["sup"], entry.id, _draft(plate="7ABC124"))
    with pytest.raises(Conflict, match="last change"):
        svc.decide(world["sup"], entry.id, True, "Looks right to me")
    # Then the entry keeps who entered it, who edited it, and every version
    assert edited.entered_by == world["disp"].user_id and edited.last_edited_by == world["sup"].user_id
    revisions = svc.revisions(world["sup2"], entry.id)
    assert [(r.revision, r.action, r.changed_by_name) for r in revisions] == [(1, "submit", "disp1"),
                                                                               (2, "edit", "sup1")]
    assert ("plate", "7ABC123", "7ABC124") in revisions[1].changes
    # And a second supervisor may approve it (naming the revision reviewed)
    assert svc.decide(world["sup2"], entry.id, True, "Checked with the detective",
                      revision=2).status is EntryStatus.ACTIVE
    assert svc.revisions(world["sup2"], entry.id)[-1].action == "approve"


@pytest.mark.parametrize("typed", ["Sgt. Sam Supervisor", "  sam   SUPERVISOR ", "Lt. Sam  Supervisor #4411"])
def test_a_requester_typed_with_rank_or_spaces_is_still_the_approver(world, typed):  # noqa: F811
    svc = world["svc"]
    entry = svc.submit_local(world["disp"], _draft(requesting_officer=typed, requesting_agency="Our own PD"))
    with pytest.raises(Conflict, match="your name"):
        svc.decide(world["sup"], entry.id, True, "approved by phone")


def test_the_requester_is_picked_from_the_agencys_users(world):  # noqa: F811
    svc = world["svc"]
    users = dict(svc.requesters(world["disp"]))
    assert users[world["sup"].user_id] == "Sam Supervisor (sup1)"
    entry = svc.submit_local(world["disp"], _draft(requesting_user_id=world["sup"].user_id,
                                                   requesting_officer="anything typed is ignored"))
    assert entry.requesting_officer == "Sam Supervisor" and entry.requesting_agency is None
    with pytest.raises(Conflict, match="requested"):
        svc.decide(world["sup"], entry.id, True, "ok by me")


def test_a_file_import_cannot_overwrite_the_local_bolo_source(world, tmp_path):  # noqa: F811
    svc = world["svc"]
    entry = svc.submit_local(world["disp"], _draft())
    svc.decide(world["sup2"], entry.id, True, "Verified with the detective")
    local = next(s for s in svc.sources(world["sup"]) if s.kind == "local")
    file = tmp_path / "one.txt"
    file.write_text(ncic("V000000001", "ZZZ999") + "\n")
    with pytest.raises(Conflict, match="BOLO"):
        svc.import_source(world["sup"], local.id, file)
    assert [e.plate for e in svc.entries_page(world["sup"], source_id=local.id)] == ["7ABC123"]
    assert svc.entry(world["sup"], entry.id).status is EntryStatus.ACTIVE


@pytest.mark.parametrize("field,value", [("requesting_officer", "x"), ("requesting_agency", ""),
                                         ("case_number", "x"), ("synopsis", "x"), ("synopsis", "aaaaaaaaaaaa")])
def test_required_fields_need_substance(world, field, value):  # noqa: F811
    with pytest.raises(ValidationFailed):
        world["svc"].submit_local(world["disp"], _draft(**{field: value}))
