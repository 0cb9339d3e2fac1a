"""Argument parsing for ``python -m recognition`` (read, eval, passes, bench)."""

from __future__ import annotations

import argparse
import logging
import sys


def build_parser() -> argparse.ArgumentParser:
    """Build the command-line parser (subcommands read, eval, passes, bench)."""
    parser = argparse.ArgumentParser(prog="python -m recognition", description="Licence plate recognition tools.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr at INFO level")
    sub = parser.add_subparsers(dest="command", required=True)

    read = sub.add_parser("read", help="plates in still images, one JSON line per image")
    read.add_argument("images", nargs="*", help="image files")
    read.add_argument("--stdin", action="store_true", help="then read one image path per line from stdin")
    read.add_argument("--json", action="store_true", help="accepted for compatibility; output is always JSON")
    read.add_argument("--fake", action="store_true", help=argparse.SUPPRESS)

    ev = sub.add_parser("eval", help="accuracy on a labelled folder; JSON summary as the last line")
    which = ev.add_mutually_exclusive_group(required=True)
    which.add_argument("--scenes", metavar="DIR", help="street scenes with <name>.txt boxes and plates")
    which.add_argument("--crops", metavar="DIR", help="plate crops with labels.csv (file,state,plate)")
    ev.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N images")
    ev.add_argument("--true-box", action="store_true",
                    help="with --scenes: read each labelled plate at its true box (the reader alone, no detector)")

    passes = sub.add_parser("passes", help="one JSON line per vehicle pass in a video, stream or folder")
    passes.add_argument("source", help="video file, RTSP/HTTP URL, USB camera index or image folder")
    passes.add_argument("--realtime", action="store_true",
                        help="files and folders: play at their frame rate and drop frames when behind")
    passes.add_argument("--fps", type=float, default=None,
                        help="frame rate of a folder (default 10) or override of a file's")
    passes.add_argument("--fake", action="store_true", help=argparse.SUPPRESS)

    bench = sub.add_parser("bench", help="throughput, latency and memory; JSON as the last line")
    bench.add_argument("--seconds", type=float, default=20.0, help="length of each generated clip")
    bench.add_argument("--live-seconds", type=float, default=30.0,
                       help="how long the streams run paced like cameras (frame_to_read_p95_ms)")
    bench.add_argument("--streams", type=int, default=4, help="parallel 1080p streams")
    bench.add_argument("--images", metavar="DIR", default=None, help="also time still images of this folder")
    bench.add_argument("--compare-processes", action="store_true",
                       help="also run one process per camera and compare with one process for all")
    bench.add_argument("--fake", action="store_true", help="oracle models instead of the shipped ones")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command == "read":
        from recognition.commands import read

        return read.main(args.images, args.stdin, args.fake)
    if args.command == "eval":
        from recognition.commands import evaluate

        if args.limit is not None and args.limit < 1:
            print('{"error": "--limit must be >= 1"}', flush=True)
            return 2
        if args.true_box and not args.scenes:
            print('{"error": "--true-box needs --scenes"}', flush=True)
            return 2
        return evaluate.main(args.scenes, args.crops, args.limit, args.true_box)
    if args.command == "passes":
        from recognition.commands import passes

        if args.fps is not None and not 0 < args.fps <= 1000:
            print('{"error": "--fps must be in (0, 1000]"}', flush=True)
            return 2
        return passes.main(args.source, args.realtime, args.fps, args.fake)
    from recognition.commands import bench

    return bench.main(args)
