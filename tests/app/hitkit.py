"""Shared builders for the read/hit/spool tests (users, hot-list rows, reads, a real matcher)."""

from __future__ import annotations

import uuid
import zlib
from datetime import UTC, date, datetime

from app.domain.roles import Role
from app.domain.users import Actor
from app.persistence.engine import make_engine
from app.persistence.orm.hotlists import HotListEntryRow, HotListSourceRow
from app.persistence.repositories.users import UserRepository
from app.persistence.unit_of_work import unit_of_work_factory
from app.services.context import ServiceContext
from recognition.match import HotListIndex, IndexEntry, Matcher
from recognition.types import Alternative, BBox, PlateRead, VehicleColour

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


def make_actor(ctx: ServiceContext, username: str = "disp.kim", roles=frozenset({Role.DISPATCHER})) -> Actor:
    with ctx.uow() as uow:
        repo = UserRepository(uow.s)
        user = repo.by_username(username) or repo.add(username, username.title(), "x", roles, None, ctx.clock.now())
        uow.s.flush()
    from tests.app.conftest import ready_user

    ready_user(ctx, user.id)
    return Actor(user.id, username, ctx.workstation, roles)


ENTRIES = [
    # plate, state, record type, category, priority, ori, instructions
    ("ABC1234", "CA", "V", "stolen_vehicle", 4, "CA0570200", "Stop only with probable cause"),
    ("8OX1234", "NV", "P", "stolen_plate", 6, "NV0020000", None),
    ("7XYZ001", "CA", "A", "amber_alert", 1, "CA0570200", "Child endangered: approach with caution"),
    ("TERR123", "CA", "T", "gang_terrorist", 3, "DCFBIWA00", None),
]


def seed_hotlist(ctx: ServiceContext, entries=ENTRIES, source="NCIC extract") -> tuple[Matcher, dict[str, int]]:
    """Store a source and entries; return a real matcher over them and plate -> entry id."""
    ids: dict[str, int] = {}
    with ctx.uow() as uow:
        src = HotListSourceRow(name=source, kind="ncic", bad_row_threshold=0.05, enabled=True, entry_count=len(entries),
                               last_success_at=ctx.clock.now(), created_at=ctx.clock.now())
        uow.s.add(src)
        uow.s.flush()
        for plate, state, rtype, cat, prio, ori, instr in entries:
            row = HotListEntryRow(
                source_id=src.id, plate=plate, state=state, record_type=rtype, category=cat, priority=prio,
                nic=f"{rtype}{zlib.crc32(plate.encode()) % 10**9:09d}", ori=ori, entry_date=date(2026, 10, 1), lic_year="2027",
                lic_type="PC", vehicle_year="2019", vehicle_make="HOND", vehicle_model="CIV", vehicle_colour="BLK",
                instructions=instr, status="active", revision=1,
            )
            uow.s.add(row)
            uow.s.flush()
            ids[plate] = row.id
    index = HotListIndex([IndexEntry(ids[p], p, s, pr) for p, s, _r, _c, pr, _o, _i in entries])
    return Matcher(index), ids


def make_read(text: str = "ABC1234", camera: str = "cam-1", state: str | None = "CA", ts: float | None = None,
              seed: int = 0, read_id: str | None = None) -> PlateRead:
    ts = ts if ts is not None else T0.timestamp()
    return PlateRead(
        read_id=read_id or str(uuid.uuid4()), camera_id=camera, text=text, confidence=0.91,
        char_confidences=tuple(0.9 for _ in text), alternatives=(Alternative(text.replace("O", "0"), 0.4),),
        state=state, state_confidence=0.8, colour=VehicleColour("BLK", 0.7), box=BBox(10, 20, 120, 40),
        plate_jpeg=b"\xff\xd8plate-" + text.encode() + bytes([seed % 256]), overview_jpeg=b"\xff\xd8overview-" + bytes(
            [seed % 256, seed // 256 % 256]) * 50, first_seen=ts - 1, last_seen=ts, best_ts=ts, frame_count=5,
    )


class Switchable:
    """A unit-of-work factory whose database can be pulled out from under the service."""

    def __init__(self, good) -> None:
        self.good = good
        self.down = unit_of_work_factory(make_engine("postgresql+psycopg://u@127.0.0.1:9/none"))  # closed port
        self.up = True

    def __call__(self, read_only=False):
        return (self.good if self.up else self.down)(read_only=read_only)
