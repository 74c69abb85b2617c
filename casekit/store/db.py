"""The SQLite project store: connection settings, migrations, transactions and the event log."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casekit.errors import StoreError
from casekit.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store", "utc_now"]

# How long a writer waits for another process's transaction before giving up (seconds).
BUSY_TIMEOUT_S = 30.0


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds, the format of every timestamp in the store."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Store:
    """One project's ``casekit.db``.

    Parameters
    ----------
    path
        The database file; created (and migrated) when missing.

    Examples
    --------
    >>> store = Store(tmp / "casekit.db")            # doctest: +SKIP
    >>> with store.transaction() as con:              # doctest: +SKIP
    ...     con.execute("INSERT INTO memos ...")
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.con = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the project store: {exc}") from exc
        self.con.row_factory = sqlite3.Row
        try:
            self.con.execute("PRAGMA journal_mode=WAL")
            self.con.execute("PRAGMA foreign_keys=ON")
            self.con.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.con.close()
            raise StoreError(
                f"{self.path}: not a casekit store or damaged ({exc}); "
                "run 'casekit doctor' or restore it from a backup"
            ) from exc

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- migrations ------------------------------------------------------------------
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if not exists:
            return 0
        row = self.con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """Apply pending migrations in order, each in its own transaction; return those applied."""
        with self.transaction() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this casekit supports "
                f"({SCHEMA_VERSION}); upgrade casekit"
            )
        applied = []
        for version, name, sql in MIGRATIONS:
            if version <= current:
                continue
            with self.transaction() as con:
                # Another process opening the store at the same moment may have applied it
                # while this one waited for the write lock.
                if self.schema_version() >= version:
                    continue
                for statement in _split_sql(sql):
                    con.execute(statement)
                con.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, utc_now()),
                )
            applied.append(version)
        return applied

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): commits on success, rolls back on error.

        ``BEGIN IMMEDIATE`` takes the write lock up front, so two processes never both read
        and then fail to upgrade; the busy timeout makes the second wait instead of failing.
        """
        self._begin_immediate()
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def _begin_immediate(self) -> None:
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.01
        while True:
            try:
                self.con.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path}: the project is busy (another casekit process is writing); "
                        "try again when it has finished"
                    ) from exc
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    # -- queries ---------------------------------------------------------------------
    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.con.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        row = self.con.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- event log -------------------------------------------------------------------
    @staticmethod
    def log_event(
        con: sqlite3.Connection, actor: str, action: str, payload: dict[str, Any] | None = None
    ) -> int:
        """Append one event inside the caller's transaction; returns its id."""
        cur = con.execute(
            "INSERT INTO events(at, actor, action, payload) VALUES (?, ?, ?, ?)",
            (
                utc_now(),
                actor,
                action,
                json.dumps(payload or {}, ensure_ascii=False, sort_keys=True),
            ),
        )
        return int(cur.lastrowid or 0)

    def integrity_ok(self) -> bool:
        return self.scalar("PRAGMA integrity_check") == "ok"


def _split_sql(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]
