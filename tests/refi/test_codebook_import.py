"""``.qdc`` import: other tools' codebooks (old namespaces, odd colours) and casekit's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.codebook.export import export_codebook
from casekit.codebook.loader import load_codebook
from casekit.project import Project
from casekit.refi.codebook_import import import_qdc
from casekit.refi.errors import RefiError
from casekit.refi.tables import remembered
from tests.refi.builders import CODEBOOK, DATA, empty_project

QDC = DATA / "supervisor-0_4.qdc"


def code_rows(project: Project) -> list[tuple]:  # type: ignore[type-arg]
    return [
        tuple(r)
        for r in project.store.query(
            "SELECT id, parent, family, name_zh, name_en, definition FROM codes ORDER BY id"
        )
    ]


def test_a_foreign_codebook(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdc(fresh, QDC)
    assert report.lines() == [
        f"imported 4 new codes from {QDC} (0 matched the project's codes)",
        "  note: code '条块分割': alpha dropped from colour #11223344",
        "  note: code sets not kept (casekit groups codes by hierarchy and family): Structure",
    ]
    assert code_rows(fresh) == [
        ("C1", None, "组织结构", "组织结构", "", "部门之间的关系"),
        ("C1.C1", "C1", "组织结构", "条块分割", "", ""),
        ("C1.VERTICAL_MANAGEMENT", "C1", "组织结构", "", "Vertical management", ""),
        ("TRUST", None, "Trust", "", "Trust", ""),
    ]
    looks = remembered(fresh.store, "code")
    assert [(k, r.guid, r.color) for k, r in looks.items()] == [
        ("C1", "a1b2c3d4-0000-4000-8000-000000000001", "#AABBCC"),
        ("C1.C1", "a1b2c3d4-0000-4000-8000-000000000002", "#112233"),
        ("C1.VERTICAL_MANAGEMENT", "a1b2c3d4-0000-4000-8000-000000000003", None),
        ("TRUST", "a1b2c3d4-0000-4000-8000-000000000004", "#00FF00"),
    ]
    again = import_qdc(fresh, QDC)
    assert again.summary() == f"nothing new in {QDC}: all 4 codes are already in the project"
    assert again.event_id is None


def test_casekit_codebooks_match_the_project(project: Project, tmp_path: Path) -> None:
    qdc = tmp_path / "own.qdc"
    qdc.write_bytes(export_codebook(load_codebook(CODEBOOK), "qdc"))
    before = code_rows(project)
    report = import_qdc(project, qdc)
    assert (report.n_added, report.n_matched) == (0, 7)
    assert code_rows(project) == before
    fresh = empty_project(tmp_path / "fresh")
    assert import_qdc(fresh, qdc).n_added == 7
    assert code_rows(fresh) == before  # ids, hierarchy, families, names, definitions


def test_member_codes_by_guid_or_target_guid(tmp_path: Path) -> None:
    qdc = tmp_path / "sets.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1:0"><Codes>'
        '<Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="Trust" isCodable="true"/>'
        '</Codes><Sets><Set guid="a1b2c3d4-0000-4000-8000-000000000002" name="Groups">'
        '<MemberCode targetGUID="a1b2c3d4-0000-4000-8000-000000000001"/></Set></Sets></CodeBook>',
        encoding="utf-8",
    )
    fresh = empty_project(tmp_path / "fresh")
    import_qdc(fresh, qdc)
    assert code_rows(fresh) == [("TRUST", None, "Groups", "", "Trust", "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<CodeBook>&e;</CodeBook>",
            "bad.qdc: the XML declares a DTD",
        ),
        ("<Project name='x'/>", "bad.qdc: the root element is <Project>, not <CodeBook>"),
        (
            '<CodeBook><Codes><Code guid="a1b2c3d4-0000-4000-8000-000000000001" name="A" '
            'isCodable="true"/></Codes><Sets><Set guid="a1b2c3d4-0000-4000-8000-000000000002" '
            'name="S"><MemberCode guid="a1b2c3d4-0000-4000-8000-000000000009"/></Set></Sets>'
            "</CodeBook>",
            "bad.qdc: 1 problem, nothing was imported:\n  bad.qdc:1: <MemberCode> guid "
            "a1b2c3d4-0000-4000-8000-000000000009 refers to no code in the file (a dangling GUID)",
        ),
    ],
)
def test_bad_codebooks_change_nothing(
    project: Project, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.qdc"
    path.write_text(content, encoding="utf-8")
    before = code_rows(project)
    with pytest.raises(RefiError) as err:
        import_qdc(project, path)
    assert str(err.value).startswith(message)
    assert code_rows(project) == before
