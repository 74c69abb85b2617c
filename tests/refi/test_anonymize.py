"""Pseudonymised copies of a project: names replaced everywhere, codings on the same words."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from casekit.project import Project, open_project
from casekit.refi.anonymize import anonymize_project, default_output
from casekit.refi.errors import AnonymizeError
from casekit.refi.pseudonyms import make_mapping, read_mapping
from tests.refi.builders import DATA, MANUAL_CODINGS

MAPPING = read_mapping(DATA / "names.csv")


def fingerprint(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def coded_text(project: Project) -> list[tuple[str, str, str]]:
    rows = project.store.query(
        "SELECT c.coder, c.code, substr(d.text, c.start + 1, c.end - c.start) FROM codings c "
        "JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
        "WHERE c.source = 'manual' ORDER BY d.name, c.start, c.code, c.coder"
    )
    return [tuple(r) for r in rows]


def test_a_pseudonymised_copy(project: Project, tmp_path: Path) -> None:
    project.store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = fingerprint(project.root)
    report = anonymize_project(project, MAPPING)
    target = default_output(project)
    assert report.summary() == (
        f"wrote a pseudonymised copy of {project.root} to {target}: 2 documents, 6 names replaced "
        "(mapping of 6); 8 codings and 4 memos carried over"
    )
    project.store.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert fingerprint(project.root) == before
    assert sorted(fingerprint(target)) == [
        "casekit.db",
        "casekit.toml",
        "codebooks/technology-structuring.yaml",
        "corpus/en-city-02.txt",
        "corpus/gz-county-07.txt",
        "corpus/manifest.csv",
    ]
    assert (target / "corpus" / "manifest.csv").read_text(encoding="utf-8") == (
        "file,doc_type,department,level,role,language\n"
        "gz-county-07.txt,interview,某市政务服务中心,county,window staff,zh\n"
        "en-city-02.txt,interview,Data Bureau,city,official,en\n"
    )
    copy = open_project(target)
    try:
        text = (target / "corpus" / "en-city-02.txt").read_text(encoding="utf-8")
        assert text.startswith("Q: Mr Chen Bo, how do you request records")
        assert "checked by hand with Wu Fang." in text and "Lin from the tax office" in text
        stored = copy.store.scalar("SELECT text FROM documents WHERE name = 'en-city-02'")
        assert stored == text
        # Every coding covers the same words (none of these contains a name).
        assert coded_text(copy) == coded_text(project)
        memos = [tuple(r) for r in copy.store.query("SELECT target, text FROM memos ORDER BY id")]
        assert memos[1] == ("gz-county-07", "甲科长 was very open.\nFollow up in May.")
        assert memos[3] == ("en-city-02/t2", "Ask Wu Fang for the bureau list.")
        segment = copy.store.scalar("SELECT text FROM segments WHERE key = 'en-city-02/t1'")
        assert segment == "Mr Chen Bo, how do you request records from other bureaus?"
        attributes = copy.store.scalar(
            "SELECT attributes FROM documents WHERE name = 'gz-county-07'"
        )
        assert json.loads(attributes)["department"] == "某市政务服务中心"
        sha = copy.store.scalar("SELECT sha256 FROM documents WHERE name = 'en-city-02'")
        assert sha == hashlib.sha256(text.encode()).hexdigest()
    finally:
        copy.close()
    # No original name is left anywhere in the copy's store, not even in free pages.
    raw = (target / "casekit.db").read_bytes().decode("utf-8", errors="ignore")
    assert MAPPING.pattern is not None and MAPPING.pattern.search(raw) is None
    original = project.db_path.read_bytes().decode("utf-8", errors="ignore")
    assert MAPPING.pattern.search(original) is not None


def test_names_in_document_names_are_replaced_too(project: Project, tmp_path: Path) -> None:
    mapping = make_mapping([("county", "district"), ("Li Wei", "Chen Bo")])
    out = tmp_path / "shared"
    report = anonymize_project(project, mapping, out)
    assert report.renamed == {"gz-county-07": "gz-district-07"}
    copy = open_project(out)
    try:
        keys = [r[0] for r in copy.store.query("SELECT key FROM segments ORDER BY id")]
        assert "gz-district-07/t2" in keys and not any("county" in k for k in keys)
        targets = [r[0] for r in copy.store.query("SELECT target FROM memos ORDER BY id")]
        assert targets == ["", "gz-district-07", "DIL.DATA_QUALITY", "en-city-02/t2"]
        assert (out / "corpus" / "gz-district-07.txt").is_file()
        assert copy.store.scalar("SELECT path FROM documents WHERE name = 'gz-district-07'") == (
            "corpus/gz-district-07.txt"
        )
        assert coded_text(copy) == coded_text(project)
    finally:
        copy.close()
    manifest = (out / "corpus" / "manifest.csv").read_text(encoding="utf-8")
    assert "gz-district-07.txt,interview,遵义市政务服务中心,district," in manifest


def test_refuses_targets_that_exist_or_lie_inside(project: Project, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("keep me", encoding="utf-8")
    with pytest.raises(AnonymizeError) as err:
        anonymize_project(project, MAPPING, busy)
    assert str(err.value) == (
        f"{busy}: already exists and is not empty; choose a new folder (nothing is overwritten)"
    )
    inside = project.root / "outputs" / "copy"
    with pytest.raises(AnonymizeError) as err:
        anonymize_project(project, MAPPING, inside)
    assert str(err.value) == (
        f"{inside}: inside the project; choose a folder outside it for the pseudonymised copy"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy", "study"]


def test_two_documents_may_not_end_up_with_one_name(project: Project, tmp_path: Path) -> None:
    mapping = make_mapping([("gz-county-07", "en-city-02")])
    with pytest.raises(AnonymizeError) as err:
        anonymize_project(project, mapping, tmp_path / "out")
    assert str(err.value) == (
        "documents 'en-city-02' and 'gz-county-07' would both be called 'en-city-02' in the "
        "copy; change the mapping so names stay distinct"
    )
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["study"]  # no half-written copy


def test_fixture_codings_are_all_carried(project: Project) -> None:
    assert len(coded_text(project)) == len(MANUAL_CODINGS)
