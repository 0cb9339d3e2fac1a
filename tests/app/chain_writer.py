"""A second process appending to the access record (`python -m tests.app.chain_writer DB N KEYHEX NAME`)."""

from __future__ import annotations

import sys
from pathlib import Path

from app.domain.users import Actor
from app.persistence.engine import make_engine, sqlite_url
from app.persistence.unit_of_work import unit_of_work_factory
from app.services import audit_trail
from app.services.checkpoint_key import KEY_NAME, CheckpointKeyring
from app.services.context import ServiceContext
from app.settings.secrets import MemorySecretStore


def main(db: str, n: int, key_hex: str, name: str) -> int:
    store = MemorySecretStore()
    store.set(KEY_NAME, key_hex)
    engine = make_engine(sqlite_url(Path(db)))
    ctx = ServiceContext(uow=unit_of_work_factory(engine), workstation=name, checkpoint_key=CheckpointKeyring(store))
    actor = Actor(None, name, name)
    for i in range(n):
        audit_trail.record_alone(ctx, actor, "search", terms=f"{name}-{i}", reason="two writers")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]))
