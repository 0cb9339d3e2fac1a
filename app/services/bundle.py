"""The services of one running console or node, built by app.bootstrap and handed to the UI and the runtime."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.center import DEFAULT_LEASE_TIMEOUT_S
from app.paths import AppPaths
from app.services.accounts import AccountService
from app.services.administration import AdministrationService
from app.services.center import CenterService
from app.services.context import ServiceContext
from app.services.hits_bundle import HitServices
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlists import HotListService
from app.services.image_store import ReadImages
from app.services.passwords import PasswordHashing
from app.services.records_bundle import RecordsServices
from app.services.workstation_settings import WorkstationSettingsService
from app.settings.secrets import SecretStore


@dataclass(slots=True)
class ServiceBundle:
    """Every service of one process, sharing one context. Every member is always there."""

    ctx: ServiceContext
    accounts: AccountService
    administration: AdministrationService
    hotlists: HotListService
    hotlist_index: HotListIndexHolder
    records: RecordsServices
    hits: HitServices  # read ingest + spool, hit workflow, cameras
    center: CenterService  # recognition nodes: camera leases, heartbeats, health
    workstation_settings: WorkstationSettingsService  # this workstation's settings file (admin panels, font size)

    @classmethod
    def build(cls, ctx: ServiceContext, paths: AppPaths, secrets: SecretStore,
              hashing: PasswordHashing | None = None, images: ReadImages | None = None,
              lease_timeout_s: float = DEFAULT_LEASE_TIMEOUT_S) -> ServiceBundle:
        """Wire every service on one context, the data folders and the given secret store.

        Args:
            ctx: units of work, clock, workstation, security rules and change feed.
            paths: the data folders (images, documents, spool).
            secrets: where camera logins live (the OS keyring in production, a memory store in tests).
            hashing: password hashing parameters (cheap ones in tests).
            images: the read image store (default: the one of ``ctx``'s database on ``paths.images``).
            lease_timeout_s: a recognition node silent this long loses its cameras.

        """
        hashing = hashing or PasswordHashing()
        index = HotListIndexHolder(ctx)
        images = images or ReadImages.open(ctx, paths.images)
        hits = HitServices.build(ctx, paths, secrets, index.matcher, index.matcher.config, images=images)
        return cls(ctx=ctx, accounts=AccountService(ctx, hashing), administration=AdministrationService(ctx, hashing),
                   hotlists=HotListService(ctx, index, retroactive=hits.retroactive_check), hotlist_index=index,
                   records=RecordsServices.build(ctx, images, paths.documents), hits=hits,
                   center=CenterService(ctx, hits.cameras, lease_timeout_s),
                   workstation_settings=WorkstationSettingsService(ctx, paths.settings_file))
