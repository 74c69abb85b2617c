"""Reconciling two coders into a consensus coder."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from casekit.coding.manual import add_coding, undo
from casekit.coding.reconcile import compare_coders, copy_agreed, decide, run_reconcile
from casekit.errors import CodingError
from casekit.project import Project
from casekit.store.manual import coding_rows, list_events
from tests.coding.manual_helpers import build_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    store = proj.store
    # t2: both give DIL.DATA_QUALITY (different spans); li alone REPEATED_PROOFS, wang alone PLATFORM.
    add_coding(store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="li", span=(59, 62))
    add_coding(store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="wang")
    add_coding(store, "gz-county-07/t2", "DIL.REPEATED_PROOFS", coder="li")
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="wang", span=(42, 44))
    # t4: agreement only.  notice p2: wang alone.
    add_coding(store, "gz-county-07/t4", "TECH.SYSTEMS", coder="li")
    add_coding(store, "gz-county-07/t4", "TECH.SYSTEMS", coder="wang")
    add_coding(store, "gz-notice-01/p2", "DIL.DATA_QUALITY", coder="wang")
    yield proj
    proj.close()


def consensus(project: Project, name: str = "cons") -> list[tuple[str, str, int, int]]:
    return [
        (r["segment"], r["code"], r["start"], r["end"])
        for r in coding_rows(project.store, coders=[name])
    ]


def feed(keys: Iterable[str]):  # type: ignore[no-untyped-def]
    pending = list(keys)

    def read_line(prompt: str) -> str:
        if not pending:
            raise EOFError
        return pending.pop(0)

    return read_line


def test_compare_coders_per_segment_and_code(project: Project) -> None:
    items = compare_coders(project.store, coders=["li", "wang"])
    assert [(i.segment.key, i.agreed, i.only_first, i.only_second) for i in items] == [
        ("gz-county-07/t2", ["DIL.DATA_QUALITY"], ["DIL.REPEATED_PROOFS"], ["TECH.PLATFORM"]),
        ("gz-county-07/t4", ["TECH.SYSTEMS"], [], []),
        ("gz-notice-01/p2", [], [], ["DIL.DATA_QUALITY"]),
    ]
    only_dil = compare_coders(project.store, coders=["li", "wang"], codes=["DIL"])
    assert [(i.segment.key, i.disagrees) for i in only_dil] == [
        ("gz-county-07/t2", True),
        ("gz-notice-01/p2", True),
    ]
    # At paragraph level the turn codings fall into p2 and p4.
    paragraphs = compare_coders(project.store, coders=["li", "wang"], unit="paragraph")
    assert [i.segment.key for i in paragraphs] == [
        "gz-county-07/p2",
        "gz-county-07/p4",
        "gz-notice-01/p2",
    ]


def test_copy_agreed_uses_the_first_coders_spans_once(project: Project) -> None:
    items = compare_coders(project.store, coders=["li", "wang"])
    change = copy_agreed(project.store, items, coders=["li", "wang"], name="cons")
    assert change.summary == "cons: copied 2 codings li and wang agree on (2 segments)"
    assert consensus(project) == [
        ("gz-county-07/t2", "DIL.DATA_QUALITY", 84, 87),
        ("gz-county-07/t4", "TECH.SYSTEMS", 116, 136),
    ]
    again = copy_agreed(project.store, items, coders=["li", "wang"], name="cons")
    assert again.event_id is None
    assert len(consensus(project)) == 2


@pytest.mark.parametrize(
    ("choice", "codes"),
    [
        ("first", ["DIL.REPEATED_PROOFS"]),
        ("second", ["TECH.PLATFORM"]),
        ("both", ["DIL.REPEATED_PROOFS", "TECH.PLATFORM"]),
        ("neither", []),
        ({"TECH.PLATFORM"}, ["TECH.PLATFORM"]),
    ],
)
def test_decide(project: Project, choice: object, codes: list[str]) -> None:
    item = compare_coders(project.store, coders=["li", "wang"])[0]
    change = decide(project.store, item, choice, coders=["li", "wang"], name="cons")  # type: ignore[arg-type]
    assert sorted(c for _, c, _, _ in consensus(project)) == codes
    (event,) = list_events(project.store, action="reconcile.decision")
    assert event.id == change.event_id
    assert event.actor == "cons"
    assert event.payload["kept"] == codes


def test_decide_rejects_codes_not_in_dispute(project: Project) -> None:
    item = compare_coders(project.store, coders=["li", "wang"])[0]
    with pytest.raises(CodingError, match="can only keep disputed codes on gz-county-07/t2"):
        decide(project.store, item, {"TECH.SYSTEMS"}, coders=["li", "wang"], name="cons")


def test_run_reconcile_interactively_and_resume(project: Project) -> None:
    out: list[str] = []
    summary = run_reconcile(
        project.store,
        coders=["li", "wang"],
        name="cons",
        read_line=feed(["9", "5", "y", "n", "q"]),
        write=out.append,
    )
    text = "\n".join(out)
    assert "disagreement 1/2 · gz-county-07/t2 (turn)" in text
    assert "  li only:     DIL.REPEATED_PROOFS 群众重复开证明" in text
    assert "  wang only:   TECH.PLATFORM 共享交换平台" in text
    assert "? [1] keep li  [2] keep wang" in text
    assert "✓ cons decided gz-county-07/t2 (custom): DIL.REPEATED_PROOFS" in text
    assert text.endswith("reconcile saved: 1 decided, 1 disagreements left")
    assert (summary.n_agreed_copied, summary.n_decided, summary.n_remaining) == (2, 1, 1)
    # Rerun: the decided segment is not asked again.
    out.clear()
    run_reconcile(
        project.store, coders=["li", "wang"], name="cons", read_line=feed(["2"]), write=out.append
    )
    text = "\n".join(out)
    assert "disagreement 1/1 · gz-notice-01/p2 (paragraph)" in text
    assert consensus(project) == [
        ("gz-county-07/t2", "DIL.REPEATED_PROOFS", 25, 97),
        ("gz-county-07/t2", "DIL.DATA_QUALITY", 84, 87),
        ("gz-county-07/t4", "TECH.SYSTEMS", 116, 136),
        ("gz-notice-01/p2", "DIL.DATA_QUALITY", 21, 44),
    ]
    # Undoing a decision makes the segment undecided again.
    undo(project.store, coder="cons")
    summary = run_reconcile(project.store, coders=["li", "wang"], name="cons")
    assert summary.n_remaining == 1


def test_auto_agreed_only(project: Project) -> None:
    summary = run_reconcile(project.store, coders=["li", "wang"], name="cons")
    assert (summary.n_agreed_copied, summary.n_decided, summary.n_remaining) == (2, 0, 2)
    assert len(consensus(project)) == 2


@pytest.mark.parametrize(
    ("coders", "name", "message"),
    [
        (["li", "zhao"], "cons", "^unknown coder 'zhao'; coders in this project: li, wang$"),
        (["li", "li"], "cons", "two different coders"),
        (["li", "wang"], "li", "must be a new name, not one of the coders"),
        (["li", "wang"], "rules", "name of the automatic coder"),
        (["li"], "cons", "give --coders A B"),
    ],
)
def test_reconcile_errors(project: Project, coders: list[str], name: str, message: str) -> None:
    with pytest.raises(CodingError, match=message):
        run_reconcile(project.store, coders=coders, name=name)
