"""``.qdpx`` export: schema-valid, stable, code points in UTF-8/LF, the codebook as in ``.qdc``."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from casekit.codebook.export import export_codebook
from casekit.codebook.loader import load_codebook
from casekit.project import Project
from casekit.refi.errors import RefiError
from casekit.refi.export import build_export, export_qdpx
from casekit.refi.pseudonyms import read_mapping
from casekit.refi.reader import read_codebook, read_project
from casekit.refi.xmlsafe import parse_xml
from tests.refi.builders import DATA, MANUAL_CODINGS, need_shared

NS = {"q": "urn:QDA-XML:project:1.0"}


def export(project: Project, tmp_path: Path, name: str = "out.qdpx", **options: object):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    report = export_qdpx(project, path, **options)  # type: ignore[arg-type]
    return report, zipfile.ZipFile(path)


def test_export_validates_against_the_schema(project: Project, tmp_path: Path) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(need_shared("Project.xsd"))
    _, archive = export(project, tmp_path, cases="level")
    schema.validate(archive.read("project.qde"))


def test_codebook_qdc_validates_against_its_schema(project: Project) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(need_shared("Codebook.xsd"))
    schema.validate(export_codebook(load_codebook(project.codebook_path), "qdc"))


def test_report_and_layout(project: Project, tmp_path: Path) -> None:
    report, archive = export(project, tmp_path)
    assert report.summary() == (
        f"exported 2 documents, 7 codes, 8 codings on 7 selections by 3 coders (li, rules, wang) "
        f"and 4 memos to {tmp_path / 'out.qdpx'}"
    )
    names = archive.namelist()
    assert names[0] == "project.qde" and len(names) == 3
    assert all(re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", n) for n in names[1:])


def test_exports_are_byte_identical(project: Project, tmp_path: Path) -> None:
    export(project, tmp_path, "a.qdpx")
    export(project, tmp_path, "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_texts_are_utf8_lf_and_offsets_code_points(project: Project, tmp_path: Path) -> None:
    _, archive = export(project, tmp_path)
    model = read_project(parse_xml(archive.read("project.qde"), "p"), "p")
    quotes = set()
    for source in model.sources:
        data = archive.read(f"sources/{source.guid}.txt")
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data
        text = data.decode("utf-8")
        assert text == project.store.scalar(
            "SELECT text FROM documents WHERE name = ?", (source.name,)
        )
        quotes |= {text[s.start : s.end] for s in source.selections if s.codings}
    assert quotes == {quote for _, _, quote, _, _ in MANUAL_CODINGS}
    emoji = next(
        s for src in model.sources for s in src.selections if s.name == "返回的数据对不上😅"
    )
    assert (emoji.start, emoji.end) == (86, 95)  # 9 code points, although 10 UTF-16 units


def test_codebook_matches_the_qdc(project: Project, tmp_path: Path) -> None:
    _, archive = export(project, tmp_path)
    model = read_project(parse_xml(archive.read("project.qde"), "p"), "p")
    qdc = export_codebook(load_codebook(project.codebook_path), "qdc")
    codes, sets, _ = read_codebook(parse_xml(qdc, "qdc"), "qdc")

    def tree(nodes):  # type: ignore[no-untyped-def]
        return [
            (c.guid, c.name, c.color, c.description, c.is_codable, tree(c.children)) for c in nodes
        ]

    assert tree(model.codes) == tree(codes)
    assert [(s.guid, s.name, s.codes) for s in model.sets] == [
        (s.guid, s.name, s.codes) for s in sets
    ]
    colors = re.findall(rb'color="([^"]*)"', archive.read("project.qde"))
    assert colors and all(re.fullmatch(rb"#[0-9A-F]{6}", c) for c in colors)


def test_users_memos_and_variables(project: Project, tmp_path: Path) -> None:
    _, archive = export(project, tmp_path, cases="level")
    root = etree.fromstring(archive.read("project.qde"))
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == ["li", "rules", "wang"]
    assert [v.get("name") for v in root.findall("q:Variables/q:Variable", NS)] == [
        "doc_type",
        "language",
        "department",
        "level",
        "role",
    ]
    assert [
        (c.get("name"), len(c.findall("q:SourceRef", NS)))
        for c in root.iterfind("q:Cases/q:Case", NS)
    ] == [("city", 1), ("county", 1)]
    notes = {
        n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS)
        for n in root.iterfind("q:Notes/q:Note", NS)
    }
    assert sorted(notes.values()) == sorted(
        [
            "平台入口",
            "Check the county interviews against the notice.",
            "王科长 was very open.\nFollow up in May.",
            "Mismatched records, not missing ones.",
            "Ask Zhang Min for the bureau list.",
        ]
    )
    project_refs = [r.get("targetGUID") for r in root.findall("q:NoteRef", NS)]
    assert [notes[g] for g in project_refs] == ["Check the county interviews against the notice."]
    code = root.find(".//q:Code[@name='DIL.DATA_QUALITY Poor data quality']", NS)
    assert [notes[r.get("targetGUID")] for r in code.findall("q:NoteRef", NS)] == [
        "Mismatched records, not missing ones."
    ]


def test_coders_filter_and_empty_containers(project: Project, tmp_path: Path) -> None:
    report, archive = export(project, tmp_path, coders=["rules"], source="auto")
    xml = archive.read("project.qde")
    assert report.coders == ["rules"] and report.n_codings == 1
    assert b"<Notes>" not in xml and b"<Cases>" not in xml and b"<Notes/>" not in xml
    root = etree.fromstring(xml)
    assert [u.get("name") for u in root.findall("q:Users/q:User", NS)] == ["rules"]
    model, _ = build_export(project, coders=["wang"])
    assert sorted(n.text for n in model.notes) == ["王科长 was very open.\nFollow up in May."]


def test_unknown_coder_and_case_attribute(project: Project) -> None:
    with pytest.raises(RefiError) as err:
        build_export(project, coders=["zhao"])
    assert str(err.value) == (
        "unknown coder zhao; coders in this project: li, wang (and 'rules' for automatic codings)"
    )
    with pytest.raises(RefiError) as err:
        build_export(project, cases="province")
    assert str(err.value) == (
        "no document has the attribute 'province' to make cases from; attributes in this "
        "project: department, doc_type, language, level, role"
    )


def test_pseudonymised_export(project: Project, tmp_path: Path) -> None:
    mapping = read_mapping(DATA / "names.csv")
    report, archive = export(project, tmp_path, anonymize=mapping)
    # 6 in the texts, 1 in a variable, 2 in memo texts and 2 in their titles.
    assert report.n_replacements == 11
    model = read_project(parse_xml(archive.read("project.qde"), "p"), "p")
    texts = {s.name: archive.read(f"sources/{s.guid}.txt").decode() for s in model.sources}
    assert "王科长" not in texts["gz-county-07"] and "甲科长" in texts["gz-county-07"]
    assert "Chen Bo" in texts["en-city-02"] and "Lin from" in texts["en-city-02"]
    for source in model.sources:
        quotes = {texts[source.name][s.start : s.end] for s in source.selections if s.codings}
        assert "The data they sent were outdated" in quotes or "共享交换平台" in quotes
        assert all(
            s.name == texts[source.name][s.start : s.end][:80]
            for s in source.selections
            if len(s.name) < 80
        )
    note_texts = {n.text for n in model.notes}
    assert "Ask Wu Fang for the bureau list." in note_texts
    assert "甲科长 was very open.\nFollow up in May." in note_texts
    variables = {v.guid: v.name for v in model.variables}
    department = next(
        value
        for s in model.sources
        for guid, value in s.variables.items()
        if variables[guid] == "department" and s.name == "gz-county-07"
    )
    assert department == "某市政务服务中心"


def test_an_empty_project_exports_a_valid_file(tmp_path: Path) -> None:
    import xmlschema

    from tests.refi.builders import empty_project

    schema = xmlschema.XMLSchema(need_shared("Project.xsd"))
    project = empty_project(tmp_path / "empty")
    report, archive = export(project, tmp_path)
    assert (report.n_documents, report.n_codes, report.n_codings, report.n_memos) == (0, 0, 0, 0)
    xml = archive.read("project.qde")
    schema.validate(xml)
    assert archive.namelist() == ["project.qde"]
    assert len(etree.fromstring(xml)) == 0  # no empty containers
