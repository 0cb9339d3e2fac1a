"""Composition root: parses the command line and builds every concrete object."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="alpr-console", description="ALPR dispatch console")
    p.add_argument("--demo", action="store_true", help="run on the built-in synthetic camera feed and demo hot list")
    p.add_argument("--data-dir", help="folder for the database, images, documents and settings")
    p.add_argument("--database-url", help="override the configured database URL")
    p.add_argument("--screenshot", metavar="PNG", help="render the window after start-up to PNG and exit")
    p.add_argument("--screenshot-delay", type=float, default=1.5, help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command")
    from app.cli import add_admin_parser

    add_admin_parser(sub)
    return p.parse_args(argv)


def run(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "admin":
        from app.cli import run_admin

        return run_admin(args)
    from app.ui.application import run_gui

    return run_gui(args, Path(args.data_dir) if args.data_dir else None)
