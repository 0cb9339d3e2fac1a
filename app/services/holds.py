"""Evidence holds (000 433.5, 003 462.12): held reads and hits survive every purge.

Investigators place holds on reads and hits that exist; only an administrator other than the
one who placed it releases one (a second person). Both are recorded. Placing a hold
copies the held reads' images (and those of the held hits' reads) out of their pack or partition
into the kept area, in the same transaction (copy on hold): evidence no longer depends on a
pack file or day partition that retention will drop.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.changes import Changes
from app.domain.errors import Conflict, ValidationFailed
from app.domain.records.holds import EvidenceHold, hold_problems
from app.domain.records.search import SearchCriteria
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.read_images import hits_that_exist, read_ids_of_hits
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import HoldRepository, InquiryRepository
from app.services import audit_trail
from app.services.change_feed import publishes
from app.services.context import ServiceContext
from app.services.image_store import ReadImages

P = Permission
INQUIRIES_CHECKED = 500  # the latest inquiries of the member whose results may be held

RECORDS = Changes(records=True)  # what every mutation here changes (published once it committed)


class HoldService:
    """Place, list and release evidence holds."""

    def __init__(self, ctx: ServiceContext, images: ReadImages | None = None) -> None:
        self.ctx = ctx
        self.images = images

    @publishes(RECORDS)
    def place(self, actor: Actor, case_number: str, reason: str, review_on: date | None,
              read_ids: list[int], hit_ids: list[int] | None = None) -> EvidenceHold:
        """Hold reads/hits for a case.

        Raises:
            PermissionDenied: the user may not place holds (recorded).
            ValidationFailed: missing case number or reason, past review date, nothing selected.

        """
        hit_ids = hit_ids or []
        audit_trail.require(self.ctx, actor, P.PLACE_HOLD, "hold.place", case_number=case_number or None)
        now = self.ctx.clock.now()
        problems = hold_problems(case_number, reason, review_on, now.date(), len(read_ids) + len(hit_ids))
        if problems:
            raise ValidationFailed(problems)
        with self.ctx.uow(read_only=True) as uow:
            missing = _missing(uow.s, sorted(set(read_ids)), sorted(set(hit_ids)))
            # a held hit is reached through its read: that read too must be one the member's inquiries found
            reached = set(read_ids) | set(read_ids_of_hits(uow.s, sorted(set(hit_ids))))
            unfound = [] if missing else not_found_by(uow.s, actor, sorted(reached))
        if missing:
            audit_trail.record_alone(self.ctx, actor, "hold.place", outcome="refused", object_type="hold",
                                     case_number=case_number.strip(), detail={"missing": missing})
            raise ValidationFailed(f"Nothing can be held that does not exist (purged or never stored): {missing}.")
        if unfound:
            audit_trail.record_alone(self.ctx, actor, "hold.place", outcome="refused", object_type="hold",
                                     case_number=case_number.strip(), detail={"not_found_by_inquiry": unfound[:20]})
            raise ValidationFailed(f"{len(unfound)} of the reads (or reads of the hits) are not results of your "
                                   "recorded inquiries: search for them (with the case number or reason) before "
                                   "holding them.")
        with self.ctx.uow() as uow:
            repo = HoldRepository(uow.s)
            hold_id = repo.add(case_number, reason, review_on, actor.user_id, now, sorted(set(read_ids)),
                               sorted(set(hit_ids)))
            copied = 0
            if self.images is not None:
                held_reads = set(read_ids) | set(read_ids_of_hits(uow.s, sorted(set(hit_ids))))
                copied = self.images.protect(uow, held_reads, now + timedelta(days=1))
            audit_trail.record(uow, self.ctx, actor, "hold.place", object_type="hold", object_id=hold_id,
                               reason=reason.strip(), case_number=case_number.strip(),
                               detail={"reads": len(set(read_ids)), "hits": len(set(hit_ids)),
                                       "images_kept": copied,
                                       "review_on": review_on.isoformat() if review_on else None})
            return repo.get(hold_id)

    @publishes(RECORDS)
    def release(self, actor: Actor, hold_id: int, reason: str) -> EvidenceHold:
        """Release a hold (an administrator other than its placer); the data becomes subject to retention again."""
        audit_trail.require(self.ctx, actor, P.RELEASE_HOLD, "hold.release", object_type="hold", object_id=hold_id)
        if len(reason.strip()) < 5:
            raise ValidationFailed("Give the reason the hold is released (e.g. case closed, court order).")
        with self.ctx.uow() as uow:
            repo = HoldRepository(uow.s)
            hold = repo.get(hold_id)
            if not hold.active:
                raise Conflict(f"Hold {hold_id} was already released.")
            placed_it = hold.created_by == actor.user_id
            if not placed_it:
                repo.release(hold_id, actor.user_id, self.ctx.clock.now(), reason)
                audit_trail.record(uow, self.ctx, actor, "hold.release", object_type="hold", object_id=hold_id,
                                   reason=reason.strip(), case_number=hold.case_number)
                return repo.get(hold_id)
        audit_trail.record_alone(self.ctx, actor, "hold.release", outcome="refused", object_type="hold",
                                 object_id=hold_id, case_number=hold.case_number, detail={"problem": "own hold"})
        raise Conflict("You placed this hold: another administrator must release it (a second person).")

    def list(self, actor: Actor, active_only: bool = False) -> list[EvidenceHold]:
        """Holds, newest first (investigators, administrators and records staff)."""
        audit_trail.require_any(self.ctx, actor, (P.PLACE_HOLD, P.RELEASE_HOLD, P.PRINT_RECORDS), "hold.list")
        with self.ctx.uow() as uow:
            return HoldRepository(uow.s).list(active_only)


def _missing(session, read_ids: list[int], hit_ids: list[int]) -> dict[str, list[int]]:  # noqa: ANN001
    """The read and hit ids that name no stored row (purged, or never stored)."""
    reads = {r.id for r in ReadsQuery(session).by_ids(read_ids)}
    hits = set(hit_ids) & set(hits_that_exist(session, hit_ids))
    out = {"reads": [r for r in read_ids if r not in reads], "hits": [h for h in hit_ids if h not in hits]}
    return {k: v[:20] for k, v in out.items() if v}


def not_found_by(session, actor: Actor, read_ids: list[int]) -> list[int]:  # noqa: ANN001
    """The reads no recent inquiry of ``actor`` found (002 IV.Q.1: data is reached through a recorded inquiry).

    Holding, then exporting, read ids never found by a search would reach data without the
    inquiry that the monthly audit samples.
    """
    if actor.user_id is None:  # the system itself (no inquiries of its own)
        return []
    left = set(read_ids)
    reads = ReadsQuery(session)
    for terms in InquiryRepository(session).terms_of_user(actor.user_id, INQUIRIES_CHECKED):
        if not left:
            break
        left -= reads.matching_ids(SearchCriteria.from_json(terms), sorted(left))
    return sorted(left)
