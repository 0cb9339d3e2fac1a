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

from app.domain.changes import Changes
from app.domain.notifications import (
    CHANGES_CHANNEL,
    CHANNEL,
    READS_CHANNEL,
    HitNotification,
    ReadsStored,
    changes_payload,
)


def notify(session: Session, note: HitNotification, channel: str = CHANNEL) -> None:
    """Queue ``note`` in the session's transaction (PostgreSQL only; delivered at commit)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text("select pg_notify(:ch, :payload)"), {"ch": channel, "payload": note.to_json()})


def notify_reads(session: Session, note: ReadsStored) -> None:
    """Queue the reads a transaction stores (PostgreSQL only; delivered at commit)."""
    if session.get_bind().dialect.name != "postgresql" or not note.reads:
        return
    for payload in note.to_json_chunks():
        session.execute(text("select pg_notify(:ch, :payload)"), {"ch": READS_CHANNEL, "payload": payload})


def notify_changes(session: Session, changes: Changes, workstation: str) -> None:
    """Tell the other processes of the center what changed here (PostgreSQL only; delivered at commit)."""
    if session.get_bind().dialect.name != "postgresql" or not changes:
        return
    session.execute(text("select pg_notify(:ch, :payload)"),
                    {"ch": CHANGES_CHANNEL, "payload": changes_payload(changes, workstation)})


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

    def __init__(self, dsn: str, channel: str = CHANNEL, connect_timeout: float = 5.0,
                 also: tuple[str, ...] = ()) -> None:
        for name in (channel, *also):
            if not name.replace("_", "").isalnum():
                raise ValueError("channel must be a plain identifier")
        self.dsn = psycopg_dsn(dsn) if "+" in dsn.split("://", 1)[0] else dsn
        self.channel = channel
        self.channels = (channel, *also)
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
        for name in self.channels:
            self._conn.execute(f"LISTEN {name}")

    def wait(self, timeout: float = 0.5) -> list[HitNotification]:
        """Block up to ``timeout`` seconds; return the hit notifications that arrived.

        Raises:
            psycopg.OperationalError: the connection could not be opened or was lost.

        """
        out: list[HitNotification] = []
        for channel, payload in self.wait_raw(timeout):
            parsed = HitNotification.parse(payload) if channel == CHANNEL else None
            if parsed is not None:
                out.append(parsed)
        return out

    def wait_raw(self, timeout: float = 0.5) -> list[tuple[str, str]]:
        """Block up to ``timeout`` seconds; return ``(channel, payload)`` of what arrived on any channel.

        Raises:
            psycopg.OperationalError: the connection could not be opened or was lost (the next call reconnects).

        """
        import psycopg

        self.connect()
        try:
            got = list(self._conn.notifies(timeout=timeout, stop_after=1))
            if got:
                got += list(self._conn.notifies(timeout=0.02))  # drain a burst, then return promptly
        except psycopg.OperationalError:
            self.close()
            raise
        return [(n.channel, n.payload) for n in got]

    def close(self) -> None:
        """Close the connection (the next wait reconnects)."""
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
