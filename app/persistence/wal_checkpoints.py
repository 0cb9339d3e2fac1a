"""SQLite WAL checkpoints on a thread of their own, behind a bulk writer (the hot-list copy).

In WAL mode every commit that leaves the log over ``wal_autocheckpoint`` pages (1,000) runs a
checkpoint in the committing connection: it writes the logged pages into the database file and
syncs both files. During a national list's copy that was the copy thread itself, once every one
or two ranges: ~10 ms a pass, ~5 s of every 3 M rows (measured), most of it waiting for the disk,
inside the range's bulk write turn (a dispatcher's claim waited for it too) and never in parallel
with the next range's inserts. :class:`WalCheckpointer` runs those passes on its own connection
and thread (``PASSIVE``: it never takes the write lock, so a dispatcher never waits on it either)
while the copy goes on; the writer turns its own automatic checkpoint off.

The log is only rewound from its start when a write transaction begins after every frame has
been checkpointed: the writer waits for the checkpointer to catch up before every
``hotlist_rows.CHECKPOINT_EVERY``-th transaction (:meth:`WalCheckpointer.wait_caught_up`), which bounds the
log to a few ranges instead of letting it grow with the whole list (the disk-space check assumes it does not).
"""

from __future__ import annotations

import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)


class WalCheckpointer:
    """Checkpoints the WAL of the SQLite database at ``db_path`` after each :meth:`committed`, on a thread.

    A failed pass stops the thread and is kept in :attr:`failed`: the writer then turns its own
    automatic checkpoint back on (:meth:`StagedCopy.copy <app.persistence.hotlist_rows.StagedCopy.copy>`),
    as before this class existed. :meth:`close` runs a last pass for the last commit and joins the thread.
    """

    def __init__(self, db_path: str) -> None:
        self.db_path = db_path
        self.failed: BaseException | None = None
        self._cond = threading.Condition()
        self._asked = 0  # commits announced
        self._done = 0  # commits whose frames a finished pass has seen
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """The writer committed a transaction: its frames are to be checkpointed."""
        with self._cond:
            self._asked += 1
            self._cond.notify_all()

    def wait_caught_up(self, timeout: float = 5.0) -> bool:
        """Wait until a pass begun after the last commit has ended; False if it failed or ``timeout`` passed.

        Called before a write transaction begins, so SQLite can rewind the log from its start.
        """
        with self._cond:
            return (
                self._cond.wait_for(
                    lambda: self._done >= self._asked or self.failed is not None or self._stop, timeout
                )
                and self.failed is None
            )

    def close(self) -> None:
        """Checkpoint what the last commits left, then end the thread (idempotent)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join()

    def _run(self) -> None:
        con = None
        try:
            con = sqlite3.connect(self.db_path, isolation_level=None)
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._asked > self._done or self._stop)
                    if self._asked == self._done:  # stopping, nothing left to checkpoint
                        return
                    want = self._asked
                self._checkpoint(con)
                with self._cond:
                    self._done = want
                    self._cond.notify_all()
        except Exception as exc:  # any failure: the writer must learn of it and checkpoint again itself
            logger.warning("WAL checkpoints behind the copy stopped: %s (the copy checkpoints itself)", exc)
            with self._cond:
                self.failed = exc
                self._cond.notify_all()
        finally:
            if con is not None:
                con.close()

    @staticmethod
    def _checkpoint(con: sqlite3.Connection) -> None:
        # PASSIVE: backfills what no reader still needs, never waits for a lock, never blocks a writer
        con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
