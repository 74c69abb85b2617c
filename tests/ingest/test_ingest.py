from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from casekit.errors import IngestError
from casekit.ingest import ingest_corpus
from casekit.project import Project, open_project
from casekit.store import Store
from tests.conftest import write

INTERVIEW = "问：平台好用吗？\n\n答：数据对不上，标准不统一。\n\n问：后来呢？\n\n答：后来省里统一了编码规则。"
POLICY = "第一条 为了规范政务数据共享，制定本办法。\n第二条 政务数据以共享为原则。"
MANIFEST = (
    "file,doc_type,department,level,role,date,language\n"
    "interviews/gz-county-01.txt,interview,县政务服务中心,county,window staff,2021-04-02,\n"
    "policy/gz-policy-01.txt,policy,省大数据局,province,,2020-09-25,zh\n"
)


def _corpus(project: Project) -> None:
    write(project.corpus_dir / "interviews" / "gz-county-01.txt", INTERVIEW)
    write(project.corpus_dir / "policy" / "gz-policy-01.txt", POLICY, encoding="gb18030")
    write(project.manifest_path, MANIFEST)


def _dump(project: Project) -> str:
    con = project.store.con
    return "\n".join(con.iterdump())


def test_ingest_reads_segments_and_attaches_attributes(project: Project) -> None:
    _corpus(project)
    report = ingest_corpus(project)
    assert report.added == ["gz-county-01", "gz-policy-01"]
    store = project.store
    doc = store.con.execute("SELECT * FROM documents WHERE name = 'gz-county-01'").fetchone()
    assert doc["language"] == "zh" and doc["doc_type"] == "interview"
    assert json.loads(doc["attributes"])["department"] == "县政务服务中心"
    units = dict(
        store.query(
            "SELECT unit, COUNT(*) FROM segments s JOIN documents d ON d.id = s.document_id WHERE d.name = 'gz-county-01' GROUP BY unit"
        )
    )
    assert units == {"turn": 4, "paragraph": 4, "sentence": 4}
    policy = store.con.execute("SELECT * FROM documents WHERE name = 'gz-policy-01'").fetchone()
    assert policy["encoding"] == "gb18030"
    articles = store.query(
        "SELECT label FROM segments WHERE document_id = ? AND unit = 'article' ORDER BY idx",
        (policy["id"],),
    )
    assert [r[0] for r in articles] == ["第一条", "第二条"]
    for seg in store.query(
        "SELECT s.start, s.end, s.text, d.text AS doc FROM segments s JOIN documents d ON d.id = s.document_id"
    ):
        assert seg["doc"][seg["start"] : seg["end"]] == seg["text"]


def test_reingest_unchanged_is_a_noop(project: Project) -> None:
    _corpus(project)
    ingest_corpus(project)
    before = _dump(project)
    report = ingest_corpus(project)
    assert report.unchanged == ["gz-county-01", "gz-policy-01"] and not report.added
    assert _dump(project) == before


def test_changed_file_without_codings_is_updated(project: Project) -> None:
    _corpus(project)
    ingest_corpus(project)
    write(project.corpus_dir / "interviews" / "gz-county-01.txt", INTERVIEW + "\n\n问：还有吗？")
    report = ingest_corpus(project)
    assert report.updated == ["gz-county-01"]
    assert project.store.scalar("SELECT COUNT(*) FROM segments WHERE unit = 'turn'") == 5


def _add_coding(project: Project, quote: str, unit: str = "turn") -> int:
    store = project.store
    doc = store.con.execute("SELECT id, text FROM documents WHERE name = 'gz-county-01'").fetchone()
    start = doc["text"].index(quote)
    seg = store.con.execute(
        "SELECT id FROM segments WHERE document_id = ? AND unit = ? AND start <= ? AND end >= ?",
        (doc["id"], unit, start, start + len(quote)),
    ).fetchone()
    with store.transaction() as con:
        cur = con.execute(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, created_at) "
            "VALUES (?, 'DIL.TECH.STANDARDS', ?, ?, 'manual', 'li', 'now')",
            (seg["id"], start, start + len(quote)),
        )
    return int(cur.lastrowid)


def test_changed_file_with_codings_is_refused_then_forced(project: Project) -> None:
    _corpus(project)
    ingest_corpus(project)
    kept_id = _add_coding(project, "标准不统一")
    gone_id = _add_coding(project, "统一了编码规则")
    path = write(
        project.corpus_dir / "interviews" / "gz-county-01.txt",
        "问：开场白。\n\n" + INTERVIEW.replace("统一了编码规则", "换了一家公司"),
    )
    before = _dump(project)
    with pytest.raises(
        IngestError,
        match=r"gz-county-01.txt: changed since it was ingested and 2 manual codings point into it",
    ):
        ingest_corpus(project)
    assert _dump(project) == before
    report = ingest_corpus(project, force=True)
    assert (report.n_codings_reanchored, report.n_codings_dropped) == (1, 1)
    row = project.store.con.execute(
        "SELECT c.start, c.end, d.text FROM codings c JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id WHERE c.id = ?",
        (kept_id,),
    ).fetchone()
    assert row["text"][row["start"] : row["end"]] == "标准不统一"
    assert project.store.scalar("SELECT COUNT(*) FROM codings WHERE id = ?", (gone_id,)) == 0
    dropped = project.store.scalar("SELECT payload FROM events WHERE action = 'coding.drop'")
    assert json.loads(dropped)["coding"]["id"] == gone_id
    assert path.exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda p: write(p.corpus_dir / "extra.txt", "答：多出来的文件。"),
            r"extra.txt: not listed in manifest.csv",
        ),
        (
            lambda p: write(p.manifest_path, MANIFEST + "interviews/missing.txt,interview,,,,,\n"),
            r"manifest.csv:4: 'interviews/missing.txt' does not exist",
        ),
        (
            lambda p: write(p.corpus_dir / "interviews" / "gz-county-01.txt", ""),
            r"gz-county-01.txt: the file is empty",
        ),
        (
            lambda p: (p.corpus_dir / "interviews" / "gz-county-01.txt").write_bytes(
                b"\x00\x01\x02binary"
            ),
            r"gz-county-01.txt: looks like a binary file",
        ),
        (
            lambda p: (
                write(p.corpus_dir / "policy" / "gz-county-01.txt", "答：同名。"),
                write(p.manifest_path, MANIFEST + "policy/gz-county-01.txt,policy,,,,,\n"),
            ),
            r"duplicate document name 'gz-county-01'",
        ),
        (
            lambda p: (
                (p.corpus_dir / "policy" / "x.docx").write_bytes(b"garbage"),
                write(p.manifest_path, MANIFEST + "policy/x.docx,policy,,,,,\n"),
            ),
            r"x.docx: cannot read this .docx",
        ),
        (
            lambda p: write(
                p.manifest_path,
                "file,doc_type\ninterviews/gz-county-01.txt,interview\ninterviews/gz-county-01.txt,interview\n",
            ),
            r"manifest.csv:3: 'interviews/gz-county-01.txt' is listed twice",
        ),
    ],
)
def test_bad_input_changes_nothing(project: Project, setup, message: str) -> None:
    _corpus(project)
    ingest_corpus(project, [project.corpus_dir / "policy"])
    before = _dump(project)
    setup(project)
    with pytest.raises(IngestError, match=message):
        ingest_corpus(project)
    assert _dump(project) == before


def test_path_outside_project_is_refused(project: Project, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere.txt", "答：外面的文件。")
    with pytest.raises(IngestError, match="elsewhere.txt: outside the project"):
        ingest_corpus(project, [outside])


KILLER = """
import os, signal, sys
from casekit.project import open_project
from casekit.ingest import ingest_corpus
project = open_project(sys.argv[1])
def progress(done, total, name):
    if done == 3:
        os.kill(os.getpid(), signal.SIGKILL)
ingest_corpus(project, progress=progress)
"""


def test_killed_ingest_leaves_consistent_store_and_rerun_completes(project: Project) -> None:
    for i in range(6):
        write(project.corpus_dir / f"doc{i}.txt", f"问：第{i}个问题？\n\n答：回答{i}。数据对不上。")
    root = project.root
    project.close()
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(root)],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == -9
    con = sqlite3.connect(root / "casekit.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = [r[0] for r in con.execute("SELECT name FROM documents ORDER BY name")]
    assert names == ["doc0", "doc1", "doc2"]
    # every stored document has all its segments
    for (doc_id,) in con.execute("SELECT id FROM documents"):
        assert (
            con.execute(
                "SELECT COUNT(*) FROM segments WHERE document_id = ?", (doc_id,)
            ).fetchone()[0]
            > 0
        )
    con.close()
    with open_project(root) as again:
        report = ingest_corpus(again)
        assert report.added == ["doc3", "doc4", "doc5"]
        assert report.unchanged == ["doc0", "doc1", "doc2"]
        assert Store(root / "casekit.db").integrity_ok()
    assert os.path.exists(root / "casekit.db")
