"""Hit notifications between consoles and nodes: PostgreSQL NOTIFY in the writing transaction, LISTEN elsewhere.

A new hit, a claim and a step each send ``NOTIFY alpr_hits, '{"hit_id": .., "kind": .., ...}'``
inside the transaction that made the change, so other consoles hear of it exactly when it is
committed (never for a rolled-back change). On SQLite (one console) nothing is sent.

Listening: :class:`PgNotificationListener` owns an autocommit psycopg connection (STACK.md 4.9:
a LISTEN connection must be autocommit); :meth:`~PgNotificationListener.wait` blocks up to a
timeout and returns the parsed notifications. app.workers.pg_listener runs it on a thread and
emits Qt signals. The payload itself is :class:`app.domain.notifications.HitNotification`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.domain.notifications import CHANNEL, HitNotification


def notify(session: Session, note: HitNotification, channel: str = CHANNEL) -> None:
    """Queue ``note`` in the session's transaction (PostgreSQL only; delivered at commit)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("select pg_notify(:ch, :payload)"), {"ch": channel, "payload": note.to_json()})


def psycopg_dsn(url: str) -> str:
    """The libpq DSN of a SQLAlchemy URL (``postgresql+psycopg://`` -> ``postgresql://``)."""
    u = make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


class PgNotificationListener:
    """LISTEN on one channel over its own autocommit connection.

    Args:
        dsn: libpq DSN or SQLAlchemy URL of the database.
        channel: channel name (a plain identifier).
        connect_timeout: seconds allowed for (re)connecting.

    """

    def __init__(self, dsn: str, channel: str = CHANNEL, connect_timeout: float = 5.0) -> None:
        if not channel.replace("_", "").isalnum():
            raise ValueError("channel must be a plain identifier")
        self.dsn = psycopg_dsn(dsn) if "+" in dsn.split("://", 1)[0] else dsn
        self.channel = channel
        self.connect_timeout = connect_timeout
        self._conn: Any = None

    @property
    def connected(self) -> bool:
        """Whether the LISTEN connection is open."""
        return self._conn is not None and not self._conn.closed

    def connect(self) -> None:
        """Open the autocommit connection and LISTEN (idempotent)."""
        import psycopg

        if self.connected:
            return
        self._conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=max(1, int(self.connect_timeout)))
        self._conn.execute(f"LISTEN {self.channel}")

    def wait(self, timeout: float = 0.5) -> list[HitNotification]:
        """Block up to ``timeout`` seconds; return what arrived (reconnects on the next call after a failure).

        Raises:
            psycopg.OperationalError: the connection could not be opened or was lost.

        """
        import psycopg

        self.connect()
        out: list[HitNotification] = []
        try:
            got = list(self._conn.notifies(timeout=timeout, stop_after=1))
            if got:
                got += list(self._conn.notifies(timeout=0.02))  # drain a burst, then return promptly
            for n in got:
                parsed = HitNotification.parse(n.payload)
                if parsed is not None:
                    out.append(parsed)
        except psycopg.OperationalError:
            self.close()
            raise
        return out

    def close(self) -> None:
        """Close the connection (the next wait reconnects)."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
