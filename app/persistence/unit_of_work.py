"""The one place that creates database sessions.

A ``UnitOfWork`` is one transaction: repositories work inside it, and the access record row for
what they did is written in the same transaction, so either both land or neither does.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.persistence.engine import READ_ONLY


class UnitOfWork:
    """Context manager: commit on success, roll back on any exception."""

    def __init__(self, factory: sessionmaker[Session], read_only: bool = False) -> None:
        self._factory = factory
        self._read_only = read_only
        self.session: Session | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.session.begin()
        if self._read_only:  # a long read on a snapshot, without SQLite's write lock
            self.session.connection(execution_options={READ_ONLY: True})
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.session is not None
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    @property
    def s(self) -> Session:
        """The session of the open unit of work."""
        assert self.session is not None, "unit of work is not open"
        return self.session


UnitOfWorkFactory = Callable[..., UnitOfWork]


def unit_of_work_factory(engine: Engine) -> UnitOfWorkFactory:
    """Return a callable producing fresh units of work bound to ``engine`` (``read_only=True``: no write lock)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
    return lambda read_only=False: UnitOfWork(factory, read_only)
