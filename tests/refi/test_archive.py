"""Hostile and damaged archives are refused as a whole, naming the member."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

import pytest

from casekit.refi.archive import ArchiveLimits, open_archive
from casekit.refi.errors import RefiError
from tests.refi.builders import SOURCE, small_qde, write_zip

QDE = small_qde()


def refused(path: Path, **limits: int) -> str:
    with pytest.raises(RefiError) as err:
        open_archive(path, limits=ArchiveLimits(**limits))
    return str(err.value)


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "its path leaves the archive ('..')"),
        ("sources/../../evil.txt", "its path leaves the archive ('..')"),
        ("..\\evil.txt", "its path leaves the archive ('..')"),
        ("/etc/cron.d/evil", "it has an absolute path"),
        ("C:/Windows/evil.txt", "it has an absolute path"),
    ],
)
def test_zip_slip(tmp_path: Path, member: str, reason: str) -> None:
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": QDE, member: b"boom"})
    assert refused(path) == (
        f"x.qdpx:{member}: refused, {reason} (a 'zip slip' attack); nothing was imported"
    )


def test_symlinks_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", QDE)
        link = zipfile.ZipInfo(f"sources/{SOURCE}.txt")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    assert refused(path) == (
        f"x.qdpx:sources/{SOURCE}.txt: refused, the member is a symbolic link; nothing was imported"
    )


def test_zip_bombs_are_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": QDE, "sources/z.txt": b"0" * (2 << 20)})
    message = refused(path)
    assert re.fullmatch(
        r"x\.qdpx:sources/z\.txt: compressed [\d,]+ times \(2,097,152 bytes from [\d,]+\), more "
        r"than the 200 casekit accepts: this looks like a zip bomb\. Nothing was imported",
        message,
    ), message


def test_oversized_members_are_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": QDE, "sources/big.txt": "x" * 5000})
    assert refused(path, max_member_bytes=4000) == (
        "x.qdpx:sources/big.txt: larger than 4,000 bytes, the most casekit reads from one "
        "archive member; nothing was imported"
    )
    total = 5000 + len(QDE.encode())
    assert refused(path, max_total_bytes=5100) == (
        f"x.qdpx: its members add up to {total:,} bytes, more than the 5,100 casekit reads; "
        "nothing was imported"
    )


def test_too_many_members(tmp_path: Path) -> None:
    members = {"project.qde": QDE, **{f"sources/{i}.txt": "x" for i in range(4)}}
    path = write_zip(tmp_path / "x.qdpx", members)
    assert refused(path, max_members=3) == (
        "x.qdpx: 5 members, more than the 3 casekit reads; nothing was imported"
    )


def test_duplicate_member_names(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "x.qdpx", {"project.qde": QDE, "sources/a.txt": "1", "Sources/A.txt": "2"}
    )
    assert refused(path) == (
        "x.qdpx:Sources/A.txt: the archive holds two members with this name (also "
        "sources/a.txt); nothing was imported"
    )


def test_project_file_must_be_single(tmp_path: Path) -> None:
    none = write_zip(tmp_path / "none.qdpx", {"sources/a.txt": "1"})
    assert refused(none) == (
        "none.qdpx: no project file (.qde) in the archive; is this a REFI-QDA project export "
        "(.qdpx)?"
    )
    two = write_zip(tmp_path / "two.qdpx", {"a.qde": QDE, "b/project.qde": QDE})
    assert refused(two) == (
        "two.qdpx: several project files (a.qde, b/project.qde); a .qdpx holds exactly one .qde"
    )


def test_encrypted_members(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": QDE, "sources/secret.txt": "xxxx"})
    # zipfile cannot write encrypted members: set the "encrypted" flag in the central directory.
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 1)
    data[entry + 8] |= 0x1
    path.write_bytes(bytes(data))
    assert refused(path) == (
        "x.qdpx:sources/secret.txt: the member is encrypted; export it again without a password"
    )


def test_neither_zip_nor_xml(tmp_path: Path) -> None:
    path = tmp_path / "x.qdpx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert refused(path) == (
        f"{path}: neither a .qdpx archive (zip) nor a .qde project file (XML); export the "
        "project from your QDA program as REFI-QDA"
    )
    assert refused(tmp_path / "missing.qdpx") == f"{tmp_path / 'missing.qdpx'}: no such file"


def test_sources_are_found_by_base_name_ignoring_case(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "x.qdpx",
        {"My Project.qde": QDE, f"Sources/{SOURCE.upper()}.TXT": "text", "sources/.root": ""},
    )
    archive = open_archive(path)
    assert archive.qde_name == "My Project.qde"
    member = archive.find(f"internal://{SOURCE}.txt")
    assert member == f"Sources/{SOURCE.upper()}.TXT"
    assert archive.read(member) == b"text"
    assert archive.find("internal://nothing.txt") is None
