"""Pick the image store backend for an engine: pack files on SQLite, the image table on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from app.persistence.image_store_packs import PackImageStore
from app.persistence.image_store_pg import PgImageStore
from app.persistence.unit_of_work import UnitOfWorkFactory


def open_image_store(engine: Engine, images_root: Path) -> PackImageStore | PgImageStore:
    """The backend for ``engine``; ``images_root`` is the workstation's images folder (packs go below it)."""
    if engine.dialect.name == "postgresql":
        return PgImageStore(engine)
    return PackImageStore(images_root / "packs")


def engine_of(uow: UnitOfWorkFactory) -> Engine:
    """The engine behind a unit-of-work factory."""
    with uow() as u:
        bind = u.s.get_bind()
    return bind.engine if hasattr(bind, "engine") else bind
