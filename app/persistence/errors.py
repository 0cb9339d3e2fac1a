"""The database errors services may catch, so that app.services never imports SQLAlchemy itself."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

__all__ = ["DBAPIError", "OperationalError", "SQLAlchemyError"]
