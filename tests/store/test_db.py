from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from casekit.errors import StoreError
from casekit.store import SCHEMA_VERSION, Store


def test_new_store_is_migrated_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    with Store(tmp_path / "casekit.db") as store:
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.schema_version() == SCHEMA_VERSION
        names = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"documents", "segments", "codes", "codings", "memos", "events"} <= names
        rows = store.query("SELECT version, name FROM schema_migrations ORDER BY version")
        assert tuple(rows[0]) == (1, "initial")


def test_reopening_applies_nothing(tmp_path: Path) -> None:
    Store(tmp_path / "casekit.db").close()
    with Store(tmp_path / "casekit.db") as store:
        assert store.migrate() == []


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    with Store(tmp_path / "casekit.db") as store:
        with pytest.raises(RuntimeError), store.transaction() as con:
            Store.log_event(con, "me", "test", {"a": 1})
            raise RuntimeError("boom")
        assert store.scalar("SELECT COUNT(*) FROM events") == 0
        with store.transaction() as con:
            Store.log_event(con, "me", "test", {"a": 1})
        assert store.scalar("SELECT payload FROM events") == '{"a": 1}'


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with Store(tmp_path / "casekit.db") as store:
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as con:
            con.execute(
                "INSERT INTO segments(document_id, key, unit, idx, start, end, text) "
                "VALUES (999, 'x/p1', 'paragraph', 1, 0, 1, 'x')"
            )


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store(tmp_path / "casekit.db").close()
    con = sqlite3.connect(tmp_path / "casekit.db")
    con.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 999 is newer"):
        Store(tmp_path / "casekit.db")


def test_garbage_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "casekit.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a casekit store or damaged"):
        Store(path)
