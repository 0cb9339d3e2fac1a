"""Hit notifications between consoles: PostgreSQL NOTIFY in the writing transaction, LISTEN elsewhere.

A new hit, a claim and a step each send ``NOTIFY alpr_hits, '{"hit_id": .., "kind": .., ...}'``
inside the transaction that made the change, so other consoles hear of it exactly when it is
committed (never for a rolled-back change). On SQLite (one console) nothing is sent.

Listening: :class:`PgNotificationListener` owns an autocommit psycopg connection (STACK.md 4.9:
a LISTEN connection must be autocommit); :meth:`~PgNotificationListener.wait` blocks up to a
timeout and returns the parsed notifications. app.workers.pg_listener runs it on a thread and
emits Qt signals.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

CHANNEL = "alpr_hits"
KINDS = ("hit", "claim", "release", "step")


@dataclass(frozen=True, slots=True)
class HitNotification:
    """A change to a hit made somewhere (``kind``: hit, claim, release or step)."""

    hit_id: int
    kind: str
    workstation: str = ""
    user: str = ""
    priority: int | None = None

    def to_json(self) -> str:
        """Compact JSON payload (well under PostgreSQL's 8000-byte limit)."""
        return json.dumps({"hit_id": self.hit_id, "kind": self.kind, "ws": self.workstation, "user": self.user,
                           "priority": self.priority}, separators=(",", ":"))

    @classmethod
    def parse(cls, payload: str) -> HitNotification | None:
        """Parse a payload; None (logged) for anything malformed."""
        try:
            data: dict[str, Any] = json.loads(payload)
            return cls(int(data["hit_id"]), str(data["kind"]), str(data.get("ws") or ""), str(data.get("user") or ""),
                       None if data.get("priority") is None else int(data["priority"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("ignoring a malformed hit notification")
            return None


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
