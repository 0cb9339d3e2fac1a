"""Camera administration: validation, ownership, logins in the keyring only."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.orm.cameras import CameraRow
from app.services.cameras import CameraDraft, CameraService
from app.settings.secrets import MemorySecretStore
from tests.app.hitkit import make_actor

RTSP = {"type": "rtsp", "url": "rtsp://10.0.0.5:554/stream1", "use_credentials": True}


@pytest.fixture
def admin(ctx):
    return make_actor(ctx, "sup.ray", frozenset({Role.SUPERVISOR}))


RUNTIME = Actor.system("TEST-WS", "recognition")


def test_add_and_edit_a_camera(ctx, admin):
    svc = CameraService(ctx, MemorySecretStore())
    cam = svc.add(admin, CameraDraft("main-nb", "Main St", RTSP, location="Main & 5th", direction="NB"))
    assert cam.owner_workstation == "TEST-WS" and cam.source["transport"] == "tcp"
    assert cam.label == "Main St NB (Main & 5th)"

    edited = svc.update(admin, cam.id, CameraDraft("main-nb", "Main Street", RTSP, location="Main & 6th",
                                                   direction="NB", enabled=False))
    assert edited.name == "Main Street" and not edited.enabled
    with pytest.raises(Conflict):
        svc.add(admin, CameraDraft("main-nb", "Again", RTSP))
    with pytest.raises(ValidationFailed, match="cannot change"):
        svc.update(admin, cam.id, CameraDraft("other", "Main Street", RTSP))


def test_bad_sources_are_refused_with_reasons(ctx, admin):
    svc = CameraService(ctx, MemorySecretStore())
    with pytest.raises(ValidationFailed, match="user or password in the URL"):
        svc.add(admin, CameraDraft("c1", "Cam", {"type": "rtsp", "url": "rtsp://admin:secret@10.0.0.5/s"}))
    with pytest.raises(ValidationFailed, match="Source"):
        svc.add(admin, CameraDraft("c2", "Cam", {"type": "rtsp", "url": "http://wrong"}))
    with pytest.raises(ValidationFailed, match="camera id"):
        svc.add(admin, CameraDraft("bad id!", "Cam", {"type": "demo"}))


def test_credentials_live_in_the_keyring_only(ctx, admin, engine):
    secrets = MemorySecretStore()
    svc = CameraService(ctx, secrets)
    cam = svc.add(admin, CameraDraft("gate", "Gate", RTSP))
    svc.set_credentials(admin, cam.id, "viewer", "s3cret-Pa55")

    assert svc.credentials(RUNTIME, "gate") == ("viewer", "s3cret-Pa55")
    with engine.connect() as conn:  # nowhere in the database, not even in the access record
        dump = "\n".join(str(r) for t in ("cameras", "access_log") for r in conn.execute(text(f"select * from {t}")))
    assert "s3cret-Pa55" not in dump and "camera/gate" in dump
    svc.clear_credentials(admin, cam.id)
    assert svc.credentials(RUNTIME, "gate") is None and not secrets.d


def test_a_signed_in_user_never_reads_a_camera_login_back(ctx, admin):
    from app.domain.errors import PermissionDenied
    from tests.app.records_fixtures import access_rows

    svc = CameraService(ctx, MemorySecretStore())
    cam = svc.add(admin, CameraDraft("gate", "Gate", RTSP))
    svc.set_credentials(admin, cam.id, "viewer", "s3cret-Pa55")
    # even the administrator who set it (roles do not matter: only the recognition runtime gets it)
    with pytest.raises(PermissionDenied):
        svc.credentials(admin, "gate")
    refused = access_rows(ctx, "cameras.credentials_read")
    assert [(e.username, e.outcome, e.terms) for e in refused] == [(admin.username, "refused", "gate")]
    assert "s3cret-Pa55" not in str(refused[0])


def test_runtime_gets_only_this_workstations_enabled_cameras(ctx, admin):
    svc = CameraService(ctx, MemorySecretStore())
    svc.add(admin, CameraDraft("mine", "Mine", {"type": "demo", "seed": 3}))
    svc.add(admin, CameraDraft("off", "Off", {"type": "demo"}, enabled=False))
    svc.add(admin, CameraDraft("theirs", "Theirs", {"type": "demo"}, owner_workstation="WS-2"))
    with ctx.uow() as uow:  # a source stored by an older version that no longer validates is skipped
        uow.s.add(CameraRow(key="broken", name="Broken", source={"type": "nope"}, owner_workstation="TEST-WS"))
    configs = svc.runtime_cameras()
    assert [c.id for c in configs] == ["mine"] and configs[0].source.seed == 3
    assert [c.id for c in svc.runtime_cameras("WS-2")] == ["theirs"]


def test_dispatchers_cannot_edit_cameras(ctx):
    kim = make_actor(ctx, "disp.kim")
    svc = CameraService(ctx, MemorySecretStore())
    with pytest.raises(PermissionDenied):
        svc.add(kim, CameraDraft("x", "X", {"type": "demo"}))
    assert svc.list(kim) == []
    with ctx.uow() as uow:
        assert uow.s.scalar(select(CameraRow)) is None
