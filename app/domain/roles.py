"""Roles of DESIGN.md and the permissions each one carries."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"  # supervisor / ALPR administrator
    RECORDS_CLERK = "records_clerk"
    INVESTIGATOR = "investigator"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.DISPATCHER: "Dispatcher",
    Role.SUPERVISOR: "Supervisor / ALPR administrator",
    Role.RECORDS_CLERK: "Records clerk",
    Role.INVESTIGATOR: "Investigator",
    Role.AUDITOR: "Auditor (read-only)",
}


class Permission(StrEnum):
    VIEW_CONSOLE = "view_console"
    HANDLE_HITS = "handle_hits"
    ENTER_BOLO = "enter_bolo"
    VIEW_HOTLISTS = "view_hotlists"
    APPROVE_HOTLIST = "approve_hotlist"
    MANAGE_HOTLIST_SOURCES = "manage_hotlist_sources"
    SEARCH_READS = "search_reads"
    PLACE_HOLD = "place_hold"
    RELEASE_HOLD = "release_hold"
    EXPORT_EVIDENCE = "export_evidence"
    INTAKE_RELEASE = "intake_release"
    APPROVE_RELEASE = "approve_release"
    FULFIL_RELEASE = "fulfil_release"
    PRINT_RECORDS = "print_records"
    RUN_AUDIT = "run_audit"
    VIEW_ACCESS_LOG = "view_access_log"
    VIEW_AUDITS = "view_audits"
    MANAGE_USERS = "manage_users"
    MANAGE_CAMERAS = "manage_cameras"
    MANAGE_RETENTION = "manage_retention"
    MANAGE_AGENCY = "manage_agency"
    RUN_PURGE = "run_purge"
    VIEW_COVERT = "view_covert"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset({P.VIEW_CONSOLE, P.HANDLE_HITS, P.ENTER_BOLO, P.VIEW_HOTLISTS}),
    Role.SUPERVISOR: frozenset(
        {
            P.VIEW_CONSOLE, P.HANDLE_HITS, P.ENTER_BOLO, P.VIEW_HOTLISTS, P.APPROVE_HOTLIST,
            P.MANAGE_HOTLIST_SOURCES, P.APPROVE_RELEASE, P.MANAGE_USERS, P.MANAGE_CAMERAS,
            P.MANAGE_RETENTION, P.MANAGE_AGENCY, P.RUN_AUDIT, P.VIEW_AUDITS, P.VIEW_ACCESS_LOG,
            P.RELEASE_HOLD, P.RUN_PURGE, P.PRINT_RECORDS, P.VIEW_COVERT,
        }
    ),
    Role.RECORDS_CLERK: frozenset({P.INTAKE_RELEASE, P.FULFIL_RELEASE, P.PRINT_RECORDS, P.VIEW_AUDITS}),
    Role.INVESTIGATOR: frozenset({P.SEARCH_READS, P.PLACE_HOLD, P.EXPORT_EVIDENCE, P.ENTER_BOLO, P.VIEW_HOTLISTS}),
    Role.AUDITOR: frozenset({P.VIEW_ACCESS_LOG, P.VIEW_AUDITS, P.RUN_AUDIT}),
}


def permissions_for(roles: frozenset[Role]) -> frozenset[Permission]:
    out: set[Permission] = set()
    for r in roles:
        out |= ROLE_PERMISSIONS[r]
    return frozenset(out)
