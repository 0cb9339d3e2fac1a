"""Detection browsing (policies 000 433.4(g)(h), 002 IV.L/IV.P.4/IV.Q.1, 003 462.6).

No search runs without a purpose and a case/CFS number of the agency's format or a detailed
reason; a refused search is recorded too. Every search is stored as an inquiry and in the access
record. An inquiry's criteria are fixed when it is recorded: further pages, thumbnails and images
run exactly those criteria, only for the inquiry's owner, and each view is recorded. An inquiry
ends at the moment it was made: reads captured later need a new (recorded) search.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

from app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from app.domain.images import ImageKind
from app.domain.records.search import (
    DEFAULT_CASE_EXAMPLE,
    DEFAULT_CASE_PATTERN,
    DEFAULT_PURPOSES,
    DEFAULT_REASON_MIN_LENGTH,
    Inquiry,
    ReasonRules,
    SearchCriteria,
    SearchPage,
    SearchReason,
    case_pattern_problems,
    criteria_problems,
    purpose_problems,
)
from app.domain.roles import Permission
from app.domain.users import Actor
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.reads_query import ReadsQuery
from app.persistence.repositories.records import InquiryRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.image_store import ReadImages
from app.services.retention import load_periods

logger = logging.getLogger(__name__)
P = Permission
PURPOSES_KEY = "search.purposes"
MIN_LENGTH_KEY = "search.reason_min_length"
CASE_PATTERN_KEY = "search.case_pattern"
CASE_EXAMPLE_KEY = "search.case_example"


class SearchService:
    """Search stored reads with a recorded reason."""

    def __init__(self, ctx: ServiceContext, images: ReadImages) -> None:
        self.ctx = ctx
        self.images = images

    def reason_rules(self) -> ReasonRules:
        """The configured purposes and minimum reason length."""
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            purposes = repo.get(PURPOSES_KEY, list(DEFAULT_PURPOSES))
            min_len = repo.get(MIN_LENGTH_KEY, DEFAULT_REASON_MIN_LENGTH)
            pattern = repo.get(CASE_PATTERN_KEY, DEFAULT_CASE_PATTERN)
            example = repo.get(CASE_EXAMPLE_KEY, DEFAULT_CASE_EXAMPLE)
        return ReasonRules(tuple(str(p) for p in purposes or DEFAULT_PURPOSES), int(min_len),  # type: ignore[arg-type]
                           str(pattern or DEFAULT_CASE_PATTERN), str(example or DEFAULT_CASE_EXAMPLE))

    def set_reason_rules(self, actor: Actor, rules: ReasonRules) -> None:
        """Change the purposes, minimum reason length and case number format (administrator; recorded).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: no purpose, a purpose that says nothing (empty, a letter), a reason length
                under 10, or a case number format that is
                broken, refuses its example or accepts a placeholder (refusal recorded).

        """
        action = "settings.search_reasons"
        audit_trail.require(self.ctx, actor, P.MANAGE_RETENTION, action)
        rules = replace(rules, case_example=rules.case_example.strip().upper())
        problems = case_pattern_problems(rules.case_pattern, rules.case_example)
        if not rules.purposes or rules.min_reason_length < 10:
            problems.insert(0, "Keep at least one purpose and a minimum reason length of 10 characters.")
        problems[1:1] = purpose_problems(rules.purposes)
        detail = {"purposes": list(rules.purposes), "min_length": rules.min_reason_length,
                  "case_pattern": rules.case_pattern, "case_example": rules.case_example}
        if problems:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="setting",
                                     object_id=CASE_PATTERN_KEY, detail={**detail, "problems": problems})
            raise ValidationFailed(problems)
        before = self.reason_rules()
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            now = self.ctx.clock.now()
            repo.put(PURPOSES_KEY, list(rules.purposes), actor.user_id, now)
            repo.put(MIN_LENGTH_KEY, rules.min_reason_length, actor.user_id, now)
            repo.put(CASE_PATTERN_KEY, rules.case_pattern, actor.user_id, now)
            repo.put(CASE_EXAMPLE_KEY, rules.case_example, actor.user_id, now)
            audit_trail.record(uow, self.ctx, actor, action, object_type="setting", object_id=CASE_PATTERN_KEY,
                               detail={**detail, "before": {"purposes": list(before.purposes),
                                                            "min_length": before.min_reason_length,
                                                            "case_pattern": before.case_pattern,
                                                            "case_example": before.case_example}})

    def set_case_format(self, actor: Actor, pattern: str, example: str) -> ReasonRules:
        """Change only the agency's case/CFS number format and its example (administrator; recorded).

        Raises:
            PermissionDenied: not an administrator (recorded).
            ValidationFailed: see :func:`app.domain.records.search.case_pattern_problems` (recorded).

        """
        self.set_reason_rules(actor, replace(self.reason_rules(), case_pattern=pattern, case_example=example))
        return self.reason_rules()

    def cameras(self, actor: Actor) -> list[tuple[int, str]]:
        """(id, name) of every camera, for the criteria form."""
        audit_trail.require(self.ctx, actor, P.SEARCH_READS, "search.cameras")
        with self.ctx.uow() as uow:
            return ReadsQuery(uow.s).cameras()

    def search(self, actor: Actor, reason: SearchReason, criteria: SearchCriteria, page_size: int = 50,
               outside: bool | None = None) -> SearchPage:
        """Run a search and store it as an inquiry; returns the first page.

        Raises:
            PermissionDenied: the user may not browse detections (recorded).
            ValidationFailed: no valid reason (the refusal is recorded) or bad criteria.

        """
        terms = criteria.describe()
        audit_trail.require(self.ctx, actor, P.SEARCH_READS, "search", terms=terms)
        problems = reason.problems(self.reason_rules(), outside)
        if problems:
            audit_trail.record_alone(self.ctx, actor, "search", outcome="refused", object_type="inquiry",
                                     terms=terms, reason=reason.reason or None,
                                     case_number=reason.case_number or None,
                                     detail={"problems": problems, "purpose": reason.purpose})
            raise ValidationFailed(problems)
        bad = criteria_problems(criteria)
        if bad:
            raise ValidationFailed(bad)
        now = self.ctx.clock.now()
        if criteria.end is None or criteria.end > now:  # an inquiry is not a standing watch on later reads
            criteria = replace(criteria, end=now)
        page_size = max(1, min(page_size, 500))
        with self.ctx.uow() as uow:
            criteria = self._retained(uow, criteria)
            q = ReadsQuery(uow.s)
            total = q.count(criteria)
            reads = q.page(criteria, 0, page_size)
            inquiry_id = InquiryRepository(uow.s).add(actor.user_id, now, reason,
                                                      criteria.as_json(), total)
            audit_trail.record(uow, self.ctx, actor, "search", object_type="inquiry", object_id=inquiry_id,
                               terms=terms, reason=_reason_line(reason), case_number=reason.case_number or None,
                               detail=_detail(reason, total))
        logger.info("inquiry %s: %d results", inquiry_id, total)
        return SearchPage(inquiry_id, total, 0, page_size, tuple(reads))

    def page(self, actor: Actor, inquiry_id: int, page: int, page_size: int = 50) -> SearchPage:
        """Another page of a recorded inquiry: its own recorded criteria, for its owner only (recorded)."""
        audit_trail.require(self.ctx, actor, P.SEARCH_READS, "search.page", object_type="inquiry",
                            object_id=inquiry_id)
        page_size = max(1, min(page_size, 500))
        inq = self._own_inquiry(actor, inquiry_id, "search.page")
        with self.ctx.uow() as uow:
            criteria = self._retained(uow, SearchCriteria.from_json(inq.terms))
            reads = ReadsQuery(uow.s).page(criteria, max(0, page), page_size)
            audit_trail.record(uow, self.ctx, actor, "search.page", object_type="inquiry", object_id=inquiry_id,
                               terms=criteria.describe(), case_number=inq.case_number,
                               detail={"page": page, "rows": len(reads)})
        return SearchPage(inquiry_id, inq.result_count, page, page_size, tuple(reads))

    def thumbnail(self, actor: Actor, inquiry_id: int, read_id: int) -> bytes | None:
        """The plate crop of a result row: a result of the owner's inquiry only; every view recorded."""
        return self._image(actor, inquiry_id, read_id, "read.thumbnail_view", "plate")

    def open_image(self, actor: Actor, inquiry_id: int, read_id: int, which: str = "overview") -> bytes | None:
        """Open a full image of a result of the owner's inquiry; recorded with the inquiry."""
        return self._image(actor, inquiry_id, read_id, "read.image_view", which)

    def _image(self, actor: Actor, inquiry_id: int, read_id: int, action: str, which: str) -> bytes | None:
        audit_trail.require(self.ctx, actor, P.SEARCH_READS, action, object_type="read", object_id=read_id)
        inq = self._own_inquiry(actor, inquiry_id, action, read_id)
        with self.ctx.uow() as uow:
            read = ReadsQuery(uow.s).get_matching(self._retained(uow, SearchCriteria.from_json(inq.terms)), read_id)
            if read is None:
                refusal = NotFound(f"Read {read_id} is not a result of inquiry {inquiry_id} (or was purged).")
            else:
                refusal = None
                audit_trail.record(uow, self.ctx, actor, action, object_type="read", object_id=read_id,
                                   terms=read.plate, reason=_short(inq.purpose, inq.reason),
                                   case_number=inq.case_number, detail={"inquiry_id": inquiry_id, "image": which})
        if refusal is not None:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="read", object_id=read_id,
                                     detail={"inquiry_id": inquiry_id, "problem": str(refusal)})
            raise refusal
        image = self.images.of_read(read_id, ImageKind.OVERVIEW) if which == "overview" else None
        return image or self.images.of_read(read_id, ImageKind.PLATE)

    def _retained(self, uow: UnitOfWork, criteria: SearchCriteria) -> SearchCriteria:
        """``criteria`` limited to reads within their retention now (held reads and reads of hits excepted).

        The purge runs on a schedule and may be late (a clock gap stops it): what the agency's
        retention says is gone is not browsed meanwhile (000 433.5, 003 462.12).
        """
        now = self.ctx.clock.now()
        _preset, periods = load_periods(uow, now)
        floor = now - timedelta(days=periods.reads_days)
        if criteria.retained_from is not None and criteria.retained_from >= floor:
            return criteria
        return replace(criteria, retained_from=floor)

    def _own_inquiry(self, actor: Actor, inquiry_id: int, action: str, read_id: int | None = None) -> Inquiry:
        with self.ctx.uow() as uow:
            inq = InquiryRepository(uow.s).get(inquiry_id)
        if inq.user_id != actor.user_id:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="inquiry",
                                     object_id=inquiry_id, detail={"owner": inq.username, "read_id": read_id})
            raise PermissionDenied(f"use inquiry {inquiry_id} of {inq.username}", "the inquiry's owner")
        return inq


def _short(purpose: str, reason: str) -> str:
    return f"{purpose}: {reason}".strip(": ") if reason else purpose


def _reason_line(r: SearchReason) -> str:
    return _short(r.purpose, " ".join(r.reason.split()))


def _detail(r: SearchReason, total: int) -> dict:
    d: dict = {"result_count": total, "purpose": r.purpose}
    if r.on_behalf_of_outside_agency:
        d.update(outside_agency=r.outside_agency, outside_requester=r.outside_requester,
                 request_reference=r.request_reference)
    return d
