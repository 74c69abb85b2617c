"""Map the codes of a REFI-QDA file onto the project's codes, creating the ones it lacks.

A code is the project's own when its GUID is one casekit gave it (or remembered from an
earlier import), or when its description starts with ``ID: <casekit id>`` (what casekit
writes). Other codes become new codes: ids are made from their names along the hierarchy
(``C1_PERCEIVED_SUSCEPTIBILITY.OLTAS_KOCKAZATAI``), the name the other tool showed, its colour
and description are remembered, so exporting again gives that tool back the same code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from casekit.codebook.validate import CODE_ID_RE
from casekit.refi.guids import code_guid
from casekit.refi.model import RefiCode, RefiSet, iter_codes
from casekit.refi.tables import Remembered
from casekit.store.codings import CodeRow

__all__ = [
    "FAMILY_SET_RE",
    "CodePlan",
    "family_set_description",
    "parse_casekit_description",
    "plan_codes",
]

# casekit writes each code family as a set with this description (see codebook.export).
FAMILY_SET_RE = re.compile(r"^casekit family '(?P<family>.+)'$")
_FIELD_RE = re.compile(r"^(ID|zh|en|Definition|Include|Exclude): ?(.*)$")
_CJK = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_SLUG_MAX = 24


def family_set_description(family: str) -> str:
    """The description casekit gives the set of a code family."""
    return f"casekit family '{family}'"


@dataclass
class CodePlan:
    """What importing a code tree does to the project's codes."""

    ids: dict[str, str] = field(default_factory=dict)  # code GUID -> casekit code id
    new: list[CodeRow] = field(default_factory=list)  # parents before children
    remembered: list[Remembered] = field(default_factory=list)
    n_matched: int = 0
    sets_not_kept: list[str] = field(default_factory=list)


def parse_casekit_description(text: str) -> dict[str, str] | None:
    """The fields of a description casekit wrote (``ID: ...`` first), or None for others."""
    lines = text.replace("\r\n", "\n").split("\n")
    first = _FIELD_RE.match(lines[0]) if lines else None
    if first is None or first.group(1) != "ID":
        return None
    fields: dict[str, str] = {}
    key = None
    for line in lines:
        match = _FIELD_RE.match(line)
        if match:
            key = match.group(1)
            fields[key] = match.group(2)
        elif key is not None:
            fields[key] += "\n" + line
    return fields


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch)).upper()
    slug = re.sub(r"[^A-Z0-9]+", "_", ascii_only).strip("_")
    return slug[:_SLUG_MAX].rstrip("_")


def _new_id(name: str, parent: str | None, index: int, taken: set[str]) -> str:
    slug = _slug(name) or f"C{index}"
    if parent is None and not slug[0].isalpha():
        slug = "C" + slug
    base = f"{parent}.{slug}" if parent else slug
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}_{n}"
        n += 1
    return candidate


def _names(name: str) -> tuple[str, str]:
    """``(name_zh, name_en)``: a name with Chinese characters is the Chinese name."""
    name = name.strip()
    return (name, "") if _CJK.search(name) else ("", name)


def plan_codes(
    codes: Sequence[RefiCode],
    sets: Sequence[RefiSet],
    existing: Sequence[CodeRow],
    known_guids: dict[str, str],
    *,
    origin: str,
) -> CodePlan:
    """Decide, for every code of a file, which project code it is or which new code it becomes.

    Parameters
    ----------
    codes
        The file's code tree.
    sets
        The file's sets; casekit family sets give new codes their family, other code sets
        give the family of top-level codes they contain.
    existing
        The project's codes.
    known_guids
        GUIDs remembered from earlier imports: ``guid -> code id``.
    origin
        The file's name, recorded with what is remembered.
    """
    plan = CodePlan()
    by_id = {c.id: c for c in existing}
    guids = dict(known_guids)
    for row in existing:
        guids.setdefault(code_guid(row.codebook, row.id), row.id)
    taken = set(by_id)
    family_of: dict[str, str] = {}
    first_set: dict[str, str] = {}
    family_sets: dict[str, str] = {}
    for refi_set in sets:
        match = FAMILY_SET_RE.match(refi_set.description.strip())
        for guid in refi_set.codes:
            if match:
                family_of.setdefault(guid, match.group("family"))
            else:
                first_set.setdefault(guid, refi_set.name)
        if refi_set.codes and not match:
            plan.sets_not_kept.append(refi_set.name)
        if match:
            family_sets.setdefault(match.group("family"), refi_set.guid)
    new_family: dict[str, str] = {}  # GUID -> family of codes created here
    sibling_index: dict[str | None, int] = {}
    for code, parent in iter_codes(list(codes)):
        fields = parse_casekit_description(code.description)
        wanted = (fields or {}).get("ID", "").strip()
        match_id = guids.get(code.guid) or (wanted if wanted in by_id else None)
        if match_id is not None:
            plan.ids[code.guid] = match_id
            plan.n_matched += 1
            continue
        parent_id = plan.ids.get(parent.guid) if parent else None
        sibling_index[parent_id] = sibling_index.get(parent_id, 0) + 1
        if wanted and CODE_ID_RE.match(wanted) and wanted not in taken:
            code_id = wanted
        else:
            code_id = _new_id(code.name, parent_id, sibling_index[parent_id], taken)
        taken.add(code_id)
        plan.ids[code.guid] = code_id
        if fields is not None:
            name_zh, name_en = fields.get("zh", ""), fields.get("en", "")
            if not (name_zh or name_en):
                name_zh, name_en = _names(code.name.removeprefix(wanted).strip() or code.name)
            definition = fields.get("Definition", "")
        else:
            name_zh, name_en = _names(code.name)
            definition = code.description.strip()
        if code.guid in family_of:
            family = family_of[code.guid]
        elif parent is not None and parent.guid in new_family:
            family = new_family[parent.guid]
        elif parent is not None and parent_id in by_id:
            family = by_id[parent_id].family
        else:
            family = first_set.get(code.guid) or code.name.strip() or code_id
        new_family[code.guid] = family
        plan.new.append(
            CodeRow(
                id=code_id,
                parent=parent_id,
                family=family,
                name_zh=name_zh,
                name_en=name_en,
                definition=definition,
                codebook=f"refi:{origin}",
            )
        )
        plan.remembered.append(
            Remembered(
                "code",
                code_id,
                code.guid,
                name=code.name,
                color=code.color,
                description=code.description,
                origin=origin,
            )
        )
    # The GUID of a family set is worth keeping only for families new codes brought in.
    for family in dict.fromkeys(c.family for c in plan.new):
        if family in family_sets:
            plan.remembered.append(Remembered("family", family, family_sets[family], origin=origin))
    return plan
