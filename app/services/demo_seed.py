"""`--demo`: a demo hot list and agency profile so a new user sees the whole flow without a camera.

The demo list is a real NCIC-format file imported through the normal hot-list import, so the
demo exercises the same code as production.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date
from pathlib import Path

from app.domain.errors import Conflict
from app.domain.hotlist_admin import SourceKind
from app.domain.users import Actor
from app.persistence.repositories.agency import AgencyRepository
from app.persistence.repositories.hotlists import HotListRepository
from app.services.hotlists import HotListService

logger = logging.getLogger(__name__)

DEMO_SOURCE = "Demo NCIC extract"

#: (record type, NIC, plate, state, year, make, model, style, colour)
DEMO_RECORDS = (
    ("A", "A100000001", "8AMB123", "CA", "2018", "HOND", "ACC", "4D", "SIL"),
    ("W", "W100000002", "7WNT456", "CA", "2016", "TOYT", "CAM", "4D", "BLK"),
    ("V", "V100000003", "5STL789", "CA", "2020", "NISS", "ALT", "4D", "WHI"),
    ("V", "V100000004", "KRT4412", "TX", "2019", "FORD", "F15", "PK", "RED"),
    ("P", "P100000005", "6PLT321", "CA", "2014", "CHEV", "MAL", "4D", "BLU"),
    ("F", "F100000006", "BDX9921", "NY", "2017", "DODG", "CHA", "4D", "GRY"),
    ("H", "H100000007", "3POR554", "AZ", "2015", "JEEP", "GRA", "SW", "GRN"),
    ("L", "L100000008", "VLN7730", "FL", "2021", "KIA", "OPT", "4D", "BLK"),
    ("M", "M100000009", "MSP2468", "WA", "2012", "SUBA", "OUT", "SW", "TAN"),
    ("C", "C100000010", "SPR1357", "OR", "2013", "HYUN", "ELA", "4D", "WHI"),
)


def demo_plates() -> tuple[str, ...]:
    """Plates the demo cameras show now and then (the demo hot list)."""
    return tuple(r[2] for r in DEMO_RECORDS)


def write_demo_file(path: Path, today: date) -> Path:
    """Write the demo extract in the NCIC fixed-width layout of DOMAIN.md."""
    lines = []
    for rtype, nic, plate, state, year, make, model, style, colour in DEMO_RECORDS:
        assert nic[0] == rtype
        # DOMAIN.md layout: NIC 0-9, ORI 10-18, date 19-26, LIC 27-36, LIS 37-38, LIY 39-42, LIT 43-44,
        # VYR 45-48, VMA 49-52, VMO 53-55, VST 56-57, VCO 58-
        lines.append(f"{nic:<10}{'CA0570200':<9}{today:%Y%m%d}{plate:<10}{state:<2}{today.year:04d}PC"
                     f"{year:<4}{make:<4}{model:<3}{style:<2}{colour}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


DEMO_AGENCY = "Demo County Sheriff's Office (demo data)"


def demo_refusal(uow_factory) -> str | None:  # noqa: ANN001
    """Why ``--demo`` must not run on this database (None: it is new, or a demo's).

    The runtime starts before anyone signs in: on an agency's database the demo would import its
    fake hot list (wanted and Amber plates) into the live lists and let synthetic cameras write reads.
    """
    with uow_factory() as uow:
        profile = AgencyRepository(uow.s).get()
        sources = HotListRepository(uow.s).sources()
    real = [s.name for s in sources if s.name != DEMO_SOURCE and s.kind is not SourceKind.LOCAL]
    if real or (profile.name and profile.name != DEMO_AGENCY):
        return (f"--demo runs on a data folder of its own: this database holds {profile.name or 'an agency'}'s "
                f"data ({', '.join(real) or 'its agency profile'}). Start the demo with --data-dir on a new folder.")
    return None


def seed_demo(hotlists: HotListService, uow_factory, folder: Path, workstation: str) -> None:  # noqa: ANN001
    """Create (first run) and refresh (every run, so the list is never stale) the demo hot list.

    Raises:
        Conflict: the database is an agency's, not a demo's (see :func:`demo_refusal`).

    """
    refusal = demo_refusal(uow_factory)
    if refusal:
        raise Conflict(refusal)
    actor = Actor.system(workstation, "demo")
    now = hotlists.ctx.clock.now()
    with uow_factory() as uow:
        repo = AgencyRepository(uow.s)
        profile = repo.get()
        if not profile.name:
            repo.save(dataclasses.replace(profile, name=DEMO_AGENCY, ori="CA0570200",
                                          chief_of_police="Chief A. Example", alpr_administrator="Lt. B. Example",
                                          policy_number="433"), now)
    file = write_demo_file(folder / "demo_ncic.txt", now.date())
    source = next((s for s in hotlists.sources(actor) if s.name == DEMO_SOURCE), None)
    if source is None:
        source = hotlists.add_source(actor, DEMO_SOURCE, SourceKind.NCIC, "ncic_fixed", str(file))
    report = hotlists.import_source(actor, source.id, file)
    logger.info("demo hot list: %s entries (%s)", report.imported, "accepted" if report.accepted else report.refusal)
