"""The codings exchange CSV: all-or-nothing import with row numbers, idempotence, export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from casekit.coding.exchange import (
    EXPORT_COLUMNS,
    export_codings,
    import_codings,
    write_codings_csv,
)
from casekit.coding.manual import add_coding, undo
from casekit.errors import CodingError
from casekit.project import Project
from casekit.store.manual import coding_rows, list_events
from tests.coding.manual_helpers import add_auto, build_project

HEADER = "document,start,end,code,coder,memo\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    yield proj
    proj.close()


def write_csv(
    tmp_path: Path, text: str, name: str = "codings.csv", encoding: str = "utf-8"
) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows(project: Project) -> list[tuple]:
    return [
        (r["segment"], r["code"], r["coder"], r["start"], r["end"], r["memo"])
        for r in coding_rows(project.store, source="manual")
    ]


def test_import_attaches_each_coding_to_its_segment(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        HEADER
        + "gz-county-07,69,79,TECH.PLATFORM,li,入口\n"
        + "gz-county-07,25,97,DIL.REPEATED_PROOFS,wang,\n"
        + "gz-notice-01,0,19,TECH.PLATFORM,li,\n",
    )
    report = import_codings(project.store, path, codebook_version="v1")
    assert report.summary() == (
        f"imported 3 codings by 2 coders (li, wang) from {path}; 0 already present were skipped"
    )
    assert rows(project) == [
        ("gz-county-07/t2", "DIL.REPEATED_PROOFS", "wang", 25, 97, None),
        ("gz-county-07/t2", "TECH.PLATFORM", "li", 69, 79, "入口"),
        ("gz-notice-01/p1", "TECH.PLATFORM", "li", 0, 19, None),
    ]
    (event,) = list_events(project.store, action="codings.import")
    assert event.actor == "import"
    assert event.payload["file"] == "codings.csv"
    assert len(event.payload["effect"]["codings"]["added"]) == 3


def test_importing_twice_adds_nothing(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "gz-county-07,69,79,TECH.PLATFORM,li,\n" * 2)
    first = import_codings(project.store, path)
    assert (first.n_imported, first.n_skipped) == (1, 1)  # a repeated row counts once
    second = import_codings(project.store, path)
    assert second.summary() == f"nothing new in {path}: 2 codings skipped, already in the project"
    assert second.event_id is None
    assert len(rows(project)) == 1
    # A coding made by hand is identical to an imported row too.
    add_coding(project.store, "gz-county-07/t4", "TECH.SYSTEMS", coder="li")
    path2 = write_csv(tmp_path, HEADER + "gz-county-07,116,136,TECH.SYSTEMS,li,\n", "b.csv")
    assert import_codings(project.store, path2).n_skipped == 1


def test_every_bad_row_is_reported_and_nothing_imported(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        HEADER
        + "gz-county-07,69,79,TECH.PLATFORM,li,\n"  # row 2 is fine
        + "nope,1,2,TECH,li,\n"
        + "gz-county-07,5,6,NOPE,li,\n"
        + "gz-county-07,a,2.5,TECH,li,\n"
        + "gz-county-07,130,999,TECH,li,\n"
        + "gz-county-07,10,30,TECH,li,\n"
        + "gz-county-07,97,99,TECH,li,\n"
        + "gz-county-07,5,6,TECH,,\n"
        + "gz-county-07,5,6,TECH,rules,\n"
        + "gz-county-07,5,6,TECH\n"
        + "\n"
        + "gz-county-07,40,30,TECH,li,\n",
    )
    with pytest.raises(CodingError) as err:
        import_codings(project.store, path)
    assert str(err.value) == (
        f"{path}: 10 bad rows, nothing imported:\n"
        "  row 3: unknown document 'nope'\n"
        "  row 4: unknown code 'NOPE'\n"
        "  row 5: start 'a' is not an integer; end '2.5' is not an integer\n"
        "  row 6: span 130:999 is outside the text of gz-county-07 (0 <= start < end <= 137)\n"
        "  row 7: span 10:30 crosses 2 turn segments (gz-county-07/t1, gz-county-07/t2); "
        "split it into one row per segment\n"
        "  row 8: span 97:99 covers only whitespace\n"
        "  row 9: a coder name is required: fill the coder column\n"
        "  row 10: 'rules' is the name of the automatic coder; choose another coder name\n"
        "  row 11: has 4 fields, the header has 6\n"
        "  row 13: span 40:30 is outside the text of gz-county-07 (0 <= start < end <= 137)"
    )
    assert rows(project) == []
    assert list_events(project.store, action="codings.import") == []


def test_speaker_labels_and_edge_whitespace_are_not_coded(project: Project, tmp_path: Path) -> None:
    # 23..99 is paragraph p2 with its "答：" label and the blank line after it.
    path = write_csv(tmp_path, HEADER + "gz-county-07,23,99,DIL.DATA_QUALITY,li,\n")
    import_codings(project.store, path)
    assert rows(project) == [("gz-county-07/t2", "DIL.DATA_QUALITY", "li", 25, 97, None)]


def test_import_unit(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "gz-county-07,23,97,DIL.DATA_QUALITY,li,\n")
    import_codings(project.store, path, unit="paragraph")
    assert rows(project) == [("gz-county-07/p2", "DIL.DATA_QUALITY", "li", 23, 97, None)]
    bad = write_csv(tmp_path, HEADER + "gz-notice-01,0,5,TECH,li,\n", "bad.csv")
    with pytest.raises(CodingError, match="row 2: document gz-notice-01 has no turn segments"):
        import_codings(project.store, bad, unit="turn")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("document,start,end,code\n", "missing column coder"),
        ("document,start,end,code,coder,note\n", "unknown column 'note' (allowed: document, start"),
        ("document,start,end,code,coder,coder\n", "column coder given twice"),
    ],
)
def test_bad_header(project: Project, tmp_path: Path, header: str, message: str) -> None:
    path = write_csv(tmp_path, header + "gz-county-07,69,79,TECH.PLATFORM,li,x\n")
    with pytest.raises(CodingError) as err:
        import_codings(project.store, path)
    assert str(err.value).startswith(
        f"{path}: row 1 must be the header document,start,end,code,coder[,memo]: {message}"
    )
    assert str(err.value).endswith("; nothing imported")


def test_unreadable_files(project: Project, tmp_path: Path) -> None:
    empty = write_csv(tmp_path, "", "empty.csv")
    with pytest.raises(CodingError, match="empty; the first row must be the header"):
        import_codings(project.store, empty)
    latin = write_csv(tmp_path, HEADER + "gz-county-07,5,6,TECH,li,数据\n", "gbk.csv", "gb18030")
    with pytest.raises(CodingError, match=r"gbk.csv:2: not UTF-8 text; save the file as UTF-8"):
        import_codings(project.store, latin)
    with pytest.raises(CodingError, match="cannot read"):
        import_codings(project.store, tmp_path / "missing.csv")
    header_only = write_csv(tmp_path, "\ufeff" + HEADER, "bom.csv")
    assert import_codings(project.store, header_only).summary() == (
        f"no manual codings in {header_only}"
    )


def test_import_is_one_undoable_event(project: Project, tmp_path: Path) -> None:
    path = write_csv(tmp_path, HEADER + "gz-county-07,69,79,TECH.PLATFORM,li,\n")
    import_codings(project.store, path)
    undo(project.store)
    assert rows(project) == []


def test_export_sorted_filtered_and_round_trips(project: Project, tmp_path: Path) -> None:
    add_coding(project.store, "gz-notice-01/p1", "TECH.PLATFORM", coder="wang", memo="平台, 注意")
    add_coding(project.store, "gz-county-07/t2", "TECH.PLATFORM", coder="wang")
    add_coding(project.store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="li", span=(44, 52))
    add_coding(project.store, "gz-county-07/t2", "DIL.DATA_QUALITY", coder="wang")
    add_auto(project, "gz-notice-01", [("gz-notice-01/p1", "TECH.PLATFORM", 8, 10)])
    exported = export_codings(project.store)
    assert [(r["document"], r["start"], r["code"], r["coder"]) for r in exported] == [
        ("gz-county-07", 25, "DIL.DATA_QUALITY", "wang"),
        ("gz-county-07", 25, "TECH.PLATFORM", "wang"),
        ("gz-county-07", 69, "DIL.DATA_QUALITY", "li"),
        ("gz-notice-01", 0, "TECH.PLATFORM", "wang"),
        ("gz-notice-01", 8, "TECH.PLATFORM", "rules"),
    ]
    assert exported[4]["source"] == "auto" and exported[4]["rule"] == "TECH.PLATFORM/keyword"
    assert [r["coder"] for r in export_codings(project.store, coders=["li"])] == ["li"]
    assert {r["source"] for r in export_codings(project.store, source="manual")} == {"manual"}
    with pytest.raises(CodingError) as err:
        export_codings(project.store, coders=["li", "zhao"])
    assert str(err.value) == (
        "unknown coder zhao; coders in this project: li, wang (and 'rules' for automatic codings)"
    )

    buf = io.StringIO()
    write_codings_csv(export_codings(project.store, source="manual"), buf)
    text = buf.getvalue()
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert text.splitlines()[4].startswith('gz-notice-01,0,19,TECH.PLATFORM,wang,"平台, 注意",')
    # Into a fresh project: the same codings come back; automatic rows of a full export
    # are ignored (autocode remakes them).
    other = build_project(tmp_path / "other")
    path = write_csv(tmp_path, text, "export.csv")
    assert import_codings(other.store, path).n_imported == 4
    full = io.StringIO()
    write_codings_csv(export_codings(project.store), full)
    full_path = write_csv(tmp_path, full.getvalue(), "full.csv")
    assert import_codings(other.store, full_path).summary() == (
        f"nothing new in {full_path}: 4 codings skipped, already in the project; "
        "1 automatic coding ignored ('casekit autocode' makes those)"
    )
    again = io.StringIO()
    write_codings_csv(export_codings(other.store), again)
    strip = [line.rsplit(",", 1)[0] for line in text.splitlines()]
    assert [line.rsplit(",", 1)[0] for line in again.getvalue().splitlines()] == strip
    other.close()


def test_source_column(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "document,start,end,code,coder,source\n"
        "gz-county-07,69,71,TECH.PLATFORM,li,manual\n"
        "gz-county-07,69,71,TECH.PLATFORM,rules,auto\n"
        "gz-county-07,69,71,TECH.PLATFORM,li,coded-by-hand\n",
    )
    with pytest.raises(CodingError) as err:
        import_codings(project.store, path)
    assert str(err.value).endswith("row 4: source is 'coded-by-hand'; it must be empty or 'manual'")
