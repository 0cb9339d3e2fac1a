"""``python -m recognition``: read, eval and bench commands."""

import sys

from recognition.cli import main

if __name__ == "__main__":
    sys.exit(main())
