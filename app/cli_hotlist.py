"""`python main.py admin hotlist ...`: import a source's file, or check a file against a preset (headless).

``check`` parses only (no database): it prints the counts, every rejected row with its line
number, and a sample of the records, each as one JSON line; the last line is the summary object.
``import`` runs the same import as the console (guards, report, access record).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from app.domain.hotlists import PRESETS, parse_hotlist, preset, preset_settings
from app.services.hotlist_import import ListFileRefused, read_list_file


def add_hotlist_parser(cmds: argparse._SubParsersAction) -> None:
    """Add ``hotlist import`` and ``hotlist check`` under ``admin``."""
    h = cmds.add_parser("hotlist", help="hot-list imports (headless)")
    hc = h.add_subparsers(dest="hotlist_cmd", required=True)
    imp = hc.add_parser("import", help="import FILE for the source SOURCE (name or id)")
    imp.add_argument("source")
    imp.add_argument("file", nargs="?", help="default: the source's configured location")
    imp.add_argument("--confirm-shrink", action="store_true",
                     help="an administrator confirms a list much smaller than the previous import: the "
                          "source's newest import was held for it and this is the same file (import once, "
                          "read the report, then confirm)")
    chk = hc.add_parser("check", help="parse FILE with a preset; print counts, rejected rows and a sample")
    chk.add_argument("--preset", required=True, choices=sorted(PRESETS))
    chk.add_argument("file")
    chk.add_argument("--sample", type=int, default=5, help="records to print (default 5)")
    chk.add_argument("--max-bad-fraction", type=float, default=None, help="override the bad-row threshold")


def _json_default(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def run_check(args: argparse.Namespace, out=sys.stdout) -> int:  # noqa: ANN001
    """Parse only; exit 0 when the file would be accepted, 1 when refused."""
    settings = preset_settings(args.preset) if args.max_bad_fraction is None else \
        preset_settings(args.preset, max_bad_row_fraction=args.max_bad_fraction)
    try:
        data = read_list_file(Path(args.file))
    except ListFileRefused as exc:
        print(json.dumps({"accepted": False, "refusal": str(exc.reason), "detail": exc.detail}), file=out)
        return 1
    outcome = parse_hotlist(data, preset(args.preset), settings, as_of=date.today())
    for issue in outcome.rejected:
        print(json.dumps({"rejected": issue.line_no, "reason": issue.reason.value, "detail": issue.detail}), file=out)
    for issue in outcome.warnings:
        print(json.dumps({"warning": issue.line_no, "reason": issue.reason.value, "detail": issue.detail}), file=out)
    for record in outcome.records[:max(0, args.sample)] if outcome.accepted else ():
        fields = {k: getattr(record, k) for k in record.__slots__ if getattr(record, k) not in (None, "")}
        print(json.dumps({"record": fields}, default=_json_default), file=out)
    c = outcome.counts
    print(json.dumps({
        "accepted": outcome.accepted, "refusal": str(outcome.refusal) if outcome.refusal else None,
        "detail": outcome.refusal_detail or None, "preset": args.preset, "encoding": outcome.encoding,
        "rows": c.data_rows, "records": c.imported, "rejected": c.rejected, "warnings": c.warnings,
        "skipped": c.skipped_listed + c.skipped_state + c.skipped_expired, "duplicates": c.duplicates_merged,
    }), file=out)
    return 0 if outcome.accepted else 1


def run_import(args: argparse.Namespace, services, actor, out=sys.stdout) -> int:  # noqa: ANN001
    """Import through the hot-list service; exit 0 accepted, 1 refused or held."""
    hot = services.hotlists
    sources = hot.sources(actor)
    src = next((s for s in sources if s.name == args.source or str(s.id) == args.source), None)
    if src is None:
        print(f"error: no hot-list source {args.source!r}; known: {', '.join(s.name for s in sources) or 'none'}",
              file=sys.stderr)
        return 2
    summary = hot.import_source(actor, src.id, args.file, confirm_shrink=args.confirm_shrink)
    for line in summary.report_lines:
        print(line, file=out)
    print(json.dumps({"accepted": summary.accepted, "refusal": summary.refusal, "source": summary.source_name,
                      "rows": summary.rows_read, "imported": summary.imported, "rejected": summary.rejected,
                      "import_id": summary.id}), file=out)
    return 0 if summary.accepted else 1
