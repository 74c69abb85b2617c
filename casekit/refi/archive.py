"""Open a ``.qdpx`` (or a bare ``.qde``) from an untrusted source, with every member checked.

Nothing is ever extracted to disk. Still, an archive with a dangerous member name (absolute,
``..``, a drive letter), a symbolic link, an encrypted member, too many members, a member
larger than the limits or compressed suspiciously well (a zip bomb) is refused as a whole:
such a file was not written by a QDA program.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from casekit.refi.errors import RefiError

__all__ = ["DEFAULT_LIMITS", "Archive", "ArchiveLimits", "open_archive"]


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what an import reads.

    ``max_ratio`` applies to members larger than ``ratio_floor`` bytes: text and XML
    compress 3-10 times; hundreds of times means a crafted archive.
    """

    max_members: int = 10_000
    max_member_bytes: int = 256 << 20
    max_total_bytes: int = 1 << 30
    max_ratio: float = 200.0
    ratio_floor: int = 1 << 20


DEFAULT_LIMITS = ArchiveLimits()

_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass
class Archive:
    """A checked archive: the project XML and a case-insensitive index of its other members."""

    path: Path
    qde_name: str
    qde: bytes
    members: dict[str, str] = field(default_factory=dict)  # lower-case base name -> member
    ambiguous: set[str] = field(default_factory=set)
    limits: ArchiveLimits = DEFAULT_LIMITS
    _read_total: int = 0

    @property
    def is_zip(self) -> bool:
        return self.qde_name != ""

    def origin(self, member: str | None = None) -> str:
        """``archive.qdpx`` or ``archive.qdpx:member`` for messages."""
        return f"{self.path.name}:{member}" if member else self.path.name

    def find(self, reference: str) -> str | None:
        """The member a source path (``internal://<guid>.txt``) refers to, or None.

        Sources are looked up by base name, ignoring letter case: the standard says
        ``sources/``, NVivo for Windows writes ``Sources/``, other tools other folders.
        """
        name = reference.split("://", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1].lower()
        if name in self.ambiguous:
            raise RefiError(
                f"{self.origin()}: several members are called '{name}' (in different folders); "
                f"which one {reference} means is ambiguous. Nothing was imported"
            )
        return self.members.get(name)

    def read(self, member: str) -> bytes:
        """The bytes of a member, within the size limits."""
        with zipfile.ZipFile(self.path) as zf:
            info = zf.getinfo(member)
            self._read_total += info.file_size
            if self._read_total > self.limits.max_total_bytes:
                raise RefiError(
                    f"{self.origin(member)}: the archive's members add up to more than "
                    f"{self.limits.max_total_bytes:,} bytes; nothing was imported"
                )
            try:
                with zf.open(info) as stream:
                    data = stream.read(self.limits.max_member_bytes + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
                raise RefiError(
                    f"{self.origin(member)}: cannot read this member ({exc}); the archive is "
                    "damaged. Nothing was imported"
                ) from exc
        if len(data) > self.limits.max_member_bytes:
            raise RefiError(_too_large(self.origin(member), self.limits))
        return data


def _too_large(origin: str, limits: ArchiveLimits) -> str:
    return (
        f"{origin}: larger than {limits.max_member_bytes:,} bytes, the most casekit reads "
        "from one archive member; nothing was imported"
    )


def _check_name(name: str) -> str | None:
    """Why a member name is dangerous, or None."""
    if "\x00" in name:
        return "its name contains a NUL character"
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        return "it has an absolute path"
    if ".." in normalised.split("/"):
        return "its path leaves the archive ('..')"
    if posixpath.normpath(normalised).startswith("../"):
        return "its path leaves the archive"
    return None


def _check_member(archive_name: str, info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    origin = f"{archive_name}:{info.filename}"
    reason = _check_name(info.filename)
    if reason:
        raise RefiError(f"{origin}: refused, {reason} (a 'zip slip' attack); nothing was imported")
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_ISLNK(mode):
        raise RefiError(f"{origin}: refused, the member is a symbolic link; nothing was imported")
    if info.flag_bits & 0x1:
        raise RefiError(f"{origin}: the member is encrypted; export it again without a password")
    if info.file_size > limits.max_member_bytes:
        raise RefiError(_too_large(origin, limits))
    if info.file_size > limits.ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise RefiError(
                f"{origin}: compressed {ratio:,.0f} times ({info.file_size:,} bytes from "
                f"{info.compress_size:,}), more than the {limits.max_ratio:,.0f} casekit "
                "accepts: this looks like a zip bomb. Nothing was imported"
            )


def open_archive(path: str | Path, *, limits: ArchiveLimits = DEFAULT_LIMITS) -> Archive:
    """Check a ``.qdpx`` and read its ``.qde``; a plain XML file is taken as a bare ``.qde``.

    Raises
    ------
    RefiError
        Unreadable file, damaged zip, a dangerous member, members over the limits, no or
        several ``.qde`` files. The message names the archive member.
    """
    path = Path(path)
    if not path.is_file():
        raise RefiError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        size = path.stat().st_size
        if size > limits.max_member_bytes:
            raise RefiError(_too_large(path.name, limits))
        data = path.read_bytes()
        if not data.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith((b"<", b"\x00<", b"<\x00")):
            raise RefiError(
                f"{path}: neither a .qdpx archive (zip) nor a .qde project file (XML); "
                "export the project from your QDA program as REFI-QDA"
            )
        return Archive(path=path, qde_name="", qde=data, limits=limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise RefiError(f"{path}: not a readable .qdpx archive ({exc})") from exc
    if len(infos) > limits.max_members:
        raise RefiError(
            f"{path.name}: {len(infos):,} members, more than the {limits.max_members:,} casekit "
            "reads; nothing was imported"
        )
    seen: dict[str, str] = {}
    members: dict[str, str] = {}
    ambiguous: set[str] = set()
    qde_members = []
    total = 0
    for info in infos:
        _check_member(path.name, info, limits)
        if info.is_dir():
            continue
        total += info.file_size
        key = info.filename.replace("\\", "/").lower()
        if key in seen:
            raise RefiError(
                f"{path.name}:{info.filename}: the archive holds two members with this name "
                f"(also {seen[key]}); nothing was imported"
            )
        seen[key] = info.filename
        if key.endswith(".qde"):
            qde_members.append(info.filename)
            continue
        base = key.rsplit("/", 1)[-1]
        if base in members:
            ambiguous.add(base)
        members[base] = info.filename
    if total > limits.max_total_bytes:
        raise RefiError(
            f"{path.name}: its members add up to {total:,} bytes, more than the "
            f"{limits.max_total_bytes:,} casekit reads; nothing was imported"
        )
    if not qde_members:
        raise RefiError(
            f"{path.name}: no project file (.qde) in the archive; is this a REFI-QDA project "
            "export (.qdpx)?"
        )
    if len(qde_members) > 1:
        raise RefiError(
            f"{path.name}: several project files ({', '.join(sorted(qde_members))}); a .qdpx "
            "holds exactly one .qde"
        )
    archive = Archive(
        path=path,
        qde_name=qde_members[0],
        qde=b"",
        members=members,
        ambiguous=ambiguous,
        limits=limits,
    )
    archive.qde = archive.read(qde_members[0])
    return archive
