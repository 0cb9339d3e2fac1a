"""Subcommands of ``python -m recognition`` (contracts other tools rely on; keep them stable)."""
