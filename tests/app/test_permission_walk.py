"""Issue 10: every public service method that takes an actor refuses one who lacks the permission.

The walk finds the methods by introspection, so a new entry point is covered the day it is added:
it must call ``audit_trail.require`` before touching agency data (or be listed below with why not).
"""

from __future__ import annotations

import enum
import inspect
import typing

import pytest

from app.domain.errors import PermissionDenied
from app.domain.users import Actor
from app.paths import AppPaths
from app.persistence.repositories.users import UserRepository
from app.services.bundle import ServiceBundle
from app.settings.secrets import MemorySecretStore
from tests.app.conftest import ready_user
from tests.app.records_fixtures import make_world, rctx, records_template_db  # noqa: F401

#: open to every signed-in user, with the reason
OPEN_TO_ALL = {
    "AccountService.acknowledge_policy": "a user accepts the policy for themself",
    "AccountService.change_password": "a user changes their own password (old one checked)",
    "AccountService.lock_screen": "recording that one's own console locked",
    "AccountService.logout": "recording one's own logout",
    "AccountService.unlock_screen": "re-checks one's own password",
    "AdministrationService.agency_profile": "the agency's name, ORI and policy head every screen and document",
    "HitService.hand_back_at_sign_out": "gives one's own held hits back to the queue as the session ends",
}

#: give those who lack the permission nothing (a badge count of 0) instead of an error
EMPTY_FOR_OTHERS = {"HotListService.pending_count"}


def _services(w, tmp_path, fast_hashing):
    """Every service object of a fully built bundle (nested bundles walked), so new ones are covered."""
    paths = AppPaths(tmp_path / "data", tmp_path / "cfg").ensure()
    bundle = ServiceBundle.build(w.ctx, paths, MemorySecretStore(), fast_hashing)
    found: dict[str, object] = {}

    def walk(obj, prefix):
        for name in getattr(type(obj), "__slots__", ()):
            value = getattr(obj, name, None)
            if value is None or name == "ctx":
                continue
            if hasattr(type(value), "__slots__") and type(value).__module__.startswith("app.services") \
                    and type(value).__name__.endswith(("Services", "Bundle")):
                walk(value, f"{prefix}{name}.")
            elif type(value).__module__.startswith("app.services"):
                found[prefix + name] = value

    walk(bundle, "")
    return found


class Probe(str):
    """Stands in for any argument: every attribute and call gives another probe (a string, storable)."""

    def __new__(cls) -> Probe:
        return super().__new__(cls, "1")

    def __getattr__(self, name: str) -> Probe:
        if name.startswith("_"):  # libraries probe dunder/private hooks (SQLAlchemy's __clause_element__)
            raise AttributeError(name)
        return Probe()

    def __call__(self, *a, **kw) -> Probe:
        return Probe()


def _entry_points(services):
    for svc in services.values():
        for name, fn in inspect.getmembers(type(svc), inspect.isfunction):
            params = list(inspect.signature(fn).parameters.values())
            if name.startswith("_") or len(params) < 2 or params[1].name != "actor":
                continue
            yield f"{type(svc).__name__}.{name}", getattr(svc, name), params[2:], typing.get_type_hints(fn)


def _dummy(p: inspect.Parameter, hints: dict):
    if p.default is not inspect.Parameter.empty:
        return p.default
    hint = hints.get(p.name)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if hint is int:
        return 1
    return Probe()


@pytest.fixture
def world(rctx, tmp_path):  # noqa: F811
    return make_world(rctx, tmp_path)


def test_every_entry_point_refuses_an_actor_without_the_permission(world, tmp_path, fast_hashing):
    # Given a signed-in account (training current, policy accepted) that holds no role at all
    with world.ctx.uow() as uow:
        user = UserRepository(uow.s).add("norole1", "No Role", "x", frozenset(), None, world.ctx.clock.now())
    ready_user(world.ctx, user.id)
    # ... presenting an Actor that still claims every role (the database decides)
    actor = Actor(user.id, "norole1", "TEST-WS", frozenset(Actor.system("x").roles))
    services = _services(world, tmp_path, fast_hashing)
    walked, leaks = [], []
    for qualname, method, params, hints in _entry_points(services):
        if qualname in OPEN_TO_ALL:
            continue
        walked.append(qualname)
        args = [_dummy(p, hints) for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        try:
            result = method(actor, *args)
        except PermissionDenied:
            continue
        except Exception as exc:  # noqa: BLE001 - anything else means the method ran before checking
            leaks.append(f"{qualname}: {type(exc).__name__}: {exc}")
            continue
        if qualname in EMPTY_FOR_OTHERS and not result:
            continue
        leaks.append(f"{qualname}: returned without a permission check")
    assert len(walked) > 60
    assert {"HitService", "SearchService", "CameraService", "AdministrationService"} <= {q.split(".")[0] for q in walked}
    assert leaks == [], "\n".join(leaks)


def test_services_never_trust_the_roles_an_actor_carries():
    """``actor.can`` reads the roles captured at sign-in; services ask audit_trail (the database)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app" / "services"
    offenders = [p.name for p in root.rglob("*.py") if "actor.can(" in p.read_text()]
    assert offenders == []
