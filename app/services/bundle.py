"""The services of one running console, built by app.bootstrap and handed to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.context import ServiceContext
from app.services.hits_bundle import HitServices
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.records_bundle import RecordsServices


@dataclass(slots=True)
class ServiceBundle:
    """Every service of one console, sharing one context."""

    ctx: ServiceContext
    accounts: AccountService
    administration: AdministrationService
    hotlists: HotListService | None = None
    hotlist_index: HotListIndexHolder | None = None
    records: RecordsServices | None = None
    hits: HitServices | None = None  # read ingest + spool, hit workflow, cameras
