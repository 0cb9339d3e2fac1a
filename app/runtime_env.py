"""Opening the configured database for the app and the admin CLI."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from sqlalchemy import Engine

from app.domain.clock import Clock, SystemClock
from app.paths import AppPaths
from app.persistence.engine import DatabaseUnavailable, check_connection, make_engine, sqlite_url
from app.persistence.image_stores import open_image_store
from app.persistence.migrate import upgrade
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.bundle import ServiceBundle
from app.services.checkpoint_key import CheckpointKeyring
from app.services.context import SecurityPolicy, ServiceContext
from app.services.hits_bundle import HitServices
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.image_store import ReadImages
from app.services.passwords import PasswordHashing
from app.services.records_bundle import RecordsServices
from app.settings.model import AppSettings
from app.settings.secrets import KeyringSecretStore, SecretStore


@dataclass(slots=True)
class OpenDatabase:
    engine: Engine
    url_shown: str


def database_url(settings: AppSettings, paths: AppPaths, override: str | None = None) -> str:
    if override:
        return override
    if settings.database.kind == "postgresql" and settings.database.url:
        return settings.database.url
    return sqlite_url(paths.database)


def open_database(settings: AppSettings, paths: AppPaths, secrets: SecretStore,
                  override: str | None = None) -> OpenDatabase:
    """Connect and migrate, or raise DatabaseUnavailable with a readable reason."""
    url = database_url(settings, paths, override)
    password = None
    if url.startswith("postgresql") and not override:
        password = secrets.get(settings.database.password_ref)
    engine = make_engine(url, password)
    check_connection(engine)
    try:
        upgrade(engine)
    except Exception as exc:  # noqa: BLE001 - any migration failure is reported as unavailable
        engine.dispose()
        raise DatabaseUnavailable(f"The database schema could not be brought up to date: {exc}") from exc
    return OpenDatabase(engine, engine.url.render_as_string(hide_password=True))


def workstation_name(settings: AppSettings) -> str:
    return settings.workstation_name or os.environ.get("ALPR_WORKSTATION") or socket.gethostname()


def build_services(engine: Engine, settings: AppSettings, clock: Clock | None = None,
                   hashing: PasswordHashing | None = None, paths: AppPaths | None = None) -> ServiceBundle:
    sec = settings.security
    ctx = ServiceContext(
        uow=unit_of_work_factory(engine),
        workstation=workstation_name(settings),
        clock=clock or SystemClock(),
        security=SecurityPolicy(sec.max_failed_attempts, sec.lockout_minutes, sec.min_password_length,
                                sec.idle_lock_minutes),
        checkpoint_key=CheckpointKeyring(KeyringSecretStore()),
    )
    hashing = hashing or PasswordHashing()
    index = HotListIndexHolder(ctx)
    paths = paths or AppPaths.default()
    images = ReadImages(ctx, open_image_store(engine, paths.images), paths.images)
    hits = HitServices.build(ctx, paths, KeyringSecretStore(), index.matcher, index.matcher.config, images=images)
    return ServiceBundle(ctx=ctx, accounts=AccountService(ctx, hashing),
                         administration=AdministrationService(ctx, hashing),
                         hotlists=HotListService(ctx, index, retroactive=hits.retroactive_check), hotlist_index=index,
                         records=RecordsServices.build(ctx, images, paths.documents), hits=hits)
