"""Manual coding in the library: resolving codes, spans, add/remove/list/show, memos, undo."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from casekit.coding.manual import (
    CodeInfo,
    add_coding,
    add_memo,
    check_coder_name,
    code_infos,
    descendants,
    ensure_codes,
    find_codes,
    history,
    list_codings,
    mark_spans,
    memos,
    parse_span,
    redo,
    remove_coding_ids,
    remove_codings,
    remove_memo,
    resolve_code,
    segment_view,
    show_memo,
    undo,
)
from casekit.errors import CodebookError, CodingError
from casekit.project import Project
from casekit.store.manual import coding_rows, list_events
from tests.coding.manual_helpers import T2, add_auto, build_project

CODES = [
    CodeInfo("TECH", "信息技术", "Information technology"),
    CodeInfo("TECH.PLATFORM", "共享交换平台", "Data-exchange platform", parent="TECH"),
    CodeInfo("TECH.SYSTEMS", "业务系统", "Business systems", parent="TECH"),
    CodeInfo("DIL", "困境", "Dilemmas"),
    CodeInfo("DIL.DATA_QUALITY", "数据质量不高", "Poor data quality", parent="DIL"),
    CodeInfo(
        "DIL.REPEATED_PROOFS",
        "群众重复开证明",
        "Repeated certificates",
        parent="DIL",
        definition="Citizens are sent back for certificates.",
    ),
    CodeInfo("STR.ONE_WINDOW", "一窗通办", "One-window service", definition="群众不必再开证明。"),
]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    yield proj
    proj.close()


# -- resolving codes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TECH", "TECH"),  # an exact id wins over the prefix of its children
        ("tech.platform", "TECH.PLATFORM"),
        ("数据质量不高", "DIL.DATA_QUALITY"),
        ("poor data quality", "DIL.DATA_QUALITY"),
        ("TECH.P", "TECH.PLATFORM"),
        ("DATA_Q", "DIL.DATA_QUALITY"),  # prefix of the last part of the id
        ("repeated", "DIL.REPEATED_PROOFS"),
        ("证明", "DIL.REPEATED_PROOFS"),  # part of a name
        ("业务", "TECH.SYSTEMS"),
    ],
)
def test_resolve_code(text: str, expected: str) -> None:
    assert resolve_code(CODES, text).id == expected


def test_ambiguous_code_lists_the_candidates() -> None:
    with pytest.raises(CodingError) as err:
        resolve_code(CODES, "DIL.")
    assert str(err.value) == (
        "code 'DIL.' is ambiguous: it matches DIL.DATA_QUALITY 数据质量不高, "
        "DIL.REPEATED_PROOFS 群众重复开证明; give more of the id"
    )


def test_unknown_code_suggests_close_spellings() -> None:
    with pytest.raises(CodingError) as err:
        resolve_code(CODES, "platfrom")
    assert str(err.value) == (
        "unknown code 'platfrom'; did you mean TECH.PLATFORM 共享交换平台? "
        "('casekit codebook show' lists the codes)"
    )
    with pytest.raises(CodingError, match="^unknown code 'zzz' \\('casekit codebook show'"):
        resolve_code(CODES, "zzz")


def test_fuzzy_pools_names_definitions_and_close_spellings() -> None:
    # Strict: only the name holds 证明; fuzzy: a definition mentioning it is a candidate too.
    assert [c.id for c in find_codes(CODES, "证明")] == ["DIL.REPEATED_PROOFS"]
    assert [c.id for c in find_codes(CODES, "证明", fuzzy=True)] == [
        "DIL.REPEATED_PROOFS",
        "STR.ONE_WINDOW",
    ]
    assert [c.id for c in find_codes(CODES, "数据治量", fuzzy=True)] == ["DIL.DATA_QUALITY"]
    # A unique exact or prefix match is not diluted by fuzzy candidates.
    assert [c.id for c in find_codes(CODES, "TECH.SYS", fuzzy=True)] == ["TECH.SYSTEMS"]
    assert find_codes(CODES, "   ") == []


def test_descendants() -> None:
    assert descendants(CODES, "DIL") == ["DIL", "DIL.DATA_QUALITY", "DIL.REPEATED_PROOFS"]
    assert descendants(CODES, "TECH.SYSTEMS") == ["TECH.SYSTEMS"]


@pytest.mark.parametrize(
    ("text", "span"), [("3:10", (3, 10)), (" 0 : 72 ", (0, 72)), (":5", (0, 5)), ("70:", (70, 72))]
)
def test_parse_span(text: str, span: tuple[int, int]) -> None:
    assert parse_span(text, 72) == span


@pytest.mark.parametrize("text", ["5:5", "10:3", "0:73", "-1:4"])
def test_parse_span_outside_the_segment(text: str) -> None:
    with pytest.raises(CodingError, match="is outside the segment: its text has 72 characters"):
        parse_span(text, 72)


def test_parse_span_malformed() -> None:
    with pytest.raises(CodingError, match="^span '3-10' must look like START:END, e.g. 3:10$"):
        parse_span("3-10", 72)


def test_coder_names() -> None:
    assert check_coder_name(" li ") == "li"
    with pytest.raises(CodingError, match="'rules' is the name of the automatic coder"):
        check_coder_name("rules")
    with pytest.raises(CodingError, match="a coder name is required"):
        check_coder_name(" ")
    with pytest.raises(CodingError, match="may not contain commas"):
        check_coder_name("li,wang")


def test_mark_spans() -> None:
    assert mark_spans("abcdef", [(1, 3), (4, 5)]) == "a[bc]d[e]f"
    assert mark_spans("abcdef", [(0, 6), (2, 3)]) == "ab[c]def"  # whole-text spans unmarked
    assert mark_spans("abcdef", [(1, 5), (1, 3), (3, 5)]) == "a[[bc][de]]f"
    assert mark_spans("abc", [(1, 2), (1, 2)]) == "a[b]c"


# -- the codes table ---------------------------------------------------------------------------
def test_ensure_codes_syncs_once_per_codebook_version(project: Project) -> None:
    assert [c.id for c in code_infos(project.store)] == [
        "DIL",
        "DIL.DATA_QUALITY",
        "DIL.REPEATED_PROOFS",
        "STR",
        "STR.ONE_WINDOW",
        "TECH",
        "TECH.PLATFORM",
        "TECH.SYSTEMS",
    ]
    (synced,) = list_events(project.store, action="codebook.synced")
    version = ensure_codes(project)
    assert synced.payload["codebook_version"] == version
    assert synced.payload["codebook"] == "MANUAL-TEST"
    assert len(list_events(project.store, action="codebook.synced")) == 1
    text = project.codebook_path.read_text(encoding="utf-8")
    project.codebook_path.write_text(text.replace("业务系统", "部门业务系统"), encoding="utf-8")
    new_version = ensure_codes(project)
    assert new_version != version
    assert resolve_code(code_infos(project.store), "TECH.SYSTEMS").name_zh == "部门业务系统"
    assert len(list_events(project.store, action="codebook.synced")) == 2


def test_ensure_codes_without_codebook(tmp_path: Path) -> None:
    project = build_project(tmp_path / "study", sync=False)
    project.codebook_path.unlink()
    with pytest.raises(CodingError, match="no codes to code with: the codebook .* does not exist"):
        ensure_codes(project)
    project.close()


def test_ensure_codes_reports_an_invalid_codebook(tmp_path: Path) -> None:
    project = build_project(tmp_path / "study", sync=False)
    project.codebook_path.write_text("codebook: [", encoding="utf-8")
    with pytest.raises(CodebookError):
        ensure_codes(project)
    project.close()


# -- add, remove, list, show -------------------------------------------------------------------
def test_add_whole_segment_and_span(project: Project) -> None:
    store = project.store
    whole = add_coding(store, "gz-county-07/t2", "证明", coder="li", codebook_version="v9")
    assert whole.summary == (
        "li coded gz-county-07/t2 (whole segment) with DIL.REPEATED_PROOFS 群众重复开证明"
    )
    i = T2.index("返回的数据对不上")
    part = add_coding(
        store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="li", span=(i, i + 8), memo="对不上"
    )
    assert part.summary == (
        f"li coded gz-county-07/t2 ({i}:{i + 8}) with DIL.DATA_QUALITY 数据质量不高"
    )
    rows = list_codings(store, coder="li")
    assert [(r["code"], r["start"], r["end"], r["span"], r["text"], r["memo"]) for r in rows] == [
        ("DIL.REPEATED_PROOFS", 25, 97, "0:72", T2, None),
        ("DIL.DATA_QUALITY", 25 + i, 25 + i + 8, f"{i}:{i + 8}", "返回的数据对不上", "对不上"),
    ]
    (event,) = list_events(store, action="coding.add", limit=1)
    assert event.id == part.event_id
    assert event.actor == "li"
    assert event.payload["effect"] == {"codings": {"added": list(part.ids), "removed": []}}
    assert (event.payload["start"], event.payload["end"]) == (25 + i, 25 + i + 8)


def test_adding_the_same_coding_twice_changes_nothing(project: Project) -> None:
    first = add_coding(project.store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    again = add_coding(project.store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    assert again.event_id is None
    assert again.ids == first.ids
    assert again.summary.endswith(
        "already coded gz-county-07/t2 (whole segment) with "
        "TECH.PLATFORM 共享交换平台; nothing changed"
    )
    # The same coding by another coder is theirs, kept apart.
    add_coding(project.store, "gz-county-07/t2", "TECH.PLATFORM", coder="wang")
    assert len(coding_rows(project.store, source="manual")) == 2


def test_add_errors(project: Project) -> None:
    store = project.store
    with pytest.raises(CodingError, match="^no segment 'gz-county-07/t9' in gz-county-07; "):
        add_coding(store, "gz-county-07/t9", "TECH", coder="li")
    with pytest.raises(CodingError, match="^no segment 'nope/t1': segment keys look like"):
        add_coding(store, "nope/t1", "TECH", coder="li")
    with pytest.raises(CodingError, match="ambiguous"):
        add_coding(store, "gz-county-07/t2", "DIL.", coder="li")
    with pytest.raises(CodingError, match="span 70:80 is outside the segment"):
        add_coding(store, "gz-county-07/t2", "TECH", coder="li", span=(70, 80))
    assert coding_rows(store) == []


def test_remove_only_own_codings(project: Project) -> None:
    store = project.store
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="wang", span=(0, 4))
    with pytest.raises(CodingError) as err:
        remove_codings(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li", span=(0, 4))
    assert str(err.value) == (
        "li has no coding TECH.PLATFORM on gz-county-07/t2 at 0:4 "
        "(coded by li, wang: a coder can only remove their own codings)"
    )
    with pytest.raises(
        CodingError, match="^unknown coder 'zhao'; coders in this project: li, wang$"
    ):
        remove_codings(store, "gz-county-07/t2", "TECH.PLATFORM", coder="zhao")
    change = remove_codings(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    assert change.summary == "li removed coding TECH.PLATFORM 共享交换平台 from gz-county-07/t2"
    assert [r["coder"] for r in coding_rows(store)] == ["wang"]
    wang_id = coding_rows(store)[0]["id"]
    with pytest.raises(CodingError, match=f"coding {wang_id} belongs to wang"):
        remove_coding_ids(store, [wang_id], coder="li", summary="x")


def test_list_filters(project: Project) -> None:
    store = project.store
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    add_coding(store, "gz-county-07/t4", "TECH.SYSTEMS", coder="wang")
    add_coding(store, "gz-notice-01/p2", "DIL.DATA_QUALITY", coder="li")
    add_auto(project, "gz-notice-01", [("gz-notice-01/p1", "TECH.PLATFORM", 8, 10)])

    def ids(**kw: str) -> list[tuple[str, str, str]]:
        return [(r["segment"], r["code"], r["coder"]) for r in list_codings(store, **kw)]

    assert ids(code="TECH") == [
        ("gz-county-07/t2", "TECH.PLATFORM", "li"),
        ("gz-county-07/t4", "TECH.SYSTEMS", "wang"),
        ("gz-notice-01/p1", "TECH.PLATFORM", "rules"),
    ]
    assert ids(document="gz-notice-01", source="manual") == [
        ("gz-notice-01/p2", "DIL.DATA_QUALITY", "li")
    ]
    assert ids(coder="rules") == [("gz-notice-01/p1", "TECH.PLATFORM", "rules")]
    with pytest.raises(CodingError, match="^no document named 'nope'"):
        list_codings(store, document="nope")
    with pytest.raises(CodingError, match="^unknown coder 'zhao'"):
        list_codings(store, coder="zhao")


def test_segment_view_shows_codings_of_every_unit_and_memos(project: Project) -> None:
    store = project.store
    i = T2.index("平台")
    add_auto(project, "gz-county-07", [("gz-county-07/p2", "TECH.PLATFORM", i + 2, i + 4)])
    add_coding(store, "gz-county-07/t2", "DIL.REPEATED_PROOFS", coder="li")
    add_memo(store, "证明材料的问题", author="li", segment="gz-county-07/t2")
    view = segment_view(store, "gz-county-07/t2")
    assert [(r["code"], r["coder"], r["rel_start"], r["rel_end"]) for r in view.codings] == [
        ("DIL.REPEATED_PROOFS", "li", 0, 72),
        ("TECH.PLATFORM", "rules", i, i + 2),
    ]
    assert [m["text"] for m in view.memos] == ["证明材料的问题"]
    assert view.document.attributes["department"] == "县政务服务中心"


# -- memos -----------------------------------------------------------------------------------------
def test_memos_on_every_target(project: Project) -> None:
    store = project.store
    on_project = add_memo(store, "整体印象", author="li")
    add_memo(store, "县级访谈", author="li", document="gz-county-07")
    add_memo(store, "t2 很典型", author="wang", segment="gz-county-07/t2")
    add_memo(store, "困境类的边界", author="li", code="DIL.DATA")
    assert on_project.summary == f"li wrote memo {on_project.ids[0]} on the project"
    assert [m["text"] for m in memos(store, document="gz-county-07")] == ["县级访谈", "t2 很典型"]
    assert [m["target"] for m in memos(store, code="DIL")] == ["DIL.DATA_QUALITY"]
    assert [m["author"] for m in memos(store, author="wang")] == ["wang"]
    assert show_memo(store, on_project.ids[0])["text"] == "整体印象"
    with pytest.raises(CodingError, match="give only one of --doc, --code, --segment"):
        add_memo(store, "x", author="li", document="gz-county-07", code="TECH")
    with pytest.raises(CodingError, match="the memo is empty"):
        add_memo(store, "  ", author="li")
    with pytest.raises(CodingError, match="^no document named 'nope'"):
        add_memo(store, "x", author="li", document="nope")


def test_remove_memo_only_by_its_author(project: Project) -> None:
    store = project.store
    memo_id = add_memo(store, "整体印象", author="li").ids[0]
    with pytest.raises(CodingError, match=f"memo {memo_id} was written by li"):
        remove_memo(store, memo_id, author="wang")
    remove_memo(store, memo_id, author="li")
    assert memos(store) == []
    with pytest.raises(CodingError, match=f"^no memo {memo_id};"):
        show_memo(store, memo_id)
    undo(store, coder="li")
    assert [m["id"] for m in memos(store)] == [memo_id]


# -- undo ------------------------------------------------------------------------------------------
def _standing(project: Project) -> list[tuple[str, str]]:
    return [(r["code"], r["coder"]) for r in coding_rows(project.store, source="manual")]


def test_undo_walks_back_per_coder_and_redo_reapplies(project: Project) -> None:
    store = project.store
    a = add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    b = add_coding(store, "gz-county-07/t2", "TECH.SYSTEMS", coder="wang")
    c = add_coding(store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="li")
    first = undo(store, coder="li")
    assert first.summary == (
        f"undo event {c.event_id}: li coded gz-county-07/t2 (whole segment) with "
        "DIL.DATA_QUALITY 数据质量不高"
    )
    assert _standing(project) == [("TECH.PLATFORM", "li"), ("TECH.SYSTEMS", "wang")]
    second = undo(store, coder="li")
    assert second.summary.startswith(f"undo event {a.event_id}: li coded")
    assert _standing(project) == [("TECH.SYSTEMS", "wang")]
    with pytest.raises(CodingError, match="^nothing to undo: no change by li is in effect$"):
        undo(store, coder="li")
    again = redo(store, coder="li")
    assert again.summary.startswith(
        f"redo event {second.event_id}: undo event {a.event_id}: li coded"
    )
    assert _standing(project) == [("TECH.PLATFORM", "li"), ("TECH.SYSTEMS", "wang")]
    redo(store, coder="li")
    assert len(_standing(project)) == 3
    with pytest.raises(CodingError, match="^nothing to redo"):
        redo(store, coder="li")
    undo(store)  # anyone's latest change in effect: li's DATA_QUALITY
    assert _standing(project) == [("TECH.PLATFORM", "li"), ("TECH.SYSTEMS", "wang")]
    states = {row["id"]: row["state"] for row in history(store)}
    assert states[c.event_id] == "undone"
    assert states[b.event_id] == "in effect"
    assert states[1] == ""  # ingest events cannot be undone


def test_undo_of_an_undo_event_by_id_redoes(project: Project) -> None:
    store = project.store
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    undone = undo(store, coder="li")
    assert _standing(project) == []
    undo(store, event_id=undone.event_id)
    assert _standing(project) == [("TECH.PLATFORM", "li")]
    with pytest.raises(CodingError, match=f"^event {undone.event_id} is already undone$"):
        undo(store, event_id=undone.event_id)
    with pytest.raises(CodingError, match="^event 1 \\(document.add\\) is not a change"):
        undo(store, event_id=1)
    with pytest.raises(CodingError, match="^no event 999"):
        undo(store, event_id=999)
    with pytest.raises(CodingError, match="^unknown coder 'zhao'"):
        undo(store, coder="zhao")


def test_undo_refuses_when_a_later_change_touched_the_rows(project: Project) -> None:
    store = project.store
    added = add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    remove_codings(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    with pytest.raises(CodingError) as err:
        undo(store, event_id=added.event_id)
    assert str(err.value) == (
        f"event {added.event_id} (coding.add) cannot be undone: coding {added.ids[0]} is "
        "removed already: a later change touched it; undo that first (see 'casekit history')"
    )


def test_history_filters_and_unknown_actor(project: Project) -> None:
    store = project.store
    add_coding(store, "gz-county-07/t2", "TECH.PLATFORM", coder="li")
    add_memo(store, "note", author="li")
    rows = history(store, actor="li")
    assert [(r["action"], r["state"]) for r in rows] == [
        ("memo.add", "in effect"),
        ("coding.add", "in effect"),
    ]
    assert [r["action"] for r in history(store, action="memo")] == ["memo.add"]
    assert history(store, actor="ingest")[0]["summary"] == (
        "document=gz-notice-01, path=corpus/gz-notice-01.txt"
    )
    with pytest.raises(CodingError, match="^unknown coder 'zhao'"):
        history(store, actor="zhao")


# -- two processes at once -------------------------------------------------------------------------
WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from casekit.coding.manual import add_coding, ensure_codes
    from casekit.project import open_project

    root, coder, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    project = open_project(root)
    version = ensure_codes(project)
    while not go.exists():
        time.sleep(0.005)
    codes = ["TECH.PLATFORM", "DIL.DATA_QUALITY"]
    for i in range(100):
        add_coding(project.store, "gz-county-07/t2", codes[i % 2], coder=coder,
                   span=(i // 2, i // 2 + 1), codebook_version=version)
    project.close()
    """
)


def test_two_processes_coding_at_once_lose_nothing(project: Project, tmp_path: Path) -> None:
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(project.root), coder, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for coder in ("li", "wang")
    ]
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    rows = coding_rows(project.store, source="manual")
    assert len(rows) == 200
    assert {c: sum(r["coder"] == c for r in rows) for c in ("li", "wang")} == {
        "li": 100,
        "wang": 100,
    }
    assert len(list_events(project.store, action="coding.add")) == 200
    assert project.store.integrity_ok()
