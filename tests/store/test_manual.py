"""The store side of manual coding: effects, undo chains, rejections, positions, events."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.store import Store
from casekit.store.codings import NewCoding
from casekit.store.manual import (
    UNDO_ACTION,
    apply_effect,
    coding_rows,
    effect_conflicts,
    effective_events,
    get_segment,
    insert_codings,
    insert_rejections,
    invert_effect,
    known_coders,
    list_events,
    load_position,
    rejected_spans,
    save_position,
)
from tests.coding.manual_helpers import build_project


@pytest.fixture
def store(tmp_path: Path) -> Store:
    project = build_project(tmp_path / "study")
    yield project.store
    project.close()


def _coding(store: Store, key: str = "gz-county-07/t2", coder: str = "li") -> int:
    seg = get_segment(store, key)
    assert seg is not None
    with store.transaction() as con:
        (coding_id,) = insert_codings(
            con,
            [NewCoding(seg.id, "TECH.PLATFORM", seg.start, seg.end)],
            coder=coder,
            codebook_version="v1",
        )
    return coding_id


def _event(store: Store, action: str, payload: dict) -> int:
    with store.transaction() as con:
        return Store.log_event(con, "li", action, payload)


def test_migration_3_adds_positions_and_rejections(store: Store) -> None:
    names = [r[0] for r in store.query("SELECT name FROM schema_migrations ORDER BY version")]
    assert names[:3] == ["initial", "autocode_state", "manual_coding"]
    tables = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"session_positions", "rejections"} <= tables


def test_insert_codings_stores_manual_rows_with_coder_and_version(store: Store) -> None:
    coding_id = _coding(store)
    (row,) = coding_rows(store, source="manual")
    assert (row["id"], row["coder"], row["source"], row["segment"], row["start"], row["end"]) == (
        coding_id,
        "li",
        "manual",
        "gz-county-07/t2",
        25,
        97,
    )
    version = store.scalar("SELECT codebook_version FROM codings WHERE id = ?", (coding_id,))
    assert version == "v1"
    assert row["text"].startswith("不动产登记")


def test_invert_effect_swaps_added_and_removed() -> None:
    effect = {"codings": {"added": [1, 2], "removed": [3]}, "memos": {"added": [4]}}
    assert invert_effect(effect) == {
        "codings": {"added": [3], "removed": [1, 2]},
        "memos": {"added": [], "removed": [4]},
    }


def test_apply_effect_and_conflicts(store: Store) -> None:
    coding_id = _coding(store)
    remove = {"codings": {"added": [], "removed": [coding_id]}}
    assert effect_conflicts(store.con, remove) == []
    with store.transaction() as con:
        apply_effect(con, remove)
    assert coding_rows(store) == []
    assert effect_conflicts(store.con, remove) == [f"coding {coding_id} is removed already"]
    restore = invert_effect(remove)
    with store.transaction() as con:
        apply_effect(con, restore)
    assert [r["id"] for r in coding_rows(store)] == [coding_id]
    assert effect_conflicts(store.con, {"codings": {"added": [999], "removed": []}}) == [
        "coding 999 no longer exists"
    ]
    assert effect_conflicts(store.con, {"widgets": {"added": [1]}}) == [
        "unknown table 'widgets' in the event"
    ]


def test_effective_events_follow_chains_of_undo(store: Store) -> None:
    effect = {"codings": {"added": [1], "removed": []}}
    change = _event(store, "coding.add", {"effect": effect})
    _event(store, "ingest.note", {"no": "effect"})
    undo1 = _event(store, UNDO_ACTION, {"undoes": change, "effect": invert_effect(effect)})
    events, in_effect = effective_events(store.con)
    assert [e.id for e in events] == [change, undo1]
    assert in_effect == {change: False, undo1: True}
    redo = _event(store, UNDO_ACTION, {"undoes": undo1, "effect": effect})
    _, in_effect = effective_events(store.con)
    assert in_effect == {change: True, undo1: False, redo: True}
    again = _event(store, UNDO_ACTION, {"undoes": redo, "effect": invert_effect(effect)})
    _, in_effect = effective_events(store.con)
    assert in_effect == {change: False, undo1: True, redo: False, again: True}


def test_list_events_filters_by_actor_and_action_prefix(store: Store) -> None:
    a = _event(store, "coding.add", {})
    b = _event(store, "coding.remove", {})
    _event(store, "codingx", {})
    assert [e.id for e in list_events(store, action="coding")] == [b, a]
    assert [e.id for e in list_events(store, action="coding.add")] == [a]
    assert [e.action for e in list_events(store, actor="ingest")] == ["document.add"] * 2
    assert len(list_events(store, limit=1)) == 1


def test_rejections_are_per_coder_and_soft_deleted(store: Store) -> None:
    doc_id = store.scalar("SELECT id FROM documents WHERE name = 'gz-county-07'")
    with store.transaction() as con:
        (rid,) = insert_rejections(
            con, coder="li", document_id=doc_id, spans=[("TECH.PLATFORM", 69, 71)]
        )
    assert rejected_spans(store, coder="li", document_id=doc_id) == {("TECH.PLATFORM", 69, 71)}
    assert rejected_spans(store, coder="wang", document_id=doc_id) == set()
    with store.transaction() as con:
        apply_effect(con, {"rejections": {"added": [], "removed": [rid]}})
    assert rejected_spans(store, coder="li", document_id=doc_id) == set()


def test_positions_are_per_coder_and_scope(store: Store) -> None:
    assert load_position(store, coder="li", scope="*|default") is None
    save_position(store, coder="li", scope="*|default", segment="gz-county-07/t3")
    save_position(store, coder="li", scope="*|default", segment="gz-county-07/t4")
    save_position(store, coder="wang", scope="*|default", segment="gz-county-07/t1")
    assert load_position(store, coder="li", scope="*|default") == "gz-county-07/t4"
    assert load_position(store, coder="li", scope="gz-county-07|turn") is None
    assert load_position(store, coder="wang", scope="*|default") == "gz-county-07/t1"


def test_known_coders_include_removed_codings_and_memo_authors(store: Store) -> None:
    coding_id = _coding(store, coder="wang")
    with store.transaction() as con:
        apply_effect(con, {"codings": {"added": [], "removed": [coding_id]}})
        con.execute(
            "INSERT INTO memos(target_type, target, author, text, created_at) "
            "VALUES ('project', '', 'zhao', 'x', 'now')"
        )
    assert known_coders(store) == ["wang", "zhao"]


def test_sync_keeps_codes_from_elsewhere(tmp_path) -> None:
    from casekit.store import Store
    from casekit.store.codings import CodeRow, sync_codes

    store = Store(tmp_path / "casekit.db")
    sync_codes(store, [CodeRow("A", None, "element", "甲", "A", "", "book-1")])
    sync_codes(store, [CodeRow("X", None, "dilemma", "乙", "X", "", "refi:nvivo.qdpx")])
    counts = sync_codes(store, [CodeRow("B", None, "element", "丙", "B", "", "book-1")])
    assert counts == {"added": 1, "updated": 0, "removed": 1}  # A left book-1; X is not book-1's
    assert [r[0] for r in store.query("SELECT id FROM codes ORDER BY id")] == ["B", "X"]
