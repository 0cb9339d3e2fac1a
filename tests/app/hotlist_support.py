"""Shared by the hot-list import tests: NCIC lines and the import's access rows (fixtures ``hotlist_svc``,
``hotlist_admin`` are in conftest.py)."""

from __future__ import annotations

from app.persistence.repositories.access_log import AccessLogRepository


def ncic_lines(n: int, prefix: str = "ABC") -> str:
    """NCIC lines with six-character plates ``prefix`` + number (n <= 10 ** (6 - len(prefix)))."""
    return "".join(f"V{i:09d}CA057020020190509{prefix}{i:0{6 - len(prefix)}d}    CA2009MC2009YAMACYLMCBLK\n"
                   for i in range(n))


def import_audit(ctx, action: str = "hotlist.import") -> list:
    """The access-record rows of ``action`` (default: hot-list imports), oldest first."""
    with ctx.uow() as uow:
        return [e for e in AccessLogRepository(uow.s).iter_all() if e.action == action]


def records_of(text: str) -> list:
    """The records of an NCIC text (``ncic_fixed``), as the parser builds them."""
    from app.domain.hotlists import parse_hotlist, preset

    outcome = parse_hotlist(text.encode(), preset("ncic_fixed"))
    assert outcome.accepted, outcome.refusal_detail
    return list(outcome.records)


def copy_stage_into_fresh_db(folder, stage_path: str, batch_rows: int, columns: str = "*") -> list:
    """Copy a stage file into a new ``hotlist_entries`` table in ``folder/db.db`` by ``StagedCopy`` in batches of
    ``batch_rows``, and return the table's rows (``columns``) in id order."""
    import sqlite3

    from app.persistence.hotlist_rows import BULK_COLUMNS, StagedCopy

    con = sqlite3.connect(folder / "db.db")
    try:
        con.execute(f"CREATE TABLE hotlist_entries (id INTEGER PRIMARY KEY, {', '.join(BULK_COLUMNS)})")
        con.commit()
        copier = StagedCopy(str(folder / "db.db"), stage_path)
        for batch in copier.ranges(batch_rows):
            copier.copy(batch)
        copier.close()
        return con.execute(f"SELECT {columns} FROM hotlist_entries ORDER BY id").fetchall()
    finally:
        con.close()
