from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from app.domain.users import Actor, TrainingRecord
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.migrate import upgrade
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.checkpoint_key import CheckpointKeyring
from app.services.context import SecurityPolicy, ServiceContext
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.passwords import PasswordHashing
from app.settings.secrets import MemorySecretStore


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.t = start or datetime(2026, 11, 2, 14, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fast_hashing() -> PasswordHashing:
    return PasswordHashing(time_cost=1, memory_kib=1024, parallelism=1)


def _fresh_pg_url() -> str:
    base = os.environ["DATABASE_URL"]
    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def any_engine(request, tmp_path):
    url = sqlite_url(tmp_path / "alpr.db") if request.param == "sqlite" else _fresh_pg_url()
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "alpr.db"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def ctx(engine, clock) -> ServiceContext:
    return ServiceContext(uow=unit_of_work_factory(engine), workstation="TEST-WS", clock=clock,
                          security=SecurityPolicy(), checkpoint_key=CheckpointKeyring(MemorySecretStore()))


@pytest.fixture
def any_ctx(any_engine, clock) -> ServiceContext:
    return ServiceContext(uow=unit_of_work_factory(any_engine), workstation="TEST-WS", clock=clock,
                          checkpoint_key=CheckpointKeyring(MemorySecretStore()))


@pytest.fixture
def hotlist_svc(ctx) -> HotListService:
    return HotListService(ctx, HotListIndexHolder(ctx))


@pytest.fixture
def hotlist_admin(ctx) -> Actor:
    return Actor.system(ctx.workstation, "admin-test")


def current_training(today: date | None = None) -> TrainingRecord:
    today = today or date(2026, 11, 2)
    return TrainingRecord("ALPR operator", today - timedelta(days=30), today + timedelta(days=335))


def ready_user(ctx, user_id: int, today: date | None = None) -> None:
    """Give a test account what a session needs now: current training and the policy accepted."""
    from app.persistence.repositories.agency import AgencyRepository
    from app.persistence.repositories.users import UserRepository

    with ctx.uow() as uow:
        users = UserRepository(uow.s)
        user = users.get(user_id)
        if not any(t.expires_on >= (today or ctx.clock.now().date()) for t in user.training):
            users.add_training(user_id, current_training(today or ctx.clock.now().date()), None, ctx.clock.now())
        users.acknowledge_policy(user_id, AgencyRepository(uow.s).get().policy_version, ctx.clock.now())


def signed_in(accounts, username: str, password: str, result: bool = False):
    """Log in and accept the policy as the login flow does; returns the actor (or the LoginResult).

    A temporary password is kept (the flag cleared directly) so tests can sign in again with it.
    """
    from app.persistence.repositories.users import UserRepository

    login = accounts.login(username, password)
    if login.must_change_password:
        with accounts.ctx.uow() as uow:
            UserRepository(uow.s)._row(login.user.id).must_change_password = False
    if login.needs_policy_ack:
        accounts.acknowledge_policy(login.actor, login.policy_version)
    return login if result else login.actor
