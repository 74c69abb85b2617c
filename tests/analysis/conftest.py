"""A file-backed project with ingested interviews, codes, and manual and automatic codings."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.ingest import ingest_corpus
from casekit.project import Project, init_project
from casekit.store.codings import CodeRow, NewCoding, replace_auto_codings, sync_codes
from casekit.store.db import utc_now
from tests.analysis.frames import CODES
from tests.conftest import write

CORPUS = {
    "gz-county-01.txt": (
        "问：数据共享有什么困难？\n\n答：我们的编码规则不一样，系统对不上。\n\n问：后来呢？\n\n"
        "答：省里要求统一标准，系统改了一部分。\n\n问：其他部门呢？\n\n答：有的部门不给数据。"
    ),
    "gz-city-01.txt": (
        "问：平台用得怎么样？\n\n答：编码规则不一样，两个系统的数据对不上。\n\n问：怎么解决？\n\n"
        "答：市里出台了统一标准。\n\n问：部门配合吗？\n\n答：部门之间不给数据，各管各的。"
    ),
    "gz-prov-01.txt": (
        "问：省级层面有什么问题？\n\n答：部门不给数据是常事。\n\n问：标准呢？\n\n"
        "答：我们在推统一标准，系统也在改造。"
    ),
}
MANIFEST = (
    "file,doc_type,department,level,role\n"
    "gz-county-01.txt,interview,县政务服务中心,county,窗口人员\n"
    "gz-city-01.txt,interview,市大数据局,city,科长\n"
    "gz-prov-01.txt,interview,省大数据局,province,处长\n"
)
# Phrase -> code; the manual coder li codes every occurrence, the rules only MACHINE ones.
PHRASES = {
    "编码规则不一样": "DIL.STD",
    "不给数据": "DIL.SILO",
    "系统": "EL.SYS",
    "部门": "EL.DEPT",
    "统一标准": "STR.STD",
}
MACHINE = {"系统", "部门"}


def _turn_of(store, document: str, start: int) -> int:
    return store.scalar(
        "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE d.name = ? AND s.unit = 'turn' AND s.start <= ? AND s.end > ?",
        (document, start, start),
    )


def _occurrences(text: str, phrase: str) -> list[int]:
    found, at = [], text.find(phrase)
    while at >= 0:
        found.append(at)
        at = text.find(phrase, at + 1)
    return found


def code_project(project: Project) -> None:
    """Ingest the corpus, sync the codes, and store li's and the rules' codings."""
    for name, text in CORPUS.items():
        write(project.corpus_dir / name, text)
    write(project.manifest_path, MANIFEST)
    ingest_corpus(project)
    store = project.store
    sync_codes(
        store,
        [CodeRow(c, p, f, zh, en, "", "test") for c, p, f, zh, en in CODES],
    )
    now = utc_now()
    with store.transaction() as con:
        for name, text in CORPUS.items():
            document = name.removesuffix(".txt")
            auto = []
            for phrase, code in PHRASES.items():
                for at in _occurrences(text, phrase):
                    segment_id = _turn_of(store, document, at)
                    con.execute(
                        "INSERT INTO codings(segment_id, code, start, end, source, coder, "
                        "created_at) VALUES (?, ?, ?, ?, 'manual', 'li', ?)",
                        (segment_id, code, at, at + len(phrase), now),
                    )
                    if phrase in MACHINE:
                        auto.append(
                            NewCoding(segment_id, code, at, at + len(phrase), rule=f"kw.{code}")
                        )
            doc = con.execute(
                "SELECT id, sha256 FROM documents WHERE name = ?", (document,)
            ).fetchone()
            replace_auto_codings(
                con,
                document_id=doc["id"],
                codebook="test",
                codebook_version="v1",
                unit="turn",
                sha256=doc["sha256"],
                codings=auto,
            )


@pytest.fixture
def coded_project(tmp_path: Path) -> Project:
    project = init_project(tmp_path / "study", name="analysis study")
    # Analyse manual and automatic codings together unless a test says otherwise.
    config = project.root / "casekit.toml"
    text = config.read_text(encoding="utf-8")
    assert 'source = "auto"' in text and 'unit = "turn"' in text
    config.write_text(text.replace('source = "auto"', 'source = "all"'), encoding="utf-8")
    project.close()
    from casekit.project import open_project

    project = open_project(project.root)
    code_project(project)
    yield project
    project.close()
