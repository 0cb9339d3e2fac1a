"""Camera leases of recognition nodes (app.services.center): fair split, failover of a silent node,
capacity, clean leave, cameras a console owns, and two nodes balancing at the same time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app.domain.center import CameraReport, NodeReport, fair_share
from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.orm.center import RecognitionNodeRow
from app.services.cameras import CameraDraft, CameraService
from app.services.center import CenterService
from app.settings.secrets import MemorySecretStore
from tests.app.hitkit import make_actor

SYSTEM = Actor.system("CONSOLE-1", "console-runtime")


def _node(name, capacity=8, cameras=()):
    return NodeReport(name, "host", 1, capacity, cameras=tuple(cameras))


@pytest.fixture
def center(any_ctx):
    cams = CameraService(any_ctx, MemorySecretStore())
    sup = make_actor(any_ctx, "sup.ray", frozenset({Role.SUPERVISOR}))
    for i in range(8):
        cams.add(sup, CameraDraft(f"cam-{i + 1}", f"Camera {i + 1}", {"type": "demo", "seed": i + 1},
                                  owner_workstation="@nodes"))
    cams.add(sup, CameraDraft("console-cam", "Front desk", {"type": "demo"}, owner_workstation="CONSOLE-1"))
    return CenterService(any_ctx, cams, lease_timeout_s=15.0), cams, sup


def _silence(ctx, name, seconds):
    with ctx.uow() as uow:
        row = uow.s.get(RecognitionNodeRow, name)
        row.heartbeat_at = row.heartbeat_at - timedelta(seconds=seconds)


def _keys(configs):
    return sorted(c.id for c in configs)


def test_fair_share():
    assert [fair_share(8, n, 8) for n in (1, 2, 3)] == [8, 4, 3]
    assert fair_share(8, 1, 5) == 5 and fair_share(0, 2, 8) == 0 and fair_share(3, 0, 8) == 3


def test_two_nodes_split_the_cameras_and_a_silent_one_fails_over(center, any_ctx):
    svc, _cams, _sup = center
    a = svc.heartbeat(_node("node-a"))
    assert len(a) == 8  # alone: everything (never the console's own camera)
    b = svc.heartbeat(_node("node-b"))
    assert b == ()  # all taken; A gives up its surplus at its next beat
    a = svc.heartbeat(_node("node-a"))
    b = svc.heartbeat(_node("node-b"))
    assert len(a) == 4 and len(b) == 4 and not set(_keys(a)) & set(_keys(b))
    assert "console-cam" not in _keys(a) + _keys(b)
    # When node B stops heart-beating for longer than the lease timeout
    _silence(any_ctx, "node-b", 16)
    a = svc.heartbeat(_node("node-a"))
    # Then node A runs all eight, and the consoles see B as not alive
    assert len(a) == 8
    health = svc.health(SYSTEM)
    nodes = {n.name: n for n in health.nodes}
    assert nodes["node-a"].alive and not nodes["node-b"].alive and nodes["node-b"].cameras == ()
    assert len(nodes["node-a"].cameras) == 8 and health.unassigned == ()


def test_a_node_takes_no_more_than_its_capacity(center, any_ctx):
    svc = center[0]
    assert len(svc.heartbeat(_node("small", capacity=5))) == 5
    assert len(svc.health(SYSTEM).unassigned) == 3


def test_a_clean_stop_hands_over_at_once(center):
    svc = center[0]
    svc.heartbeat(_node("node-a"))
    svc.heartbeat(_node("node-b"))
    svc.heartbeat(_node("node-a"))
    assert len(svc.heartbeat(_node("node-b"))) == 4
    svc.leave("node-b")
    assert len(svc.heartbeat(_node("node-a"))) == 8


def test_health_carries_camera_fps_and_state(center):
    svc = center[0]
    svc.heartbeat(_node("node-a"))
    svc.heartbeat(_node("node-a", cameras=[CameraReport("cam-1", "live", 12.5)]))
    cam = next(c for c in svc.health(SYSTEM).cameras if c.key == "cam-1")
    assert (cam.node, cam.state, cam.fps) == ("node-a", "live", 12.5)


def test_a_disabled_camera_is_dropped_from_its_node(center):
    svc, cams, sup = center
    assert "cam-3" in _keys(svc.heartbeat(_node("node-a")))
    cam3 = next(c for c in cams.list(sup) if c.key == "cam-3")
    cams.update(sup, cam3.id, CameraDraft("cam-3", "Camera 3", {"type": "demo", "seed": 3}, owner_workstation="@nodes",
                                          enabled=False))
    assert "cam-3" not in _keys(svc.heartbeat(_node("node-a")))


def test_nodes_balancing_at_the_same_time_never_share_a_camera(center, any_ctx):
    with any_ctx.uow() as uow:
        if uow.s.get_bind().dialect.name != "postgresql":
            pytest.skip("concurrent nodes need the center's PostgreSQL")
    svc = center[0]
    names = [f"node-{i}" for i in range(4)]
    held: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(names))

    def run(name):
        try:
            start.wait()
            for _ in range(6):
                held[name] = _keys(svc.heartbeat(_node(name, capacity=3)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    everything = [k for keys in held.values() for k in keys]
    assert len(everything) == len(set(everything))  # never one camera on two nodes
    leased = {c.key: c.node for c in svc.health(SYSTEM).cameras}
    assert all(leased[k] == n for n, keys in held.items() for k in keys)


def test_node_health_is_refused_to_a_role_that_may_not_see_it(center, any_ctx):
    from app.domain.errors import PermissionDenied
    from tests.app.records_fixtures import access_rows

    svc, _cams, sup = center
    svc.heartbeat(_node("node-a"))
    clerk = make_actor(any_ctx, "clerk.lee", frozenset({Role.RECORDS_CLERK}))
    auditor = make_actor(any_ctx, "aud.kim", frozenset({Role.AUDITOR}))
    for who in (clerk, auditor):
        with pytest.raises(PermissionDenied):
            svc.health(who)
    refused = [e for e in access_rows(any_ctx, "center.health")]
    assert {e.username for e in refused} == {"clerk.lee", "aud.kim"} and {e.outcome for e in refused} == {"refused"}
    # a supervisor (console and cameras) and the runtime's system actor may read it
    assert [n.name for n in svc.health(sup).nodes] == ["node-a"]
    assert [n.name for n in svc.health(SYSTEM).nodes] == ["node-a"]
