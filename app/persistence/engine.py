"""Engine creation for the embedded SQLite default and for PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from app.domain.errors import DatabaseUnavailable
from app.persistence.write_turns import BULK_WRITES

logger = logging.getLogger(__name__)


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


READ_ONLY = "alpr_read_only"  # execution option: a long read that must not hold the write lock


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    # pysqlite's own transaction handling starts a transaction only before INSERT/UPDATE/DELETE,
    # so a SELECT (such as the access log's "last hash") ran outside it and two processes chained
    # onto the same row. We emit BEGIN ourselves (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:  # noqa: ANN001
    """Take SQLite's write lock at the start of every transaction (one writer at a time, across processes).

    Nearly every unit of work appends to the hash-chained access record, which must read the newest
    row and write after it without another writer in between. Long reads opt out with the
    ``READ_ONLY`` execution option and run on a WAL snapshot without blocking writers.
    """
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        BULK_WRITES.wait_for_turn()  # a bulk chunk of this process is writing: start as it ends, not on a 100 ms poll
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, password: str | None = None) -> Engine:
    """Create an engine; SQLite gets WAL + foreign keys, PostgreSQL the password from the keyring."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if u.get_backend_name() == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        if password is not None:
            u = u.set(password=password)
        return create_engine(u, pool_pre_ping=True, pool_size=4, connect_args={"connect_timeout": 5})
    raise DatabaseUnavailable(f"Unsupported database URL scheme: {u.drivername}")


def check_connection(engine: Engine) -> None:
    """Open one connection or raise DatabaseUnavailable with a readable reason."""
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"Cannot connect to the database ({engine.url.render_as_string()}): {reason}") from exc
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(f"Database error: {exc}") from exc


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
