from __future__ import annotations

from pathlib import Path

import pytest

from casekit.errors import IngestError
from casekit.ingest.manifest import read_manifest


def _manifest(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_and_extra_columns(tmp_path: Path) -> None:
    path = _manifest(
        tmp_path,
        "file,doc_type,department,level,role,date,language,interviewee\n"
        "interviews/a.txt,interview,民政局,county,window staff,2021-04-02,zh,P01\n"
        "\n"
        'policy/b.txt,policy,"Office, General",province,,2020-09-25,zh,\n',
    )
    manifest = read_manifest(path)
    assert manifest.rows["interviews/a.txt"]["interviewee"] == "P01"
    assert manifest.rows["policy/b.txt"]["department"] == "Office, General"
    assert manifest.row_numbers == {"interviews/a.txt": 2, "policy/b.txt": 4}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,doc_type\na.txt,interview\n", r"manifest.csv:1: the manifest needs a 'file' column"),
        (
            "file,doc_type\na.txt,interview\na.txt,policy\n",
            r"manifest.csv:3: 'a.txt' is listed twice \(first at line 2\)",
        ),
        ("file,doc_type\na.txt,interview,extra\n", r"manifest.csv:2: expected 2 fields"),
        ("file,language\na.txt,fr\n", r"manifest.csv:2: language 'fr' is not one of zh, en"),
        ('file,doc_type\n"a.txt,interview\n', r"manifest.csv:\d+: malformed CSV|expected 2 fields"),
        ("file,doc_type\n,interview\n", r"manifest.csv:2: empty 'file' value"),
    ],
)
def test_malformed_manifests(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        read_manifest(_manifest(tmp_path, text))


def test_non_utf8_manifest(tmp_path: Path) -> None:
    path = tmp_path / "manifest.csv"
    path.write_bytes("file,department\na.txt,民政局\n".encode("gb18030"))
    with pytest.raises(IngestError, match=r"manifest.csv:2: the manifest is not UTF-8"):
        read_manifest(path)
