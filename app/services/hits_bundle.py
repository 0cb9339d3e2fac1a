"""The read/hit services of one console, built together (ingest, spool, hits, cameras)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.changes import Changes
from app.domain.hits import HotListMatcher
from app.paths import AppPaths
from app.services.cameras import CameraService
from app.services.context import ServiceContext
from app.services.hits import HitService
from app.services.image_store import ReadImages
from app.services.read_store import ReadStore
from app.services.spool import DurableIngest, Spool
from app.settings.secrets import SecretStore
from recognition.match import HotListIndex, MatchConfig, Matcher


@dataclass(slots=True)
class HitServices:
    """Read ingest (with its spool), the hit workflow and camera administration."""

    hits: HitService
    cameras: CameraService
    reads: ReadStore
    ingest: DurableIngest
    match_config: MatchConfig | None = None

    @classmethod
    def build(cls, ctx: ServiceContext, paths: AppPaths, secrets: SecretStore,
              matcher: HotListMatcher | None = None, match_config: MatchConfig | None = None,
              images: ReadImages | None = None) -> HitServices:
        """Wire the services on the app's folders; ``matcher`` is the hot-list service's live Matcher.

        ``images`` defaults to the image store of ``ctx``'s database on ``paths.images``.
        """
        images = images or ReadImages.open(ctx, paths.images)
        reads = ReadStore(ctx, images.store, matcher)
        return cls(hits=HitService(ctx, images, paths.documents), cameras=CameraService(ctx, secrets), reads=reads,
                   ingest=DurableIngest(reads, Spool(paths.spool)), match_config=match_config)

    def retroactive_check(self, index: HotListIndex, hours: int) -> int:
        """HotListService's RetroactiveCheck: new entries against the reads of the last ``hours``."""
        raised = len(self.reads.raise_retroactive(Matcher(index, self.match_config), hours))
        if raised:  # consoles show them now, not at their next safety reload
            self.reads.ctx.changes.publish(Changes(hits=True))
        return raised
