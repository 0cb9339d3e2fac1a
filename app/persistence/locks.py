"""Cluster-wide job locks: one process of the center runs a scheduled job at a time."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text


@contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Hold the lock called ``name`` for the block; yields False if another process holds it.

    PostgreSQL: a session advisory lock on a dedicated connection (released when the block ends, or
    by the server if this process dies). SQLite serves one workstation: always True.
    """
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = zlib.crc32(name.encode()) & 0x7FFFFFFF
    with engine.connect() as conn:
        got = bool(conn.execute(text("select pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()
        try:
            yield got
        finally:
            if got:
                conn.execute(text("select pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
