"""Making committed transactions survive a power cut, per engine."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def checkpoint(session: Session) -> None:
    """SQLite: a full WAL checkpoint (committed pages reach the main file). PostgreSQL: nothing to do."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(FULL)"))
