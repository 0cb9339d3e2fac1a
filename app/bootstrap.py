"""Composition root: parses the command line and builds every concrete object.

Settings, secrets, the database, services, the DB executor, the signal hub and the runtime are made
here and handed over; the console (app.ui.application), the recognition node (app.runtime.node) and
the admin CLI (app.cli) only use what they are given.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from app.domain.clock import Clock, SystemClock
from app.domain.display_dates import set_date_style
from app.domain.errors import DatabaseUnavailable
from app.paths import AppPaths
from app.persistence.engine import check_connection, make_engine, sqlite_url
from app.persistence.image_stores import open_image_store
from app.persistence.locks import job_lock
from app.persistence.migrate import upgrade
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.bundle import ServiceBundle
from app.services.checkpoint_key import CheckpointKeyring
from app.services.context import SecurityPolicy, ServiceContext
from app.services.demo_seed import demo_refusal
from app.services.image_store import ReadImages
from app.services.passwords import PasswordHashing
from app.settings.model import AppSettings
from app.settings.secrets import KeyringSecretStore, SecretStore
from app.settings.store import load_settings

logger = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="alpr-console", description="ALPR dispatch console")
    p.add_argument("--demo", action="store_true", help="run on the built-in synthetic camera feed and demo hot list")
    p.add_argument("--data-dir", help="folder for the database, images, documents and settings")
    p.add_argument("--database-url", help="override the configured database URL")
    p.add_argument("--screenshot", metavar="PNG", help="render the window after start-up to PNG and exit")
    p.add_argument("--screenshot-delay", type=float, default=1.5, help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command")
    from app.cli import add_admin_parser, add_node_parser

    add_admin_parser(sub)
    add_node_parser(sub)
    return p.parse_args(argv)


# ---- settings and the database ---------------------------------------------------------------------

@dataclass(slots=True)
class OpenDatabase:
    engine: Engine
    url_shown: str

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @property
    def url_with_password(self) -> str:
        """For the LISTEN connection (never logged or shown)."""
        return self.engine.url.render_as_string(hide_password=False)


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


def freeze_startup_heap() -> int:
    """Collect once, then move every object alive now out of the cyclic collector's generations.

    Called when a process has built its long-lived parts (modules, services, ORM mappers, compiled
    queries): a later full collection (one comes whenever the young objects outgrow a quarter of the old
    ones, e.g. when an import starts) then scans only what was made since, not the whole start-up heap
    (a 100-220 ms pause of every thread on the console's GUI thread at the start of each import).
    Frozen objects are still freed by reference counting; only cycles among them are never collected.
    Returns the number of frozen objects.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def workstation_name(settings: AppSettings) -> str:
    return settings.workstation_name or os.environ.get("ALPR_WORKSTATION") or socket.gethostname()


def build_services(engine: Engine, settings: AppSettings, paths: AppPaths, secrets: SecretStore,
                   clock: Clock | None = None, hashing: PasswordHashing | None = None) -> ServiceBundle:
    """Every service on one context (units of work on ``engine``, the settings' security rules)."""
    set_date_style(settings.ui.date_format)  # tables, dialogs and PDFs all write dates this way
    sec = settings.security
    ctx = ServiceContext(
        uow=unit_of_work_factory(engine),
        workstation=workstation_name(settings),
        clock=clock or SystemClock(),
        security=SecurityPolicy(sec.max_failed_attempts, sec.lockout_minutes, sec.min_password_length,
                                sec.idle_lock_minutes),
        checkpoint_key=CheckpointKeyring(secrets),
    )
    images = ReadImages(ctx, open_image_store(engine, paths.images), paths.images)
    return ServiceBundle.build(ctx, paths, secrets, hashing, images, settings.node.lease_timeout_s)


def runs_cameras(settings: AppSettings, db: OpenDatabase, demo: bool = False) -> bool:
    """Whether a console runs recognition itself: as set, else on SQLite (or the demo) but not on PostgreSQL."""
    if settings.run_recognition is not None:
        return settings.run_recognition
    return demo or not db.is_postgres


# ---- one process's parts ------------------------------------------------------------------------------

@dataclass(slots=True)
class Assembly:
    """What one process is built from; :meth:`connect` adds the database, services and runtime."""

    args: argparse.Namespace
    paths: AppPaths
    settings: AppSettings
    secrets: SecretStore
    warnings: list[str] = field(default_factory=list)
    db: OpenDatabase | None = None
    services: ServiceBundle | None = None

    @classmethod
    def load(cls, args: argparse.Namespace, secrets: SecretStore | None = None) -> Assembly:
        paths = AppPaths.default(Path(args.data_dir) if args.data_dir else None).ensure()
        loaded = load_settings(paths.settings_file)
        return cls(args, paths, loaded.settings, secrets or KeyringSecretStore(),
                   [loaded.warning] if loaded.warning else [])

    def connect(self) -> ServiceBundle:
        """Open (and migrate) the database and build the services (blocking: run it on the executor).

        Raises:
            DatabaseUnavailable: with a readable reason.

        """
        self.db = open_database(self.settings, self.paths, self.secrets, getattr(self.args, "database_url", None))
        timeout = getattr(self.args, "lease_timeout_s", None)
        if timeout:
            self.settings.node.lease_timeout_s = timeout
        self.services = build_services(self.db.engine, self.settings, self.paths, self.secrets)
        refusal = demo_refusal(self.services.ctx.uow) if getattr(self.args, "demo", False) else None
        if refusal:  # before the runtime (which starts before anyone signs in) seeds anything
            raise DatabaseUnavailable(refusal)
        freeze_startup_heap()  # the services live as long as the process: keep them out of full collections
        return self.services

    def console_runtime(self, executor, signals):  # noqa: ANN001, ANN201 - Qt types imported lazily
        """The runtime of a console: its own cameras only if configured to (always on SQLite)."""
        from app.runtime.app_runtime import AppRuntime, RuntimeOptions

        assert self.db is not None and self.services is not None, "connect() first"
        demo = bool(getattr(self.args, "demo", False))
        pg = self.db.is_postgres
        options = RuntimeOptions(run_cameras=runs_cameras(self.settings, self.db, demo), demo=demo,
                                 listen_url=self.db.url_with_password if pg else "",
                                 center_health_ms=3000 if pg else 0)
        return AppRuntime(self.services, executor, signals, self.paths, options, self.settings.alerts,
                          job_lock=self.job_lock)

    def node_runtime(self, executor, signals):  # noqa: ANN001, ANN201 - Qt types imported lazily
        """The runtime of a recognition node: cameras by lease, the center's PostgreSQL only."""
        from app.runtime.app_runtime import AppRuntime, RuntimeOptions
        from app.runtime.node import NodeRuntime

        assert self.db is not None and self.services is not None, "connect() first"
        if not self.db.is_postgres:
            raise DatabaseUnavailable("A recognition node works for a communications center: give the center's "
                                      "PostgreSQL (settings database.url, or --database-url).")
        args, node = self.args, self.settings.node
        options = RuntimeOptions(run_cameras=False, listen_url=self.db.url_with_password, standby_chime=False,
                                 child_process=not getattr(args, "in_process", False),
                                 use_models=not getattr(args, "oracle", False))
        runtime = AppRuntime(self.services, executor, signals, self.paths, options, job_lock=self.job_lock)
        return NodeRuntime(runtime, self.services.center, getattr(args, "name", None) or self.services.ctx.workstation,
                           capacity=getattr(args, "capacity", None) or node.capacity,
                           heartbeat_s=getattr(args, "heartbeat_s", None) or node.heartbeat_s,
                           lease_timeout_s=self.services.center.lease_timeout_s)

    def job_lock(self, name: str):  # noqa: ANN201
        assert self.db is not None
        return job_lock(self.db.engine, name)

    def close(self) -> None:
        if self.db is not None:
            self.db.engine.dispose()


def run(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    assembly = Assembly.load(args)
    if args.command == "admin":
        from app.cli import run_admin

        return run_admin(args, assembly)
    if args.command == "node":
        from app.runtime.node_main import run_node

        return run_node(assembly)
    from app.ui.application import run_gui

    return run_gui(assembly)
