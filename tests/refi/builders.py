"""A small coded project for the REFI-QDA tests, and paths to the shared real exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casekit.coding.manual import ensure_codes
from casekit.ingest import ingest_corpus
from casekit.project import Project, init_project, open_project
from casekit.store.codings import NewCoding, replace_auto_codings
from casekit.store.manual import get_segment, insert_codings, insert_memo

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "refi"
CODEBOOK = REPO / "tests" / "data" / "codebooks" / "valid-small.yaml"
SHARED = REPO.parent / "shared" / "refi"

# (segment key, code, quoted text inside the segment, coder, memo)
MANUAL_CODINGS = [
    ("gz-county-07/t2", "TECH.PLATFORM", "共享交换平台", "li", "平台入口"),
    ("gz-county-07/t2", "DIL.DATA_QUALITY", "返回的数据对不上😅", "li", None),
    ("gz-county-07/t2", "DIL.DATA_QUALITY", "返回的数据对不上😅", "wang", None),
    ("gz-county-07/t4", "STR.ASSESSMENT", "数据共享纳入绩效考核", "wang", None),
    ("en-city-02/t2", "TECH.PLATFORM", "exchange platform", "li", None),
    ("en-city-02/t2", "DIL.DATA_QUALITY", "The data they sent were outdated", "li", None),
    ("en-city-02/t4", "DIL.NO_INCENTIVE", "no reward for sharing", "wang", None),
]
# (target type, target, author, text)
MEMOS = [
    ("project", "", "li", "Check the county interviews against the notice."),
    ("document", "gz-county-07", "wang", "王科长 was very open.\nFollow up in May."),
    ("code", "DIL.DATA_QUALITY", "li", "Mismatched records, not missing ones."),
    ("segment", "en-city-02/t2", "li", "Ask Zhang Min for the bureau list."),
]


def need_shared(*parts: str) -> Path:
    """A file under ../shared/refi, or skip the test when a fresh clone lacks it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared REFI-QDA material is not in this checkout)")
    return path


def span(project: Project, key: str, quote: str) -> tuple[int, int, int]:
    """``(segment id, start, end)`` of ``quote`` inside a segment, as document offsets."""
    segment = get_segment(project.store, key)
    assert segment is not None, key
    at = segment.text.index(quote)
    return segment.id, segment.start + at, segment.start + at + len(quote)


def set_units(root: Path, units: str) -> None:
    """Segment documents of every type into ``units`` (a TOML list), e.g. '["paragraph"]'."""
    toml = root / "casekit.toml"
    text = toml.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith(("interview = ", "policy = ", "default = ")):
            key = line.split(" = ", 1)[0]
            text = text.replace(line, f"{key} = {units}")
    toml.write_text(text, encoding="utf-8")


def empty_project(root: Path, *, units: str | None = None) -> Project:
    """A new project without documents or codebook."""
    project = init_project(root, name=root.name)
    if units is not None:
        project.close()
        set_units(root, units)
        project = open_project(root)
    return project


def build_project(root: Path) -> Project:
    """The fixture corpus ingested, the small codebook synced, codings and memos added."""
    project = init_project(root, name="refi study")
    for file in (DATA / "corpus").iterdir():
        shutil.copy(file, project.corpus_dir / file.name)
    shutil.copy(CODEBOOK, project.codebook_path)
    ingest_corpus(project)
    ensure_codes(project)
    store = project.store
    with store.transaction() as con:
        for key, code, quote, coder, memo in MANUAL_CODINGS:
            segment_id, start, end = span(project, key, quote)
            coding = NewCoding(segment_id, code, start, end, matched_text=quote, memo=memo)
            insert_codings(con, [coding], coder=coder, codebook_version="v1")
        for target_type, target, author, text in MEMOS:
            insert_memo(con, target_type=target_type, target=target, author=author, text=text)
    segment_id, start, end = span(project, "gz-county-07/p2", "共享交换平台")
    doc_id = store.scalar("SELECT id FROM documents WHERE name = 'gz-county-07'")
    with store.transaction() as con:
        replace_auto_codings(
            con,
            document_id=doc_id,
            codebook="DEMO-SMALL",
            codebook_version="v1",
            unit="paragraph",
            sha256="x",
            codings=[
                NewCoding(segment_id, "TECH.PLATFORM", start, end, rule="kw", matched_text="x")
            ],
        )
    return project


# -- hand-made REFI-QDA files ----------------------------------------------------------------
USER = "b0000000-0000-4000-8000-00000000000a"
CODE = "c0000000-0000-4000-8000-00000000000a"
SOURCE = "a0000000-0000-4000-8000-00000000000a"


def small_qde(
    *,
    selections: str = "",
    source: str | None = None,
    codes: str | None = None,
    extra: str = "",
    prolog: str = "",
) -> str:
    """A project with one user, one code and one text source in ``sources/<SOURCE>.txt``."""
    if codes is None:
        codes = f'<Code guid="{CODE}" name="Trust" isCodable="true"/>'
    if source is None:
        source = (
            f'<TextSource guid="{SOURCE}" name="interview 1.docx" '
            f'plainTextPath="internal://{SOURCE}.txt">{selections}</TextSource>'
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="small" origin="hand-made">'
        f'<Users><User guid="{USER}" name="Anna"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f"<Sources>{source}</Sources>{extra}</Project>"
    )


def selection(guid_tail: str, start: int, end: int, *, name: str = "", code: str = CODE) -> str:
    """A PlainTextSelection with one coding of ``code`` by the user."""
    return (
        f'<PlainTextSelection guid="a1000000-0000-4000-8000-0000000000{guid_tail}" name="{name}" '
        f'startPosition="{start}" endPosition="{end}" creatingUser="{USER}">'
        f'<Coding guid="a2000000-0000-4000-8000-0000000000{guid_tail}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """A zip archive of ``members`` (text is written as UTF-8)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
