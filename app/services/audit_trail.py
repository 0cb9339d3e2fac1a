"""Writing the access record: who, when, what, why, from which workstation; and who may act.

Rows are written through the caller's unit of work so they commit (or roll back) together with
the access they describe. Refusals are the exception: the refused action rolls back, so the
refusal is written in a unit of work of its own.

Authorization is decided here from the database at every call, never from the roles an ``Actor``
carries: a disabled account, a removed role, expired training, a password that must be changed
or a policy not yet accepted ends access at the next call (``require``), and ``record`` refuses
to write an "ok" row for such an account (the access then rolls back with it).
"""

from __future__ import annotations

from app.domain.access import HEAD, AccessEntry, ChainHead, ChainVerdict
from app.domain.errors import Conflict, NotFound, PermissionDenied, SessionRevoked, ValidationFailed
from app.domain.roles import Permission, permissions_for
from app.domain.substance import reason_problem
from app.domain.users import Actor, User, session_refusal
from app.persistence.repositories.access_log import AccessLogRepository
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.users import UserRepository
from app.persistence.unit_of_work import UnitOfWork
from app.services.context import ServiceContext


def record(
    uow: UnitOfWork,
    ctx: ServiceContext,
    actor: Actor,
    action: str,
    *,
    outcome: str = "ok",
    object_type: str | None = None,
    object_id: object = None,
    terms: str | None = None,
    reason: str | None = None,
    case_number: str | None = None,
    detail: dict | None = None,
) -> AccessEntry:
    """Append one access-record row inside ``uow``.

    Args:
        uow: the open unit of work of the access being recorded.
        ctx: service context (clock, workstation).
        actor: who acted.
        action: short verb-like code, e.g. ``login``, ``search``, ``hit.view``.
        outcome: ``ok``, ``refused`` or ``failed``.
        object_type: kind of object touched (read, hit, user ...).
        object_id: its id.
        terms: plate or query terms.
        reason: the stated purpose.
        case_number: case/CFS number where the action needs one.
        detail: extra JSON-serialisable facts.

    Returns:
        The stored entry with its chain hash.

    """
    if actor.user_id is not None and outcome == "ok":
        # a refused session may still end or repair itself, but only under its own account's name
        refusal = _name_refusal(uow, actor) if action in SESSION_EXEMPT else _refusal(uow, ctx, actor)
        if refusal is not None:
            raise SessionRevoked(*refusal)
    entry = AccessEntry(
        at=ctx.clock.now(), user_id=actor.user_id, username=actor.username,
        workstation=actor.workstation or ctx.workstation, action=action, outcome=outcome,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        terms=terms, reason=reason, case_number=case_number, detail=detail,
    )
    repo = AccessLogRepository(uow.s, ctx.sealer())
    stored = repo.append(entry)
    _note_signed(ctx, repo, stored)
    return stored


def _note_signed(ctx: ServiceContext, repo: AccessLogRepository, stored: AccessEntry) -> None:
    """Once per record and key: keep the record's first-row hash beside the key (see CheckpointKeyring.note_signed).

    Not for a record this very row starts: its transaction may still roll back.
    """
    keyring = ctx.checkpoint_key
    if repo.sealer is None or keyring is None or keyring.noted:
        return
    first = repo.first_hash()
    if first is not None and first != stored.hash:
        keyring.note_signed(first)


def record_alone(ctx: ServiceContext, actor: Actor, action: str, **fields: object) -> AccessEntry:
    """Record in a unit of work of its own (refusals, failed logins)."""
    with ctx.uow() as uow:
        return record(uow, ctx, actor, action, **fields)  # type: ignore[arg-type]


#: actions a signed-in user may still take while their session is refused (they end or repair it)
SESSION_EXEMPT = frozenset({
    "login", "logout", "lock", "unlock", "password.changed", "policy.acknowledged", "admin.first_admin_created",
})


def _load(uow: UnitOfWork, actor: Actor) -> tuple[User | None, str]:
    try:
        user = UserRepository(uow.s).get(actor.user_id)  # type: ignore[arg-type]
    except NotFound:
        return None, ""
    return user, AgencyRepository(uow.s).get().policy_version


def _refusal(uow: UnitOfWork, ctx: ServiceContext, actor: Actor) -> tuple[str, str] | None:
    user, policy_version = _load(uow, actor)
    return _refusal_of(ctx, actor, user, policy_version)


NO_ACCOUNT = ("unknown_account", "Your account no longer exists.")
NOT_ITS_ACCOUNT = ("unknown_account", "This session does not belong to the account it names.")


def _name_refusal(uow: UnitOfWork, actor: Actor) -> tuple[str, str] | None:
    """Why ``actor`` may not write even a session row (sign-out, lock): no such account, or not its name."""
    try:
        user = UserRepository(uow.s).get(actor.user_id)  # type: ignore[arg-type]
    except NotFound:
        return NO_ACCOUNT
    return None if user.username == actor.username else NOT_ITS_ACCOUNT


def _refusal_of(ctx: ServiceContext, actor: Actor, user: User | None, policy_version: str) -> tuple[str, str] | None:
    """Why ``actor`` may not act as the stored ``user`` now; the name it carries is the one every row shows."""
    if user is None:
        return NO_ACCOUNT
    if user.username != actor.username:
        return NOT_ITS_ACCOUNT
    return session_refusal(user, ctx.clock.now().date(), policy_version)


def live_permissions(ctx: ServiceContext, actor: Actor) -> frozenset[Permission]:
    """What ``actor`` may do right now, from the stored account; SessionRevoked when nothing."""
    if actor.user_id is None:  # the system itself (runtime, jobs): roles given by the composition root
        return permissions_for(actor.roles)
    with ctx.uow(read_only=True) as uow:
        user, policy_version = _load(uow, actor)
    refusal = _refusal_of(ctx, actor, user, policy_version)
    if refusal is not None:
        raise SessionRevoked(*refusal)
    assert user is not None
    return user.permissions


def granted(ctx: ServiceContext, actor: Actor, permission: Permission) -> bool:
    """True when the stored account of ``actor`` holds ``permission`` now (never the Actor's own roles)."""
    try:
        return permission in live_permissions(ctx, actor)
    except SessionRevoked:
        return False


def require_any(ctx: ServiceContext, actor: Actor, permissions: tuple[Permission, ...], action: str,
                **fields: object) -> None:
    """Like ``require`` for an entry point open to several roles: any one of ``permissions`` will do."""
    try:
        have = live_permissions(ctx, actor)
    except SessionRevoked as exc:
        record_alone(ctx, actor, action, outcome="refused", detail={"session": exc.reason}, **fields)
        raise
    if have & set(permissions):
        return
    record_alone(ctx, actor, action, outcome="refused", detail={"missing_permission": str(permissions[0])}, **fields)
    raise PermissionDenied(action.replace(".", " ").replace("_", " "), str(permissions[0]))


def require(ctx: ServiceContext, actor: Actor, permission: Permission, action: str, **fields: object) -> None:
    """Raise (and record the refusal) unless the stored account of ``actor`` may use ``permission`` now.

    Raises:
        SessionRevoked: the account is disabled, its training expired, its password must be changed
            or the policy accepted first: the console locks with this reason.
        PermissionDenied: the account's current roles do not carry ``permission``.

    """
    try:
        granted = live_permissions(ctx, actor)
    except SessionRevoked as exc:
        record_alone(ctx, actor, action, outcome="refused", detail={"session": exc.reason}, **fields)
        raise
    if permission in granted:
        return
    record_alone(ctx, actor, action, outcome="refused", detail={"missing_permission": str(permission)}, **fields)
    raise PermissionDenied(action.replace(".", " ").replace("_", " "), str(permission))


def verify_chain(ctx: ServiceContext) -> ChainVerdict:
    """Recompute the whole chain and compare it with the signed checkpoints.

    The walk runs on a snapshot without the write lock. Only an intact chain gets a new signed
    checkpoint: a hole is never sealed. The caller reports the verdict, then calls
    ``record_verify`` so the verify's own row cannot change what it reported.
    """
    sealer = ctx.sealer()
    with ctx.uow(read_only=True) as uow:
        verdict = AccessLogRepository(uow.s, sealer).verify()
    if verdict.intact and verdict.head_id is not None and sealer is not None:
        with ctx.uow() as uow:
            AccessLogRepository(uow.s, sealer).checkpoint_verified(
                ChainHead(verdict.head_id, verdict.head_hash, verdict.rows_checked), ctx.clock.now(), ctx.workstation)
    return verdict


def record_verify(ctx: ServiceContext, actor: Actor, verdict: ChainVerdict) -> None:
    """Record that a verify ran and what it found (after it was reported)."""
    record_alone(ctx, actor, "audit.verify", outcome="ok" if verdict.intact else "failed",
                 detail={"intact": verdict.intact, "rows": verdict.rows_checked, "head_id": verdict.head_id,
                         "head_hash": verdict.head_hash, "problems": list(verdict.problems[:5])})


def reseal(ctx: ServiceContext, actor: Actor, reason: str) -> ChainVerdict:
    """Sign the present end of the record as its head after a verify found it not intact.

    For a head left behind by rows written without the key (a locked keyring) once the cause is
    understood. The verify's findings, the old head and the reason are chained into the record in
    the same transaction, and earlier checkpoints keep pinning what they pinned.

    Raises:
        ValidationFailed: no reason, or no checkpoint key here.
        Conflict: the record is intact (nothing to reseal).

    """
    require(ctx, actor, Permission.MANAGE_AGENCY, "audit.reseal")
    if reason_problem(reason, "The reason", 3):  # three words, not keystrokes ('x x x', 'test test test')
        raise ValidationFailed("Say why the record is resealed (what was found and why it is benign).")
    sealer = ctx.sealer()
    if sealer is None:
        raise ValidationFailed("The checkpoint key (OS keyring) is not reachable here.")
    verdict = verify_chain(ctx)
    if verdict.intact:
        raise Conflict("The access record is intact: there is nothing to reseal.")
    with ctx.uow() as uow:
        repo = AccessLogRepository(uow.s, sealer)
        old = repo.latest(HEAD)
        record(uow, ctx, actor, "audit.reseal", reason=reason, detail={
            "problems": list(verdict.problems[:20]), "rows": verdict.rows_checked,
            "old_head": None if old is None else {"last_id": old.head.last_id, "count": old.head.count}})
        repo.reseal_head(ctx.clock.now(), ctx.workstation)
    return verdict


def unsigned_writes_would_break_the_seal(ctx: ServiceContext) -> bool:
    """True when the record is signed but this process cannot reach the key (its rows would look forged)."""
    if ctx.sealer() is not None:
        return False
    with ctx.uow(read_only=True) as uow:
        return bool(AccessLogRepository(uow.s).checkpoints_exist())


def chain_head(ctx: ServiceContext) -> ChainHead:
    """The newest row's id and hash and the number of rows (printed on the audit memo as an anchor)."""
    with ctx.uow(read_only=True) as uow:
        return AccessLogRepository(uow.s).head()
