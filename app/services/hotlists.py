"""Hot-list use cases: sources, atomic imports, local (BOLO) entries with supervisor approval.

Policy 002 IV.I.4-6: general lists download at least daily with the newest data overwriting the
old; local entries are documented (entering member, requesting officer, case number, synopsis) and
approved by an ALPR administrator before they alert. Everything lands in the access record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from datetime import time as dt_time
from pathlib import Path

from app.domain.access import as_utc
from app.domain.changes import Changes
from app.domain.errors import Conflict, PermissionDenied, ValidationFailed
from app.domain.hits import COVERT_CATEGORIES
from app.domain.hotlist_admin import (
    EntryRevision,
    EntryStatus,
    HotListEntry,
    HotListSource,
    ImportSummary,
    LocalEntryDraft,
    SourceKind,
    approval_refusal,
)
from app.domain.hotlist_schedule import import_due, parse_daily_at
from app.domain.hotlists import (
    FORMAT_SPEC_ADAPTER,
    SourceParseSettings,
    preset,
    preset_settings,
)
from app.domain.hotlists.categories import declassified
from app.domain.records.search import DEFAULT_CASE_EXAMPLE, DEFAULT_CASE_PATTERN
from app.domain.roles import Permission
from app.domain.substance import reason_problem
from app.domain.users import Actor
from app.persistence.repositories.agency import SharedSettingsRepository
from app.persistence.repositories.hotlists import HotListRepository
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail
from app.services.context import ServiceContext
from app.services.hotlist_import import recover_interrupted, remove_stale_stages, run_import
from app.services.hotlist_index import HotListIndexHolder
from app.services.hotlist_index_prebuilt import PrebuiltIndex
from app.services.hotlist_parse_child import INLINE_BELOW_BYTES, Parser
from recognition.match import HotListIndex, IndexEntry

logger = logging.getLogger(__name__)
P = Permission

#: Called after entries become active: (index of the new entries, hours to look back) -> hits raised.
RetroactiveCheck = Callable[[HotListIndex, int], int]


@dataclass(frozen=True, slots=True)
class LocalEntryRules:
    """Agency rules for local entries: default and maximum life, retroactive look-back."""

    default_days: int = 30
    max_days: int = 90
    retro_hours: int = 72


def _round_editors(revisions: list[EntryRevision]) -> frozenset[int]:
    """Who submitted or edited the entry since its last approval or denial."""
    editors: set[int] = set()
    for r in revisions:
        if r.action in ("approve", "deny"):
            editors.clear()
        elif r.changed_by is not None:
            editors.add(r.changed_by)
    return frozenset(editors)


def _stale(current: int, seen: int | None) -> str | None:
    """Why a decision or edit made on revision ``seen`` must not apply to ``current`` (None: it may)."""
    if seen is None or seen == current:
        return None
    return (f"This entry changed since you opened it (you saw revision {seen}, it is now revision {current}): "
            "review it again.")


def _aware(value: object) -> object:
    """A stored datetime as UTC-aware (SQLite returns naive ones), anything else unchanged."""
    return as_utc(value) if isinstance(value, datetime) else value


def _content(values: dict) -> dict:
    """JSON-ready content of an entry version (dates as ISO text)."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


class HotListService:
    """Sources, imports, local entries and approvals; keeps the matcher index current."""

    def __init__(self, ctx: ServiceContext, index: HotListIndexHolder, rules: LocalEntryRules | None = None,
                 retroactive: RetroactiveCheck | None = None) -> None:
        self.ctx = ctx
        self.index = index
        self.rules = rules or LocalEntryRules()
        self.retroactive = retroactive
        #: None: the streamed parse in the parser child; a whole-file parse function (top-level: it is
        #: sent to the child) replaces it in tests
        self.parse: Parser | None = None
        #: list files below this size are parsed in the caller's thread, larger ones in the child
        self.inline_below_bytes = INLINE_BELOW_BYTES

    # ---- sources ------------------------------------------------------------------------------
    def sources(self, actor: Actor) -> list[HotListSource]:
        """All sources with counts, last import and age."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.sources")
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).sources()

    def add_source(self, actor: Actor, name: str, kind: SourceKind, preset_name: str, location: str,
                   daily_at: str = "05:00", settings: SourceParseSettings | None = None) -> HotListSource:
        """Register a file/drop-folder source using one of the shipped format presets.

        The access record keeps the source's guards and type map (shrink guard, bad-row threshold,
        filters). A type map may not show a record type the preset keeps covert to everyone.

        Raises:
            PermissionDenied: the actor may not manage sources (recorded).
            ValidationFailed: no name, no daily time (HH:MM) or file location for a list source (002
                IV.I.4: imported automatically at least once daily), or a type map that declassifies
                covert records (refusal recorded).
            Conflict: a source of that name exists.

        """
        audit_trail.require(self.ctx, actor, P.MANAGE_HOTLIST_SOURCES, "hotlist.source_add", terms=name)
        if not name.strip():
            raise ValidationFailed("The source needs a name.")
        if kind is not SourceKind.LOCAL:  # 002 IV.I.4: imported automatically at least once daily
            try:
                parse_daily_at(daily_at or "")
            except ValueError:
                raise ValidationFailed(f"Give the daily import time as HH:MM (not '{daily_at}'): a list source "
                                       "is imported automatically every day.") from None
            if not (location or "").strip():
                raise ValidationFailed("Give the file or folder the list is imported from every day.")
        spec = preset(preset_name)  # raises KeyError for an unknown preset
        settings = settings or preset_settings(preset_name)
        opened = declassified(preset_settings(preset_name).type_map, settings.type_map)
        if opened:
            audit_trail.record_alone(self.ctx, actor, "hotlist.source_add", outcome="refused", terms=name,
                                     object_type="hotlist_source", detail={"declassified": opened})
            raise ValidationFailed(f"The type map would show covert records (types {', '.join(opened)}) to every "
                                   "user: map them to 'gang_terrorist', or reject unknown types.")
        stored = settings.model_dump(mode="json")
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            if repo.source_by_name(name.strip()):
                raise Conflict(f"A source named '{name}' exists.")
            src = repo.add_source(
                name.strip(), kind, {"preset": preset_name, "spec": FORMAT_SPEC_ADAPTER.dump_python(spec, mode="json")},
                location, daily_at, stored, self.ctx.clock.now())
            audit_trail.record(uow, self.ctx, actor, "hotlist.source_add", object_type="hotlist_source",
                               object_id=src.id, detail={"name": src.name, "preset": preset_name, "location": location,
                                                         "settings": stored})
            return src

    def _spec_and_settings(self, repo: HotListRepository, source_id: int):  # noqa: ANN202
        row = repo.source_row(source_id)
        fmt = row.format_spec or {}
        spec = FORMAT_SPEC_ADAPTER.validate_python(fmt["spec"]) if "spec" in fmt else preset(fmt.get("preset", "ncic_fixed"))
        settings = SourceParseSettings.model_validate(row.type_mapping) if row.type_mapping else SourceParseSettings()
        return row.name, row.location, spec, settings

    # ---- import -------------------------------------------------------------------------------
    def recover_interrupted_imports(self) -> list[str]:
        """Finish the list replacements a crash cut short (the console calls it when it starts); what was done.

        Also removes the scratch folders of imports whose process died (a national list's are ~1 GB).
        """
        remove_stale_stages()
        return recover_interrupted(self.ctx)

    def import_source(self, actor: Actor, source_id: int, path: str | Path | None = None,
                      progress: Callable[[str], None] | None = None, confirm_shrink: bool = False) -> ImportSummary:
        """Parse and validate the whole file, then replace the source's list in one transaction.

        A refused file (not a regular file, too large, empty, truncated, footer mismatch, too many
        bad rows, a database error) leaves the previous list active; so does a list that shrank
        more than the source allows, until an administrator imports the same file again with
        ``confirm_shrink`` (a confirmation applies only to the source's newest, held import).
        Either way a report and an access-record row are kept (:mod:`app.services.hotlist_import`).
        """
        audit_trail.require(self.ctx, actor, P.MANAGE_HOTLIST_SOURCES, "hotlist.import", object_type="hotlist_source",
                            object_id=source_id)
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            local = repo.source(source_id).kind is SourceKind.LOCAL
            if not local:
                name, location, spec, settings = self._spec_and_settings(repo, source_id)
        if local:  # BOLO entries are entered and approved one by one (002 IV.I.5), never replaced by a file
            audit_trail.record_alone(self.ctx, actor, "hotlist.import", outcome="refused", object_type="hotlist_source",
                                     object_id=source_id, detail={"problem": "local BOLO source"})
            raise Conflict("The local BOLO list cannot be replaced by a file import: enter BOLOs one by one "
                           "for approval.")
        file = Path(path or location or "")
        summary, replaced, prebuilt = run_import(self.ctx, actor, source_id, name, file, spec, settings,
                                       progress or (lambda _m: None), confirm_shrink, parse=self.parse,
                                       inline_below_bytes=self.inline_below_bytes)
        if replaced:
            (progress or (lambda _m: None))("Updating the live matcher...")
            self.index.rebuild(prebuilt)
            summary = replace(summary, retroactive_hits=self._retroactive(source_id, prebuilt))
        self.ctx.changes.publish(Changes(hotlists=True))  # scheduled imports too, not only the screen's
        return summary

    def import_due(self, actor: Actor, local_now: datetime) -> list[ImportSummary]:
        """Import every source due by its daily time; one failing source never stops the others."""
        out: list[ImportSummary] = []
        for src in self.sources(actor):
            try:
                due = import_due(src, local_now, local_now.tzinfo)
            except ValueError:
                logger.error("hot list %s: daily import time %r is not valid", src.name, src.daily_at)
                continue
            if due:
                logger.info("scheduled import of %s", src.name)
                try:
                    out.append(self.import_source(actor, src.id))
                except Exception:  # noqa: BLE001 - logged; the next source is imported regardless
                    logger.exception("scheduled import of %s failed", src.name)
        return out

    def _retroactive(self, source_id: int, prebuilt: PrebuiltIndex | None = None) -> int:
        if self.retroactive is None:
            return 0
        return self.retroactive(self.index.build_for_source(source_id, prebuilt), self.rules.retro_hours)

    def imports(self, actor: Actor, source_id: int | None = None) -> list[ImportSummary]:
        """Import reports, newest first."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.imports")
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).imports(source_id)

    # ---- browsing -----------------------------------------------------------------------------
    def entries_page(self, actor: Actor, after_id: int = 0, limit: int = 500, plate_prefix: str = "",
                     source_id: int | None = None, status: EntryStatus | None = None) -> list[HotListEntry]:
        """One keyset page of entries (server-side search by plate prefix)."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.browse")
        prefix = "".join(ch for ch in plate_prefix.upper() if ch.isalnum())
        hidden = self._hidden(actor)
        with self.ctx.uow() as uow:
            page = HotListRepository(uow.s).page(after_id, limit, prefix, source_id, status, hidden)
            if after_id == 0 and prefix:
                audit_trail.record(uow, self.ctx, actor, "hotlist.search", terms=prefix, detail={"rows": len(page)})
            return page

    def entry_count(self, actor: Actor, source_id: int | None = None, status: EntryStatus | None = None) -> int:
        """Number of entries (for the browser's header)."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.count")
        hidden = self._hidden(actor)
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).count(source_id, status, hidden)

    def entry(self, actor: Actor, entry_id: int) -> HotListEntry:
        """One entry with all its fields (recorded)."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.entry_view", object_type="hotlist_entry",
                            object_id=entry_id)
        self._require_covert_if(actor, entry_id, "hotlist.entry_view")
        with self.ctx.uow() as uow:
            e = HotListRepository(uow.s).entry(entry_id)
            audit_trail.record(uow, self.ctx, actor, "hotlist.entry_view", object_type="hotlist_entry",
                               object_id=entry_id, terms=e.plate)
            return e

    # ---- covert entries (only privileged users see them: DOMAIN.md "Hit priorities", 000 433.4(e)) --------
    def _hidden(self, actor: Actor) -> frozenset[str]:
        return frozenset() if audit_trail.granted(self.ctx, actor, P.VIEW_COVERT) else COVERT_CATEGORIES

    def _require_covert_if(self, actor: Actor, entry_id: int, action: str) -> None:
        """Refuse (and record the refusal) when the entry is covert and ``actor`` may not see covert data."""
        if audit_trail.granted(self.ctx, actor, P.VIEW_COVERT):
            return
        with self.ctx.uow() as uow:
            covert = HotListRepository(uow.s).entry_row(entry_id).category in COVERT_CATEGORIES
        if covert:
            audit_trail.record_alone(self.ctx, actor, action, outcome="refused", object_type="hotlist_entry",
                                     object_id=entry_id, detail={"missing_permission": str(P.VIEW_COVERT)})
            raise PermissionDenied(action.replace(".", " ").replace("_", " "), str(P.VIEW_COVERT))

    # ---- local entries and approval ---------------------------------------------------------------
    def submit_local(self, actor: Actor, draft: LocalEntryDraft, photo_sha256: str | None = None) -> HotListEntry:
        """Enter a BOLO; it stays pending (and silent) until a supervisor approves it."""
        audit_trail.require(self.ctx, actor, P.ENTER_BOLO, "hotlist.local_submit", terms=draft.plate)
        if str(draft.category) in COVERT_CATEGORIES:
            audit_trail.require(self.ctx, actor, P.VIEW_COVERT, "hotlist.local_submit", terms=draft.plate)
        now = self.ctx.clock.now()
        d = self._validated(draft)
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            d = self._with_requester(uow, d)
            src = repo.local_source(now)
            values = self._local_values(d, actor, photo_sha256)
            entry_id = repo.add_local(src.id, values, now)
            repo.add_revision(entry_id, 1, "submit", actor.user_id, now, _content(values))
            audit_trail.record(uow, self.ctx, actor, "hotlist.local_submit", object_type="hotlist_entry",
                               object_id=entry_id, terms=d.plate, case_number=d.case_number, reason=d.synopsis)
            return repo.entry(entry_id)

    def requesters(self, actor: Actor) -> list[tuple[int, str]]:
        """(user id, "Full Name (username)") of the agency's active users: who may request a BOLO."""
        audit_trail.require(self.ctx, actor, P.ENTER_BOLO, "hotlist.requesters")
        with self.ctx.uow() as uow:
            users = UserRepository(uow.s).list()
        return sorted(((u.id, f"{u.full_name} ({u.username})") for u in users if u.active), key=lambda x: x[1])

    def revisions(self, actor: Actor, entry_id: int) -> list[EntryRevision]:
        """Every version of a local entry: who changed what, when."""
        audit_trail.require(self.ctx, actor, P.VIEW_HOTLISTS, "hotlist.revisions", object_type="hotlist_entry",
                            object_id=entry_id)
        self._require_covert_if(actor, entry_id, "hotlist.revisions")
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            out = repo.revisions(entry_id)
            # every version's plate, case and requester is shown: recorded like opening the entry
            audit_trail.record(uow, self.ctx, actor, "hotlist.revisions", object_type="hotlist_entry",
                               object_id=entry_id, terms=repo.entry_row(entry_id).plate,
                               detail={"revisions": len(out)})
            return out

    def _validated(self, draft: LocalEntryDraft) -> LocalEntryDraft:
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            repo = SharedSettingsRepository(uow.s)
            pattern = str(repo.get("search.case_pattern", DEFAULT_CASE_PATTERN) or DEFAULT_CASE_PATTERN)
            example = str(repo.get("search.case_example", DEFAULT_CASE_EXAMPLE) or DEFAULT_CASE_EXAMPLE)
        return draft.validated(now.date(), self.rules.default_days, self.rules.max_days, pattern, example)

    @staticmethod
    def _with_requester(uow, d: LocalEntryDraft) -> LocalEntryDraft:  # noqa: ANN001
        """The requesting officer's name from the user picked (never typed for one of our users)."""
        if d.requesting_user_id is None:
            return d
        user = UserRepository(uow.s).get(d.requesting_user_id)
        if not user.active:
            raise ValidationFailed(f"{user.full_name} is not an active user: pick the requesting officer again.")
        return replace(d, requesting_officer=user.full_name, requesting_agency="")

    @staticmethod
    def _local_values(d: LocalEntryDraft, actor: Actor, photo_sha256: str | None) -> dict:
        return dict(
            plate=d.plate, plate_raw=d.plate, state=d.state, record_type=None, category=str(d.category),
            priority=d.priority, vehicle_year=d.vehicle_year, vehicle_make=d.vehicle_make,
            vehicle_model=d.vehicle_model, vehicle_colour=d.vehicle_colour, instructions=d.instructions,
            expires_at=datetime.combine(d.expires_on, dt_time(23, 59, 59), tzinfo=UTC), entered_by=actor.user_id,
            requesting_officer=d.requesting_officer, case_number=d.case_number, synopsis=d.synopsis,
            reference_photo_sha256=photo_sha256, requesting_user_id=d.requesting_user_id,
            requesting_agency=d.requesting_agency or None,
        )

    def edit_local(self, actor: Actor, entry_id: int, draft: LocalEntryDraft, revision: int | None = None) -> HotListEntry:
        """Change a local entry; any edit sends it back for approval.

        ``revision``: the version the form was opened on; Conflict when another console changed it since.
        """
        audit_trail.require(self.ctx, actor, P.ENTER_BOLO, "hotlist.local_edit", object_type="hotlist_entry",
                            object_id=entry_id)
        self._require_covert_if(actor, entry_id, "hotlist.local_edit")
        if str(draft.category) in COVERT_CATEGORIES:
            audit_trail.require(self.ctx, actor, P.VIEW_COVERT, "hotlist.local_edit", object_type="hotlist_entry",
                                object_id=entry_id)
        now = self.ctx.clock.now()
        d = self._validated(draft)
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            d = self._with_requester(uow, d)
            row = repo.entry_row(entry_id, lock=True)
            if row.entered_by is None:
                raise Conflict("Imported NCIC/state entries cannot be edited here; they change with the next import.")
            if row.status == EntryStatus.WITHDRAWN.value:
                raise Conflict("This entry was withdrawn: enter a new one if the vehicle is wanted again.")
            stale = _stale(row.revision, revision)
            if stale:  # another console saved first: never overwrite what this user has not seen
                raise Conflict(stale)
            was_active = row.status == "active"
            values = {k: v for k, v in self._local_values(d, actor, row.reference_photo_sha256).items()
                      if k != "entered_by"}
            before = _content({k: _aware(getattr(row, k)) for k in values})
            after = _content(values)
            changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
            if not changes:  # an edit takes an approved entry off the air until approved again: never for nothing
                raise ValidationFailed("Nothing was changed: the entry stays as it is.")
            for k, v in values.items():
                setattr(row, k, v)
            row.status, row.decided_by, row.decided_at, row.decision_reason = "pending", None, None, None
            row.revision += 1
            row.updated_at = now
            row.last_edited_by = actor.user_id
            repo.add_revision(entry_id, row.revision, "edit", actor.user_id, now, after, changes)
            audit_trail.record(uow, self.ctx, actor, "hotlist.local_edit", object_type="hotlist_entry",
                               object_id=entry_id, terms=d.plate, case_number=d.case_number,
                               detail={"revision": row.revision, "changes": changes})
        if was_active:
            self.index.rebuild()
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).entry(entry_id)

    def withdraw_local(self, actor: Actor, entry_id: int, reason: str, revision: int | None = None) -> HotListEntry:
        """Take a local entry off the air for good: the vehicle was found, the case closed, it was entered in error.

        The member who entered or requested it, or a supervisor, may; the reason is recorded with the
        entry's history and in the access record. It stops alerting at once; a withdrawn entry is
        not edited or approved again (enter a new one). ``revision``: the version the user saw.
        """
        action = "hotlist.local_withdraw"
        audit_trail.require(self.ctx, actor, P.ENTER_BOLO, action, object_type="hotlist_entry", object_id=entry_id)
        self._require_covert_if(actor, entry_id, action)
        problem = reason_problem(reason, "The reason for withdrawing the entry")
        if problem:
            raise ValidationFailed(problem)
        supervisor = audit_trail.granted(self.ctx, actor, P.APPROVE_HOTLIST)
        now = self.ctx.clock.now()
        refusal: Exception | None = None
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            row = repo.entry_row(entry_id, lock=True)
            entry = repo.entry(entry_id)
            was_active = row.status == EntryStatus.ACTIVE.value
            if row.entered_by is None:
                refusal = Conflict("Imported NCIC/state entries are withdrawn by their entering agency; they leave "
                                   "with the next import.")
            elif row.status not in (EntryStatus.ACTIVE.value, EntryStatus.PENDING.value):
                refusal = Conflict(f"This entry is {row.status}: it does not alert, there is nothing to withdraw.")
            elif _stale(row.revision, revision):
                refusal = Conflict(_stale(row.revision, revision))
            elif not supervisor and actor.user_id not in (entry.entered_by, entry.requesting_user_id):
                refusal = PermissionDenied("withdraw a local entry another member entered or requested",
                                           str(P.APPROVE_HOTLIST))
            if refusal is not None:
                audit_trail.record(uow, self.ctx, actor, action, outcome="refused", object_type="hotlist_entry",
                                   object_id=entry_id, terms=entry.plate, reason=str(refusal))
            else:
                row.status = EntryStatus.WITHDRAWN.value
                row.revision += 1
                row.updated_at = now
                repo.add_revision(entry_id, row.revision, "withdraw", actor.user_id, now, {}, None, reason.strip())
                audit_trail.record(uow, self.ctx, actor, action, object_type="hotlist_entry", object_id=entry_id,
                                   terms=entry.plate, case_number=entry.case_number, reason=reason.strip(),
                                   detail={"revision": row.revision, "was": "active" if was_active else "pending"})
        if refusal is not None:
            raise refusal
        if was_active:
            self.index.rebuild()
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).entry(entry_id)

    def pending(self, actor: Actor) -> list[HotListEntry]:
        """The approval inbox."""
        audit_trail.require(self.ctx, actor, P.APPROVE_HOTLIST, "hotlist.inbox")
        hidden = self._hidden(actor)
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            return [repo.entry(e.id) for e in repo.page(0, 1000, status=EntryStatus.PENDING,
                                                          hidden_categories=hidden)]

    def pending_count(self, actor: Actor) -> int:
        """Count for the navigation badge (0 for users who cannot approve)."""
        if not audit_trail.granted(self.ctx, actor, P.APPROVE_HOTLIST):
            return 0
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).count(status=EntryStatus.PENDING)

    def decide(self, actor: Actor, entry_id: int, approve: bool, reason: str,
               revision: int | None = None) -> HotListEntry:
        """Approve or deny a pending entry; never one the approver entered, requested or changed.

        ``revision``: the version the approver reviewed; Conflict when it changed since.
        """
        action = "hotlist.approve" if approve else "hotlist.deny"
        audit_trail.require(self.ctx, actor, P.APPROVE_HOTLIST, action, object_type="hotlist_entry", object_id=entry_id)
        if not reason.strip():
            raise ValidationFailed("Give the reason for the decision.")
        now = self.ctx.clock.now()
        refusal: Exception | None = None
        with self.ctx.uow() as uow:
            repo = HotListRepository(uow.s)
            row = repo.entry_row(entry_id, lock=True)
            entry = repo.entry(entry_id)
            me = UserRepository(uow.s).get(actor.user_id) if actor.user_id else None
            names = (actor.username, me.full_name) if me else (actor.username,)
            rule = approval_refusal(entry, actor.user_id, names, _round_editors(repo.revisions(entry_id)))
            if row.status != "pending":
                refusal = Conflict(f"This entry is {row.status}, not pending.")
            elif _stale(row.revision, revision):
                refusal = Conflict(_stale(row.revision, revision))
            elif approve and row.expires_at is not None and as_utc(row.expires_at) <= now:
                refusal = Conflict(f"This entry expired on {as_utc(row.expires_at):%Y-%m-%d}: it cannot be approved "
                                   "(deny it, or edit it with a new expiry date).")
            elif rule is not None:
                refusal = Conflict(rule)
            elif approve and revision is None and row.revision > 1:  # a script must say what it reviewed
                refusal = Conflict(f"This entry was changed after it was entered (it is revision {row.revision}): "
                                   "approve it naming the revision you reviewed.")
            if refusal is not None:
                audit_trail.record(uow, self.ctx, actor, action, outcome="refused", object_type="hotlist_entry",
                                   object_id=entry_id, terms=entry.plate, reason=str(refusal))
            else:
                row.status = "active" if approve else "denied"
                row.decided_by, row.decided_at, row.decision_reason = actor.user_id, now, reason.strip()
                repo.add_revision(entry_id, row.revision, "approve" if approve else "deny", actor.user_id, now,
                                  {}, None, reason.strip())
                audit_trail.record(uow, self.ctx, actor, action, object_type="hotlist_entry", object_id=entry_id,
                                   terms=entry.plate, case_number=entry.case_number, reason=reason.strip())
        if refusal is not None:
            raise refusal
        if approve:
            self.index.rebuild()
            if self.retroactive is not None:
                one = HotListIndex([IndexEntry(entry.id, entry.plate, entry.state, entry.priority)])
                self.retroactive(one, self.rules.retro_hours)
        with self.ctx.uow() as uow:
            return HotListRepository(uow.s).entry(entry_id)

    def expire(self, actor: Actor) -> int:
        """Mark entries (local and imported) past their expiry as expired; they stop alerting. Returns how many."""
        audit_trail.require(self.ctx, actor, P.MANAGE_HOTLIST_SOURCES, "hotlist.expire")
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            ids = HotListRepository(uow.s).expire_due(now)
            if ids:
                audit_trail.record(uow, self.ctx, actor, "hotlist.expire", detail={"entries": ids[:500], "count": len(ids)})
        if ids:  # runs every few minutes: rebuilding millions of entries for nothing would stall matching
            self.index.rebuild()
            self.ctx.changes.publish(Changes(hotlists=True))
        return len(ids)
