"""The interactive session, driven by feeding it lines of input."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from casekit.coding.manual import add_coding, code_infos
from casekit.coding.session import CodingSession, session_scope
from casekit.errors import CodingError
from casekit.project import Project
from casekit.store.manual import coding_rows, list_events, list_memos, load_position
from tests.coding.manual_helpers import T2, add_auto, build_project

PLATFORM = T2.index("平台")
MISMATCH = T2.index("对不上")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    # Automatic codings on paragraph p2, which holds turn t2 after its "答：" label.
    add_auto(
        proj,
        "gz-county-07",
        [
            ("gz-county-07/p2", "TECH.PLATFORM", PLATFORM + 2, PLATFORM + 4),
            ("gz-county-07/p2", "DIL.DATA_QUALITY", MISMATCH + 2, MISMATCH + 5),
        ],
    )
    yield proj
    proj.close()


def drive(session: CodingSession, keys: Iterable[str]) -> str:
    """Run the session on ``keys``; return everything it wrote, with the prompts and input."""
    pending = list(keys)
    out: list[str] = []

    def read_line(prompt: str) -> str:
        if not pending:
            raise EOFError
        line = pending.pop(0)
        out.append(prompt + line)
        return line

    session.run(read_line, out.append)
    return "\n".join(out)


def make(project: Project, **options: object) -> CodingSession:
    return CodingSession(
        project.store,
        coder=str(options.pop("coder", "li")),
        codes=code_infos(project.store),
        codebook_version="v1",
        **options,  # type: ignore[arg-type]
    )


def mine(project: Project, coder: str = "li") -> list[tuple[str, str, int, int]]:
    return [
        (r["segment"], r["code"], r["start"], r["end"])
        for r in coding_rows(project.store, coders=[coder], source="manual")
    ]


def test_first_screen(project: Project) -> None:
    out = drive(make(project, document="gz-county-07", review_auto=True), ["q"])
    lines = out.splitlines()
    assert lines[0].startswith("gz-county-07 · interview · 县政务服务中心 · county · window staff")
    assert lines[0].endswith("segment 1/4 (turn)")
    assert lines[1] == "▶ ‹1› 问：办低保的时候，需要群众自己开哪些证明？"
    assert lines[2].startswith("  ‹2› 答：不动产登记")
    assert lines[2].endswith("…")  # context is clipped
    assert lines[4:6] == ["suggested (auto):  —", "your codes:        —"]
    assert lines[-1] == "session saved: 0 changes by li; stopped at gz-county-07/t1"


def test_accept_reject_add_memo_and_undo(project: Project) -> None:
    session = make(project, document="gz-county-07", review_auto=True)
    out = drive(session, ["n", "a 证明", "1", "2", "x 1", "m 典型的证明问题", "q"])
    assert "▶ ‹2› 答：不动产登记的情况" in out
    assert "[平台]上是有个查询入口，但返回的数据[对不上]" in out
    assert 'suggested (auto):  1 TECH.PLATFORM    共享交换平台 "平台"' in out
    assert '                   2 DIL.DATA_QUALITY 数据质量不高 "对不上"' in out
    assert "> a 证明\n  1 DIL.REPEATED_PROOFS 群众重复开证明   2 STR.ONE_WINDOW 一窗通办" in out
    assert "✓ DIL.REPEATED_PROOFS 群众重复开证明 (li)        saved · 1 code on this segment" in out
    assert "✓ DIL.DATA_QUALITY 数据质量不高 (li)        saved · 2 codes on this segment" in out
    assert "✗ TECH.PLATFORM 共享交换平台 rejected        saved · 2 codes on this segment" in out
    assert mine(project) == [
        ("gz-county-07/t2", "DIL.REPEATED_PROOFS", 25, 97),
        ("gz-county-07/t2", "DIL.DATA_QUALITY", 25 + MISMATCH, 25 + MISMATCH + 3),
    ]
    accepted = coding_rows(project.store, coders=["li"], codes=["DIL.DATA_QUALITY"])[0]
    assert accepted["rule"] == "DIL.DATA_QUALITY/keyword"  # provenance of the suggestion
    assert [m["text"] for m in list_memos(project.store, targets=["gz-county-07/t2"])] == [
        "典型的证明问题"
    ]
    assert session.summary.n_changes == 4
    actions = [e.action for e in list_events(project.store, actor="li")]
    assert actions == ["memo.add", "suggestion.reject", "coding.add", "coding.add"]

    # A rejected suggestion is not offered again, also in a new session; undo brings it back.
    out = drive(make(project, document="gz-county-07", review_auto=True), ["u", "u", "q"])
    assert out.splitlines()[5] == "suggested (auto):  —"
    assert "↶ undo event" in out and "li wrote memo" in out
    assert "↶ undo event" in out and "li rejected suggestion TECH.PLATFORM" in out
    assert 'suggested (auto):  1 TECH.PLATFORM       共享交换平台   "平台"' in out


def test_rejection_is_per_coder(project: Project) -> None:
    drive(make(project, document="gz-county-07", review_auto=True), ["g 2", "x1", "q"])
    out = drive(
        make(project, coder="wang", document="gz-county-07", review_auto=True), ["g 2", "q"]
    )
    assert "1 TECH.PLATFORM" in out


def test_drop_own_code_and_codes_of_others_stay(project: Project) -> None:
    add_coding(project.store, "gz-county-07/t1", "TECH.SYSTEMS", coder="wang")
    add_coding(project.store, "gz-county-07/t1", "TECH.PLATFORM", coder="li")
    out = drive(make(project, document="gz-county-07"), ["d1", "d1", "q"])
    assert "− TECH.PLATFORM 共享交换平台 removed        saved · 0 codes on this segment" in out
    assert "? you have 0 codes here; d1 removes the first" in out
    assert mine(project) == []
    assert mine(project, "wang") == [("gz-county-07/t1", "TECH.SYSTEMS", 2, 21)]


def test_reopening_resumes_where_the_coder_stopped(project: Project) -> None:
    drive(make(project, document="gz-county-07"), ["n", "n", "q"])
    assert load_position(project.store, coder="li", scope=session_scope("gz-county-07", None)) == (
        "gz-county-07/t3"
    )
    out = drive(make(project, document="gz-county-07"), ["q"])
    assert "segment 3/4 (turn)" in out.splitlines()[0]
    # Another coder, and another scope, start at the beginning.
    assert "segment 1/4" in drive(make(project, coder="wang", document="gz-county-07"), [])
    assert "segment 1/4" in drive(make(project, document="gz-county-07", unit="turn"), [])


def test_navigation(project: Project) -> None:
    out = drive(
        make(project, document="gz-county-07"),
        [
            "p",
            "",
            "g 4",
            "n",
            "g 9",
            "g x",
            "g gz-county-07/t1",
            "g gz-county-07/p1",
            "zz",
            "a",
            "m",
        ],
    )
    assert "— this is the first segment" in out
    assert "— no further segment: [p] goes back, [g N] goes to a segment, [q] quits" in out
    assert "? this document has segments 1-4" in out
    assert "? 'g' needs a number, e.g. g1" in out
    assert "? segment gz-county-07/p1 is not in this session" in out
    assert "? unknown command 'zz'" in out
    assert "? a needs a code" in out
    assert "? m needs the memo text" in out
    headers = [line for line in out.splitlines() if "segment " in line and "(turn)" in line]
    assert [h.split("segment ")[1] for h in headers] == [
        "1/4 (turn)",
        "2/4 (turn)",
        "4/4 (turn)",
        "1/4 (turn)",
    ]
    assert out.splitlines()[-1] == "session saved: 0 changes by li; stopped at gz-county-07/t1"


def test_only_uncoded_skips_coded_segments(project: Project) -> None:
    add_coding(project.store, "gz-county-07/t1", "TECH", coder="li")
    add_coding(project.store, "gz-county-07/t3", "TECH", coder="li")
    add_coding(project.store, "gz-county-07/t3", "DIL", coder="wang")  # another coder's: ignored
    out = drive(
        make(project, document="gz-county-07", only_uncoded=True), ["a TECH.SYS", "", "", "q"]
    )
    headers = [line.split("segment ")[1] for line in out.splitlines() if "(turn)" in line]
    assert headers == ["2/4 (turn)", "4/4 (turn)"]
    assert "— no further uncoded segment" in out
    # Everything coded: nothing to do.
    add_coding(project.store, "gz-county-07/t4", "TECH", coder="li")
    out = drive(make(project, document="gz-county-07", only_uncoded=True), ["q"])
    assert out == "all 4 segments are coded by li; nothing to do"


def test_all_documents_each_in_its_default_unit(project: Project) -> None:
    out = drive(make(project), ["g 4", "n", "n", "q"])
    headers = [line.split("  segment ")[-1] for line in out.splitlines() if " segment " in line]
    assert headers == ["1/4 (turn)", "4/4 (turn)", "1/2 (paragraph)", "2/2 (paragraph)"]
    assert "gz-notice-01 · policy · 县政府办公室 · county" in out


def test_code_list_and_pick_errors(project: Project) -> None:
    out = drive(
        make(project, document="gz-county-07"),
        ["?", "a 证明", "7", "1", "a 完全不相关的词", "3", "q"],
    )
    assert "  DIL                    困境 · Dilemmas" in out
    assert "    DIL.DATA_QUALITY     数据质量不高 · Poor data quality" in out
    assert "? pick 1-2" in out
    assert "? no code matches '完全不相关的词'; [?] lists the codes" in out
    assert "? no suggestion 3" in out
    assert mine(project) == [("gz-county-07/t1", "DIL.REPEATED_PROOFS", 2, 21)]


def test_refused_actions_keep_the_session_running(project: Project) -> None:
    out = drive(make(project, document="gz-county-07"), ["u", "a TECH", "a TECH", "q"])
    assert "! nothing to undo: no change by li is in effect" in out
    assert "= TECH 信息技术 is already one of your codes here; nothing changed" in out
    assert out.splitlines()[-1].startswith("session saved: 1 change by li")


def test_session_errors(project: Project) -> None:
    with pytest.raises(CodingError, match="^no document named 'nope'"):
        make(project, document="nope")
    with pytest.raises(CodingError, match="^document gz-notice-01 has no turn segments to code"):
        make(project, document="gz-notice-01", unit="turn")
    with pytest.raises(CodingError, match="'rules' is the name of the automatic coder"):
        make(project, coder="rules")
