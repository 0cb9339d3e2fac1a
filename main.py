"""ALPR dispatch console. `python main.py --help` lists the options; `python main.py admin --help` the CLI."""

import multiprocessing
import os
import sys

os.environ.setdefault("QT_API", "pyside6")

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the bundle spawns recognition and speech child processes
    from app.bootstrap import run

    sys.exit(run())
