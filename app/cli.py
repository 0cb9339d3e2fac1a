"""`python main.py admin ...`: headless administration (first admin, password reset, audit verify).

`python main.py node`: its command line (the node itself runs in app.runtime.node_main).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING

from app import cli_hotlist
from app.cli_hotlist import add_hotlist_parser
from app.data_at_rest import check_private
from app.domain.errors import DomainError, PermissionDenied
from app.domain.records.retention import JURISDICTIONS
from app.domain.roles import Permission
from app.domain.users import Actor, TrainingRecord
from app.persistence.engine import DatabaseUnavailable
from app.persistence.repositories.users import UserRepository
from app.services import audit_trail

if TYPE_CHECKING:
    from app.bootstrap import Assembly


def add_admin_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser(
        "admin", help="administrative commands",
        description="Every command except create-admin (on an empty database) and audit verify needs an "
                    "administrator's username (--as) and password; the access record names that administrator.")
    admin.add_argument("--as", dest="admin_user", metavar="USERNAME", help="the administrator running the command")
    admin.add_argument("--admin-password-stdin", action="store_true",
                       help="read the administrator's password from the first line of stdin")
    cmds = admin.add_subparsers(dest="admin_cmd", required=True)
    c = cmds.add_parser("create-admin", help="create the first administrator")
    c.add_argument("--username", required=True)
    c.add_argument("--full-name", required=True)
    c.add_argument("--badge")
    c.add_argument("--training-completed", type=date.fromisoformat, default=date.today())
    c.add_argument("--training-expires", type=date.fromisoformat)
    c.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    r = cmds.add_parser("reset-password", help="set a temporary password (must be changed at login)")
    r.add_argument("--username", required=True)
    r.add_argument("--password-stdin", action="store_true")
    u = cmds.add_parser("unlock", help="clear a lockout")
    u.add_argument("--username", required=True)
    a = cmds.add_parser("audit", help="access record")
    a.add_argument("audit_cmd", choices=["verify", "reseal"],
                   help="verify: check the record; reseal: sign its present end after a benign break (with --reason)")
    a.add_argument("--reason", default="", help="reseal: what was found and why it is benign")
    rp = cmds.add_parser("retention", help="retention purge (expired reads, hits and images), jurisdiction")
    rp.add_argument("retention_cmd", choices=["purge", "jurisdiction"])
    rp.add_argument("--accept-clock-gap", action="store_true",
                    help="confirm a long gap since the last purge is genuine (the clock guard refuses otherwise)")
    rp.add_argument("--to", dest="jurisdiction", choices=sorted(JURISDICTIONS),
                    help="jurisdiction: its minimum and maximum retention bind every preset")
    rp.add_argument("--reason", default="", help="why the jurisdiction changes (kept in the access record)")
    add_hotlist_parser(cmds)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Repeat: ") != first:
        raise DomainError("The passwords differ.")
    return first


def add_node_parser(sub: argparse._SubParsersAction) -> None:
    node = sub.add_parser("node", help="run a headless recognition node for the center's PostgreSQL",
                          description="Capture, recognition and ingest for the cameras leased to this node. "
                                      "The database is the settings' PostgreSQL (password from the keyring) "
                                      "or --database-url.")
    node.add_argument("--database-url", default=argparse.SUPPRESS,
                      help="the center's PostgreSQL URL (default: the settings' URL with the keyring password)")
    node.add_argument("--data-dir", default=argparse.SUPPRESS, help="folder for the spool, images and settings")
    node.add_argument("--name", help="node name (default: the workstation name)")
    node.add_argument("--capacity", type=int, help="most cameras this node runs (default: settings.node.capacity)")
    node.add_argument("--heartbeat-s", type=float, help="heartbeat interval in seconds")
    node.add_argument("--lease-timeout-s", type=float, help="seconds of silence before a node's cameras move")
    node.add_argument("--oracle", action="store_true", help="demo oracle models instead of OpenVINO (benchmarks)")
    node.add_argument("--in-process", action="store_true", help="recognition in this process, not a child")


def run_admin(args: argparse.Namespace, assembly: Assembly) -> int:
    if args.admin_cmd == "hotlist" and args.hotlist_cmd == "check":
        return cli_hotlist.run_check(args)  # parse only: no database
    for warning in check_private(assembly.paths.data, assembly.paths.config):
        print(f"warning: {warning}", file=sys.stderr)
    try:
        services = assembly.connect()
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if audit_trail.unsigned_writes_would_break_the_seal(services.ctx):
        print("error: the access record is signed with a key held in the OS keyring, which this session cannot "
              "reach (no unlocked keyring). Run the command in the desktop session of the console, or unlock the "
              "keyring: rows written without the key would look forged to every later verify.", file=sys.stderr)
        assembly.close()
        return 2
    actor = None
    try:
        actor = _cli_actor(args, services)
        return _dispatch(args, services, actor)
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if actor is not None and actor.user_id is not None:  # the command's session ends in the record too
            services.accounts.logout(actor, "cli_done")
        assembly.close()


def _cli_actor(args: argparse.Namespace, services) -> Actor:  # noqa: ANN001
    """The administrator named by ``--as`` after checking their password (the same checks as the console).

    ``create-admin`` and ``audit verify`` run as the command line itself: the first has no account
    yet (it is refused once any account exists), the second only reads and records its verdict.
    """
    if args.admin_cmd == "create-admin" or (args.admin_cmd == "audit" and args.audit_cmd == "verify"):
        return Actor(None, f"cli:{getpass.getuser() or os.getpid()}", services.ctx.workstation)
    if not args.admin_user:
        raise DomainError(f"'admin {args.admin_cmd}' needs an administrator: add --as USERNAME "
                          "(the password is asked for, or read from stdin with --admin-password-stdin).")
    if args.admin_password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password of {args.admin_user}: ")
    result = services.accounts.login(args.admin_user, password)
    if result.must_change_password or result.needs_policy_ack:
        services.accounts.logout(result.actor, "cli_sign_in_incomplete")
        raise DomainError("Sign in to the console first to change your temporary password and accept the "
                          "agency's ALPR policy.")
    if not result.actor.can(Permission.MANAGE_USERS):
        services.accounts.logout(result.actor, "cli_not_administrator")
        raise PermissionDenied("run administrative commands", str(Permission.MANAGE_USERS))
    return result.actor


def _dispatch(args, services, actor) -> int:  # noqa: ANN001
    if args.admin_cmd == "create-admin":
        expires = args.training_expires or args.training_completed + timedelta(days=365)
        user = services.accounts.create_first_admin(
            args.username, args.full_name, _password(args),
            TrainingRecord("ALPR operator and administrator", args.training_completed, expires), args.badge)
        print(f"created administrator {user.username} (training valid until {expires})")
        return 0
    if args.admin_cmd in ("reset-password", "unlock"):
        with services.ctx.uow() as uow:
            user = UserRepository(uow.s).by_username(args.username)
        if user is None:
            print(f"error: no user named {args.username}", file=sys.stderr)
            return 1
        if args.admin_cmd == "unlock":
            services.administration.unlock(actor, user.id)
            print(f"unlocked {user.username}")
        else:
            services.administration.reset_password(actor, user.id, _password(args))
            print(f"password of {user.username} reset; it must be changed at next login")
        return 0
    if args.admin_cmd == "hotlist" and services.hotlists is not None:
        return cli_hotlist.run_import(args, services, actor)
    if args.admin_cmd == "audit" and args.audit_cmd == "reseal":
        found = audit_trail.reseal(services.ctx, actor, args.reason)
        print(f"resealed after: {found.describe()}")
        return 0
    if args.admin_cmd == "audit":
        verdict = audit_trail.verify_chain(services.ctx)
        print(verdict.describe(), flush=True)  # reported first: the verify's own row cannot change it
        audit_trail.record_verify(services.ctx, actor, verdict)
        return 0 if verdict.intact else 3
    if args.admin_cmd == "retention" and args.retention_cmd == "jurisdiction":
        if not args.jurisdiction:
            print("error: name the jurisdiction with --to", file=sys.stderr)
            return 2
        j = services.records.retention.set_jurisdiction(actor, args.jurisdiction, args.reason)
        _preset, periods = services.records.retention.current()
        print(f"jurisdiction: {j.label}; retention reads {periods.reads_days} d, hits {periods.hits_days} d, "
              f"images {periods.images_days} d")
        return 0
    if args.admin_cmd == "retention":
        res = services.records.purge.purge(actor, trigger="cli", accept_clock_gap=args.accept_clock_gap)
        print(f"purge P-{res.run_id}: {res.reads} reads, {res.hits} hits, {res.images} images deleted; "
              f"{res.kept} items kept; report: {res.document.path if res.document else 'not written'}")
        return 0
    return 2
