"""A small ingested project for the manual-coding tests (tests/data/manual)."""

from __future__ import annotations

import shutil
from pathlib import Path

from casekit.coding.manual import ensure_codes
from casekit.ingest import ingest_corpus
from casekit.project import Project, init_project
from casekit.store.codings import NewCoding, replace_auto_codings
from casekit.store.manual import get_segment

DATA = Path(__file__).resolve().parents[1] / "data" / "manual"

# gz-county-07/t2 (document offsets 25..97): the answer about certificates and the platform.
T2 = (
    "不动产登记的情况我们要核实，可是自然资源那边的库我们查不了，还得让申请人回去开证明。"
    "平台上是有个查询入口，但返回的数据对不上，我们也不敢直接用。"
)


def build_project(root: Path, *, sync: bool = True) -> Project:
    """Init a project in ``root``, copy the fixture corpus and codebook, ingest, sync codes."""
    project = init_project(root, name="manual test")
    for file in (DATA / "corpus").iterdir():
        shutil.copy(file, project.corpus_dir / file.name)
    shutil.copy(DATA / "codebook.yaml", project.codebook_path)
    ingest_corpus(project)
    if sync:
        ensure_codes(project)
    return project


def add_auto(project: Project, document: str, spans: list[tuple[str, str, int, int]]) -> None:
    """Store automatic codings ``(segment key, code, rel start, rel end)`` for one document."""
    codings = []
    for key, code, start, end in spans:
        seg = get_segment(project.store, key)
        assert seg is not None
        codings.append(
            NewCoding(
                seg.id,
                code,
                seg.start + start,
                seg.start + end,
                rule=f"{code}/keyword",
                matched_text=seg.text[start:end],
            )
        )
    doc_id = project.store.scalar("SELECT id FROM documents WHERE name = ?", (document,))
    with project.store.transaction() as con:
        replace_auto_codings(
            con,
            document_id=doc_id,
            codebook="MANUAL-TEST",
            codebook_version="v-test",
            unit="paragraph",
            sha256="x",
            codings=codings,
        )
