"""ORM tables for the whole domain. Import this package to register every table on ``Base.metadata``."""

from app.persistence.orm import accounts, audit, cameras, center, hits, hotlists, records  # noqa: F401
from app.persistence.orm.base import Base

__all__ = ["Base"]
