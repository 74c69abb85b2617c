"""Import a REFI-QDA codebook (``.qdc``) into the project's codes.

Codes the project already has (same GUID, or casekit's ``ID:`` line in the description) are
matched, not duplicated; the others are added with their hierarchy, and their name, colour
and description as the other tool wrote them are remembered for later exports. The codebook
namespace is normalised (some tools write ``urn:QDA-XML:codebook:0:4`` or ``...:1:0``), and
set members are read from ``@guid`` or ``@targetGUID``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.refi.archive import DEFAULT_LIMITS, ArchiveLimits
from casekit.refi.codes import plan_codes
from casekit.refi.errors import RefiError
from casekit.refi.reader import read_codebook
from casekit.refi.tables import code_rows, guid_keys, remember
from casekit.refi.xmlsafe import parse_xml
from casekit.store import Store
from casekit.store.codings import insert_code

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = ["CodebookImportReport", "import_qdc"]

ACTOR = "import"


@dataclass
class CodebookImportReport:
    """What a codebook import did."""

    path: str
    n_codes: int = 0
    n_added: int = 0
    n_matched: int = 0
    added: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    event_id: int | None = None

    def summary(self) -> str:
        if not self.n_added:
            return (
                f"nothing new in {self.path}: all {self.n_codes:,} codes are already in the project"
            )
        return (
            f"imported {self.n_added:,} new code{'s' if self.n_added != 1 else ''} from "
            f"{self.path} ({self.n_matched:,} matched the project's codes)"
        )

    def lines(self) -> list[str]:
        return [self.summary(), *(f"  note: {n}" for n in self.notices)]


def import_qdc(
    project: Project, path: str | Path, *, limits: ArchiveLimits = DEFAULT_LIMITS
) -> CodebookImportReport:
    """Add the codes of a ``.qdc`` file to the project's codes: all of them or none.

    Parameters
    ----------
    project
        The open project.
    path
        The codebook file.
    limits
        ``max_member_bytes`` caps the file size.

    Raises
    ------
    RefiError
        Unreadable, too large, a DTD, not a ``<CodeBook>``, malformed, duplicate or dangling
        GUIDs (every problem listed); nothing was changed.
    """
    path = Path(path)
    if not path.is_file():
        raise RefiError(f"{path}: no such file")
    if path.stat().st_size > limits.max_member_bytes:
        raise RefiError(
            f"{path}: larger than {limits.max_member_bytes:,} bytes; not a codebook casekit reads"
        )
    data = path.read_bytes()
    codes, sets, notices = read_codebook(parse_xml(data, path.name), path.name)
    store = project.store
    plan = plan_codes(codes, sets, code_rows(store), guid_keys(store, "code"), origin=path.name)
    report = CodebookImportReport(
        str(path),
        n_codes=len(plan.ids),
        n_added=len(plan.new),
        n_matched=plan.n_matched,
        added=[c.id for c in plan.new],
        notices=list(notices),
    )
    if plan.sets_not_kept:
        report.notices.append(
            "code sets not kept (casekit groups codes by hierarchy and family): "
            + ", ".join(plan.sets_not_kept)
        )
    with store.transaction() as con:
        for code in plan.new:
            insert_code(con, code)
        remember(con, plan.remembered)
        if plan.new:
            report.event_id = Store.log_event(
                con,
                ACTOR,
                "refi.import_codebook",
                {
                    "summary": report.summary(),
                    "file": path.name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "codes_added": report.added,
                },
            )
    return report
