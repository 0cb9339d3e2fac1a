"""Checking the access record: every link, every hash, and the chain against its signed checkpoints.

A chain that only links to itself can be cut short, extended with forged rows or re-hashed after an
edit by anyone who knows the (public) algorithm. The checkpoints, signed with a key that never
enters the database, pin the head: the newest row's id and hash and the number of rows up to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.access import (
    GENESIS_HASH,
    HEAD,
    AccessEntry,
    ChainSealer,
    ChainVerdict,
    Checkpoint,
    chain_hash,
)
from app.domain.display_dates import datetime_text


def verify_chain(entries: Iterable[AccessEntry], checkpoints: list[Checkpoint],
                 sealer: ChainSealer | None) -> ChainVerdict:
    """Walk the chain once and compare it with the checkpoints (see the module docstring).

    A record whose first row the key has signed before (``sealer.signed_records``, kept in the
    keyring) and that has no checkpoint at all had them removed: that is reported, not excused as
    a record written before checkpoints existed.
    """
    problems: list[tuple[int | None, str]] = []
    warnings: list[str] = []
    trusted, forged_cps = _sort_checkpoints(checkpoints, sealer, warnings)
    problems += [(None, f"checkpoint {cp.id} ({cp.kind}) does not carry a valid signature (edited or forged)")
                 for cp in forged_cps]
    by_id: dict[int, list[Checkpoint]] = {}
    for cp in trusted:
        by_id.setdefault(cp.head.last_id, []).append(cp)
    prev, n, last_id, broken = GENESIS_HASH, 0, None, False
    first_hash: str | None = None
    seen: set[int] = set()
    for e in entries:
        n += 1
        first_hash = first_hash or e.hash
        if e.action == RESEAL_ACTION and e.outcome == "ok":  # an administrator's reseal stays in every verdict
            warnings.append(_reseal_line(e))
        if not broken and e.prev_hash != prev:
            problems.append((e.id, "its link to the previous row does not match (row removed or inserted)"))
            broken = True
        elif not broken and chain_hash(prev, e) != e.hash:
            problems.append((e.id, "its content does not match its hash (row altered)"))
            broken = True
        for cp in by_id.get(e.id, ()):  # type: ignore[arg-type]
            seen.add(cp.head.last_id)
            if cp.head.last_hash != e.hash:
                problems.append((e.id, f"its hash differs from the signed {cp.kind} checkpoint of "
                                       f"{datetime_text(cp.at)} (rows edited and re-hashed)"))
            elif cp.head.count != n:
                problems.append((e.id, f"{n} rows lead up to it but the signed {cp.kind} checkpoint of "
                                       f"{datetime_text(cp.at)} counted {cp.head.count} (rows removed or inserted)"))
        prev, last_id = e.hash, e.id
    for cp in trusted:
        if cp.head.last_id and cp.head.last_id not in seen:
            problems.append((cp.head.last_id, f"row {cp.head.last_id} named by the signed {cp.kind} checkpoint of "
                                              f"{datetime_text(cp.at)} is missing (rows deleted or truncated)"))
    if sealer is not None and not checkpoints and first_hash in sealer.signed_records:
        problems.append((last_id, "every signed checkpoint is missing, yet this key has signed this record before "
                                  "(checkpoints removed; rows may have been deleted or truncated with them)"))
    sealed = _check_head(trusted, checkpoints, sealer, last_id, prev, n, problems, warnings)
    problems = _unique(problems)
    first_id, first = (problems[0] if problems else (None, None))
    return ChainVerdict(
        intact=not problems, rows_checked=n, first_broken_id=first_id, problem=first, head_id=last_id,
        head_hash=prev, sealed=sealed, problems=tuple(p for _i, p in problems), warnings=tuple(warnings),
    )


RESEAL_ACTION = "audit.reseal"


def _reseal_line(e: AccessEntry) -> str:
    found = e.detail.get("problems") if isinstance(e.detail, dict) else None
    what = "; ".join(str(p) for p in (found or [])[:3]) or "no problems recorded"
    return (f"resealed at row {e.id} on {datetime_text(e.at)} by {e.username} ({e.reason or 'no reason'}); "
            f"the verify before it found: {what}")


def _sort_checkpoints(checkpoints: list[Checkpoint], sealer: ChainSealer | None,
                      warnings: list[str]) -> tuple[list[Checkpoint], list[Checkpoint]]:
    if sealer is None:
        if checkpoints:
            warnings.append("the checkpoint key is not available here (OS keyring): signed checkpoints not checked")
        else:
            warnings.append("no checkpoint key (OS keyring): truncation and re-hashing cannot be detected")
        return [], []
    mine = [cp for cp in checkpoints if cp.key_id == sealer.key_id]
    others = len(checkpoints) - len(mine)
    if others:
        warnings.append(f"{others} checkpoint(s) signed with another key were not checked")
    return [cp for cp in mine if sealer.valid(cp)], [cp for cp in mine if not sealer.valid(cp)]


def _check_head(trusted: list[Checkpoint], every: list[Checkpoint], sealer: ChainSealer | None,
                last_id: int | None, last_hash: str, n: int, problems: list, warnings: list[str]) -> bool:
    if sealer is None:
        return False
    heads = [cp for cp in trusted if cp.kind == HEAD]
    if not heads:
        if every:
            problems.append((last_id, "the signed head checkpoint is missing (removed)"))
        elif n and not problems:
            warnings.append("no signed checkpoint yet: rows written before checkpoints existed")
        return False
    head = heads[-1]
    if head.head.last_id == (last_id or 0) and head.head.last_hash == last_hash and head.head.count == n:
        return True
    if head.head.count < n:
        problems.append((last_id, f"{n - head.head.count} row(s) after the signed head (row {head.head.last_id}, "
                                  f"{head.head.count} rows): appended without the key (forged)"))
    elif head.head.count > n:
        problems.append((last_id, f"the signed head counts {head.head.count} rows but {n} remain "
                                  f"(rows deleted or the record truncated)"))
    else:
        problems.append((last_id, "the newest row differs from the signed head (rows replaced)"))
    return False


def _unique(problems: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if p[1] not in seen:
            seen.add(p[1])
            out.append(p)
    return out
