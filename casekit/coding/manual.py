"""Manual coding by named coders: codes by id, prefix or name; add, remove, list, show; memos; undo."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from casekit.errors import CodingError
from casekit.store import Store
from casekit.store.codings import AUTO_CODER, CodeRow, NewCoding, sync_codes
from casekit.store.manual import (
    UNDO_ACTION,
    DocumentRow,
    EventRow,
    SegmentRow,
    apply_effect,
    coding_rows,
    coding_states,
    effect_conflicts,
    effective_events,
    find_codings,
    get_document,
    get_event,
    get_memo,
    get_segment,
    insert_codings,
    insert_memo,
    invert_effect,
    known_coders,
    list_codes,
    list_events,
    list_memos,
    segment_codings,
)

if TYPE_CHECKING:
    from casekit.codebook.model import Codebook
    from casekit.project import Project

__all__ = [
    "MEMO_TARGETS",
    "Change",
    "CodeInfo",
    "SegmentView",
    "add_coding",
    "add_memo",
    "check_coder_name",
    "code_infos",
    "codebook_code_rows",
    "default_unit",
    "descendants",
    "ensure_codes",
    "find_codes",
    "history",
    "list_codings",
    "mark_spans",
    "memos",
    "parse_span",
    "redo",
    "remove_coding_ids",
    "remove_codings",
    "remove_memo",
    "require_coder",
    "require_document",
    "require_segment",
    "resolve_code",
    "segment_view",
    "show_memo",
    "sync_codebook",
    "undo",
]

MEMO_TARGETS = ("project", "document", "code", "segment")
# Actor of the events that record which codebook the ``codes`` table was synced from.
CODEBOOK_ACTOR = "codebook"
SYNC_ACTION = "codebook.synced"


@dataclass(frozen=True)
class CodeInfo:
    """A code of the project as coders refer to it."""

    id: str
    name_zh: str = ""
    name_en: str = ""
    family: str = ""
    parent: str | None = None
    definition: str = ""

    def label(self) -> str:
        """``ID 中文名`` (or the English name when there is no Chinese one)."""
        name = self.name_zh or self.name_en
        return f"{self.id} {name}" if name else self.id


@dataclass(frozen=True)
class Change:
    """What a command changed: the event that records it (None when nothing changed)."""

    event_id: int | None
    summary: str
    ids: tuple[int, ...] = ()


@dataclass
class SegmentView:
    """A segment with everything coded on it and the memos attached to it."""

    segment: SegmentRow
    document: DocumentRow
    codings: list[dict[str, Any]] = field(default_factory=list)
    memos: list[dict[str, Any]] = field(default_factory=list)


# -- the codes table -------------------------------------------------------------------------
def codebook_code_rows(codebook: Codebook) -> list[CodeRow]:
    """The codebook's codes as rows of the store's ``codes`` table."""
    return [
        CodeRow(
            id=c.id,
            parent=c.parent,
            family=c.family,
            name_zh=c.names.get("zh", ""),
            name_en=c.names.get("en", ""),
            definition=c.definition,
            codebook=codebook.id,
        )
        for c in codebook
    ]


def sync_codebook(project: Project, codebook: Codebook) -> str:
    """Make the ``codes`` table match ``codebook`` and log the sync; returns its version."""
    counts = sync_codes(project.store, codebook_code_rows(codebook))
    with project.store.transaction() as con:
        Store.log_event(
            con,
            CODEBOOK_ACTOR,
            SYNC_ACTION,
            {
                "codebook": codebook.id,
                "codebook_version": codebook.content_hash,
                "path": project.relative(Path(codebook.path)) if codebook.path else "",
                **counts,
            },
        )
    return codebook.content_hash


def ensure_codes(project: Project) -> str:
    """Make sure the store's ``codes`` table holds the project codebook; return its version.

    The codebook (``[codebook] file`` of ``casekit.toml``) is loaded and synced into the
    table when the table is empty or the codebook changed since the last sync; each sync is
    an event whose payload holds the codebook's content hash. Without a codebook file the
    codes already in the table are used (version ``""``).

    Raises
    ------
    CodingError
        No codebook file and no codes in the store.
    CodebookError
        The codebook file is invalid.
    """
    from casekit.codebook.loader import load_codebook

    store = project.store
    path = project.codebook_path
    have_codes = bool(list_codes(store))
    last = list_events(store, action=SYNC_ACTION, limit=1)
    last_version = str(last[0].payload.get("codebook_version", "")) if last else ""
    if not path.is_file():
        if have_codes:
            return last_version
        raise CodingError(
            f"no codes to code with: the codebook {path} does not exist; set [codebook] file in "
            "casekit.toml to your codebook YAML"
        )
    codebook = load_codebook(path)
    version = codebook.content_hash
    if have_codes and version == last_version:
        return version
    return sync_codebook(project, codebook)


def code_infos(store: Store) -> list[CodeInfo]:
    """The project's codes, sorted by id."""
    return [
        CodeInfo(
            id=r["id"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            family=r["family"],
            parent=r["parent"],
            definition=r["definition"],
        )
        for r in list_codes(store)
    ]


def default_unit(units: set[str]) -> str:
    """The unit a document is coded in by default: turns when it has them, else paragraphs."""
    return "turn" if "turn" in units else "paragraph"


def descendants(codes: Sequence[CodeInfo], code_id: str) -> list[str]:
    """``code_id`` and every code below it in the hierarchy, sorted."""
    children: dict[str, list[str]] = {}
    for c in codes:
        if c.parent:
            children.setdefault(c.parent, []).append(c.id)
    out, todo = {code_id}, [code_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return sorted(out)


# -- resolving what a coder typed --------------------------------------------------------------
def find_codes(codes: Sequence[CodeInfo], text: str, *, fuzzy: bool = False) -> list[CodeInfo]:
    """Codes that ``text`` may refer to, best first.

    Tried in order, the first step with a match wins: the exact id; the exact Chinese or
    English name; an id prefix (``DIL.TECH`` or the start of the last part, ``DATA_Q``); a
    name containing ``text``. With ``fuzzy`` (the interactive session) a unique id / name /
    prefix match still wins, but otherwise name and definition substrings and close
    spellings (:mod:`difflib`) are pooled, at most nine.
    """
    query = text.strip()
    if not query:
        return []
    q = query.casefold()
    exact_id = [c for c in codes if c.id.casefold() == q]
    if exact_id:
        return exact_id
    exact_name = [c for c in codes if q in (c.name_zh.casefold(), c.name_en.casefold())]
    if exact_name and (len(exact_name) == 1 or not fuzzy):
        return exact_name
    prefix = [
        c
        for c in codes
        if c.id.casefold().startswith(q) or c.id.casefold().rsplit(".", 1)[-1].startswith(q)
    ]
    if len(prefix) == 1 or (prefix and not fuzzy):
        return prefix
    in_name = [c for c in codes if q in c.name_zh.casefold() or q in c.name_en.casefold()]
    if not fuzzy:
        return in_name
    pool: list[CodeInfo] = [*exact_name, *prefix, *in_name]
    pool += [c for c in codes if q in c.definition.casefold()]
    keys: dict[str, list[CodeInfo]] = {}
    for c in codes:
        for key in (c.id, c.name_zh, c.name_en):
            if key:
                keys.setdefault(key.casefold(), []).append(c)
    for key in difflib.get_close_matches(q, list(keys), n=9, cutoff=0.5):
        pool += keys[key]
    return list(dict.fromkeys(pool))[:9]


def resolve_code(codes: Sequence[CodeInfo], text: str) -> CodeInfo:
    """The one code ``text`` names (id, unambiguous prefix, or a name in either language).

    Raises
    ------
    CodingError
        No code matches (with close spellings as hints), or several do (listing them).
    """
    found = find_codes(codes, text)
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(c.label() for c in found[:12])
        more = f" and {len(found) - 12} more" if len(found) > 12 else ""
        raise CodingError(
            f"code '{text}' is ambiguous: it matches {listed}{more}; give more of the id"
        )
    hints = find_codes(codes, text, fuzzy=True)
    hint = f"; did you mean {', '.join(c.label() for c in hints[:5])}?" if hints else ""
    raise CodingError(
        f"unknown code '{text}'{hint} ('casekit codebook show' lists the codes)"
        if codes
        else f"unknown code '{text}': the project has no codes yet; check [codebook] file "
        "in casekit.toml"
    )


def check_coder_name(name: str) -> str:
    """A valid coder name (stripped); ``rules`` is reserved for automatic coding."""
    name = name.strip()
    if not name:
        raise CodingError("a coder name is required: pass --coder NAME")
    if name == AUTO_CODER:
        raise CodingError(
            f"'{AUTO_CODER}' is the name of the automatic coder; choose another coder name"
        )
    if any(ch in name for ch in ",\n\t"):
        raise CodingError(f"coder name {name!r} may not contain commas, tabs or newlines")
    if any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or 0x202A <= ord(ch) <= 0x202E for ch in name):
        # Terminal escapes or direction overrides would disguise the name wherever it is shown.
        raise CodingError(f"coder name {name!r} may not contain control characters")
    return name


def require_coder(store: Store, name: str) -> str:
    """``name`` if that coder has coded or written memos in this project.

    Raises
    ------
    CodingError
        Naming the known coders.
    """
    known = known_coders(store)
    if name in known:
        return name
    listed = ", ".join(known) if known else "none yet"
    raise CodingError(f"unknown coder '{name}'; coders in this project: {listed}")


def require_document(store: Store, name: str) -> DocumentRow:
    """The document called ``name``, or a CodingError pointing to ``casekit docs list``."""
    doc = get_document(store, name)
    if doc is None:
        raise CodingError(f"no document named '{name}'; see 'casekit docs list'")
    return doc


def require_segment(store: Store, key: str) -> SegmentRow:
    """The segment with this key, or a CodingError saying how segment keys look."""
    segment = get_segment(store, key)
    if segment is not None:
        return segment
    document = key.rsplit("/", 1)[0] if "/" in key else None
    if document and get_document(store, document) is not None:
        raise CodingError(
            f"no segment '{key}' in {document}; 'casekit segments {document}' lists its segments"
        )
    raise CodingError(
        f"no segment '{key}': segment keys look like DOCUMENT/t3 (turn), /p2 (paragraph), "
        "/s5 (sentence), /a1 (article); see 'casekit segments DOCUMENT'"
    )


_SPAN = re.compile(r"^\s*(-?\d*)\s*:\s*(-?\d*)\s*$")


def parse_span(text: str, length: int) -> tuple[int, int]:
    """``START:END`` (either side may be empty) as offsets into a text of ``length`` characters.

    Raises
    ------
    CodingError
        Not of that form, or not ``0 <= START < END <= length``.
    """
    match = _SPAN.match(text)
    if not match:
        raise CodingError(f"span '{text}' must look like START:END, e.g. 3:10")
    start = int(match[1]) if match[1] else 0
    end = int(match[2]) if match[2] else length
    if not 0 <= start < end <= length:
        raise CodingError(
            f"span {start}:{end} is outside the segment: its text has {length} characters, "
            f"so use START:END with 0 <= START < END <= {length}"
        )
    return start, end


# -- codings ------------------------------------------------------------------------------------
def _span_label(segment: SegmentRow, start: int, end: int) -> str:
    if (start, end) == (segment.start, segment.end):
        return "whole segment"
    return f"{start - segment.start}:{end - segment.start}"


def add_coding(
    store: Store,
    segment: str | SegmentRow,
    code: str | CodeInfo,
    *,
    coder: str,
    span: tuple[int, int] | None = None,
    memo: str | None = None,
    codebook_version: str = "",
) -> Change:
    """Code a segment (or a span of it) for ``coder``; one transaction, one event.

    Parameters
    ----------
    segment
        Segment key (``gz-prov-01/t14``) or row.
    code
        Code id, unambiguous prefix or name, or a resolved :class:`CodeInfo`.
    span
        ``(start, end)`` relative to the segment text; None codes the whole segment.
    codebook_version
        Recorded on the coding (from :func:`ensure_codes`).

    Returns
    -------
    Change
        ``event_id`` None when the coder already had this exact coding (nothing added).
    """
    coder = check_coder_name(coder)
    seg = require_segment(store, segment) if isinstance(segment, str) else segment
    info = code if isinstance(code, CodeInfo) else resolve_code(code_infos(store), code)
    rel = span if span is not None else (0, len(seg.text))
    if not 0 <= rel[0] < rel[1] <= len(seg.text):
        parse_span(f"{rel[0]}:{rel[1]}", len(seg.text))  # raises with the explanation
    start, end = seg.start + rel[0], seg.start + rel[1]
    where = _span_label(seg, start, end)
    with store.transaction() as con:
        existing = find_codings(
            store, segment_id=seg.id, code=info.id, coder=coder, start=start, end=end
        )
        if existing:
            return Change(
                None,
                f"{coder} already coded {seg.key} ({where}) with {info.label()}; nothing changed",
                (existing[0]["id"],),
            )
        ids = insert_codings(
            con,
            [
                NewCoding(
                    seg.id, info.id, start, end, matched_text=seg.text[rel[0] : rel[1]], memo=memo
                )
            ],
            coder=coder,
            codebook_version=codebook_version,
        )
        summary = f"{coder} coded {seg.key} ({where}) with {info.label()}"
        event_id = Store.log_event(
            con,
            coder,
            "coding.add",
            {
                "summary": summary,
                "coder": coder,
                "segment": seg.key,
                "code": info.id,
                "start": start,
                "end": end,
                "codebook_version": codebook_version,
                "effect": {"codings": {"added": ids, "removed": []}},
            },
        )
    return Change(event_id, summary, tuple(ids))


def remove_codings(
    store: Store,
    segment: str | SegmentRow,
    code: str | CodeInfo,
    *,
    coder: str,
    span: tuple[int, int] | None = None,
) -> Change:
    """Soft-delete ``coder``'s codings of ``code`` on a segment (at one span when given).

    A coder can only remove their own codings; one transaction, one event.

    Raises
    ------
    CodingError
        Unknown coder, segment or code, or the coder has no such coding.
    """
    coder = check_coder_name(coder)
    require_coder(store, coder)
    seg = require_segment(store, segment) if isinstance(segment, str) else segment
    info = code if isinstance(code, CodeInfo) else resolve_code(code_infos(store), code)
    start = end = None
    if span is not None:
        if not 0 <= span[0] < span[1] <= len(seg.text):
            parse_span(f"{span[0]}:{span[1]}", len(seg.text))
        start, end = seg.start + span[0], seg.start + span[1]
    with store.transaction() as con:
        mine = find_codings(
            store, segment_id=seg.id, code=info.id, coder=coder, start=start, end=end
        )
        if not mine:
            others = sorted(
                {r["coder"] for r in find_codings(store, segment_id=seg.id, code=info.id)}
            )
            where = "" if span is None else f" at {span[0]}:{span[1]}"
            note = (
                f" (coded by {', '.join(others)}: a coder can only remove their own codings)"
                if others and others != [coder]
                else ""
            )
            raise CodingError(f"{coder} has no coding {info.id} on {seg.key}{where}{note}")
        n = f"{len(mine)} codings" if len(mine) > 1 else "coding"
        summary = f"{coder} removed {n} {info.label()} from {seg.key}"
        return _remove(con, [r["id"] for r in mine], coder=coder, summary=summary, segment=seg.key)


def remove_coding_ids(store: Store, ids: Sequence[int], *, coder: str, summary: str) -> Change:
    """Soft-delete codings by id; each must be a standing manual coding of ``coder``.

    Raises
    ------
    CodingError
        An id is not a standing manual coding, or belongs to another coder.
    """
    coder = check_coder_name(coder)
    if not ids:
        raise CodingError("no codings to remove")
    with store.transaction() as con:
        rows = coding_states(con, ids)
        for coding_id in ids:
            row = rows.get(coding_id)
            if row is None or row["deleted_at"] is not None or row["source"] != "manual":
                raise CodingError(f"no standing manual coding {coding_id}")
            if row["coder"] != coder:
                raise CodingError(
                    f"coding {coding_id} belongs to {row['coder']}: a coder can only remove "
                    "their own codings"
                )
        return _remove(con, list(ids), coder=coder, summary=summary)


def _remove(
    con: Any, ids: list[int], *, coder: str, summary: str, segment: str | None = None
) -> Change:
    effect = {"codings": {"added": [], "removed": ids}}
    apply_effect(con, effect)
    payload: dict[str, Any] = {"summary": summary, "coder": coder, "effect": effect}
    if segment is not None:
        payload["segment"] = segment
    event_id = Store.log_event(con, coder, "coding.remove", payload)
    return Change(event_id, summary, tuple(ids))


def list_codings(
    store: Store,
    *,
    document: str | None = None,
    code: str | None = None,
    coder: str | None = None,
    source: Literal["manual", "auto"] | None = None,
) -> list[dict[str, Any]]:
    """Standing codings, filtered; ``code`` includes the codes below it in the hierarchy.

    Returns
    -------
    list of dict
        Keys ``id, segment, unit, document, code, name_zh, name_en, coder, source, rule,
        start, end, span, text, memo, created_at`` where ``start``/``end`` are document
        offsets and ``span`` is ``START:END`` relative to the segment; sorted by document,
        start, code, coder.

    Raises
    ------
    CodingError
        Unknown document, code or coder.
    """
    if document is not None:
        require_document(store, document)
    codes = None
    if code is not None:
        infos = code_infos(store)
        codes = descendants(infos, resolve_code(infos, code).id)
    if coder is not None and coder != AUTO_CODER:
        require_coder(store, coder)
    rows = coding_rows(
        store,
        document=document,
        codes=codes,
        coders=None if coder is None else [coder],
        source=source,
    )
    for r in rows:
        r["span"] = f"{r['start'] - r['seg_start']}:{r['end'] - r['seg_start']}"
    return rows


def segment_view(store: Store, key: str) -> SegmentView:
    """A segment, the standing codings overlapping it (any coder, any unit) and its memos.

    Each coding dict gets ``rel_start``/``rel_end``: its span clipped to the segment,
    relative to the segment text.
    """
    seg = require_segment(store, key)
    doc = require_document(store, seg.document)
    codings = segment_codings(store, seg)
    for r in codings:
        r["rel_start"] = max(r["start"], seg.start) - seg.start
        r["rel_end"] = min(r["end"], seg.end) - seg.start
    memo_rows = list_memos(store, target_type="segment", targets=[seg.key])
    return SegmentView(seg, doc, codings, memo_rows)


def mark_spans(
    text: str, spans: Sequence[tuple[int, int]], *, left: str = "[", right: str = "]"
) -> str:
    """``text`` with each ``(start, end)`` span bracketed; spans covering all of it are skipped.

    Nested spans nest their brackets; at one position closing brackets come first.
    """
    marks: list[tuple[int, int, int]] = []  # (position, 0 close / 1 open, -length for opens)
    for start, end in sorted(set(spans)):
        if (start, end) == (0, len(text)) or not 0 <= start < end <= len(text):
            continue
        marks.append((start, 1, -(end - start)))
        marks.append((end, 0, 0))
    marks.sort()
    out, pos = [], 0
    for at, kind, _ in marks:
        out.append(text[pos:at])
        out.append(left if kind else right)
        pos = at
    out.append(text[pos:])
    return "".join(out)


# -- memos --------------------------------------------------------------------------------------
def _memo_target(
    store: Store, *, document: str | None, code: str | None, segment: str | None
) -> tuple[str, str]:
    given = [(t, v) for t, v in (("document", document), ("code", code), ("segment", segment)) if v]
    if len(given) > 1:
        raise CodingError("a memo is on one thing: give only one of --doc, --code, --segment")
    if not given:
        return "project", ""
    target_type, value = given[0]
    if target_type == "document":
        return target_type, require_document(store, value).name
    if target_type == "segment":
        return target_type, require_segment(store, value).key
    return target_type, resolve_code(code_infos(store), value).id


def add_memo(
    store: Store,
    text: str,
    *,
    author: str,
    document: str | None = None,
    code: str | None = None,
    segment: str | None = None,
) -> Change:
    """Write a memo on the project (no target), a document, a code or a segment; one event."""
    author = check_coder_name(author)
    if not text.strip():
        raise CodingError("the memo is empty; write its text in quotes")
    target_type, target = _memo_target(store, document=document, code=code, segment=segment)
    with store.transaction() as con:
        memo_id = insert_memo(
            con, target_type=target_type, target=target, author=author, text=text.strip()
        )
        on = "the project" if target_type == "project" else f"{target_type} {target}"
        summary = f"{author} wrote memo {memo_id} on {on}"
        event_id = Store.log_event(
            con,
            author,
            "memo.add",
            {
                "summary": summary,
                "memo": memo_id,
                "target_type": target_type,
                "target": target,
                "effect": {"memos": {"added": [memo_id], "removed": []}},
            },
        )
    return Change(event_id, summary, (memo_id,))


def remove_memo(store: Store, memo_id: int, *, author: str) -> Change:
    """Soft-delete one of ``author``'s memos; one event."""
    author = check_coder_name(author)
    memo = get_memo(store, memo_id)
    if memo is None or memo["deleted_at"] is not None:
        raise CodingError(f"no memo {memo_id}; 'casekit memo list' shows the memos")
    if memo["author"] != author:
        raise CodingError(
            f"memo {memo_id} was written by {memo['author']}: a coder can only remove their own memos"
        )
    with store.transaction() as con:
        effect = {"memos": {"added": [], "removed": [memo_id]}}
        apply_effect(con, effect)
        summary = f"{author} removed memo {memo_id}"
        event_id = Store.log_event(
            con, author, "memo.remove", {"summary": summary, "memo": memo_id, "effect": effect}
        )
    return Change(event_id, summary, (memo_id,))


def memos(
    store: Store,
    *,
    document: str | None = None,
    code: str | None = None,
    segment: str | None = None,
    author: str | None = None,
) -> list[dict[str, Any]]:
    """Standing memos, filtered. ``document`` includes memos on its segments; ``code`` on codes below.

    Keys: ``id, target_type, target, author, text, created_at``; sorted by creation.
    """
    if author is not None:
        require_coder(store, author)
    rows = list_memos(store, author=author)
    if document is not None:
        doc = require_document(store, document).name
        rows = [
            r
            for r in rows
            if (r["target_type"] == "document" and r["target"] == doc)
            or (r["target_type"] == "segment" and r["target"].rsplit("/", 1)[0] == doc)
        ]
    if code is not None:
        infos = code_infos(store)
        wanted = set(descendants(infos, resolve_code(infos, code).id))
        rows = [r for r in rows if r["target_type"] == "code" and r["target"] in wanted]
    if segment is not None:
        key = require_segment(store, segment).key
        rows = [r for r in rows if r["target_type"] == "segment" and r["target"] == key]
    return rows


def show_memo(store: Store, memo_id: int) -> dict[str, Any]:
    """One standing memo."""
    memo = get_memo(store, memo_id)
    if memo is None or memo["deleted_at"] is not None:
        raise CodingError(f"no memo {memo_id}; 'casekit memo list' shows the memos")
    return {k: v for k, v in memo.items() if k != "deleted_at"}


# -- history and undo -----------------------------------------------------------------------------------------
def history(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events newest first with their state.

    Keys: ``id, at, actor, action, summary, state, payload``; ``state`` is ``"in effect"``
    or ``"undone"`` for changes that can be undone, ``""`` for other events (ingest runs,
    codebook syncs). ``action`` matches a prefix (``coding`` finds ``coding.add``).

    Raises
    ------
    CodingError
        ``actor`` has no events and is not a known coder.
    """
    events = list_events(store, actor=actor, action=action, limit=limit)
    if actor is not None and not events and actor not in known_coders(store):
        require_coder(store, actor)
    _, in_effect = effective_events(store.con)
    out = []
    for e in events:
        summary = e.payload.get("summary")
        if not summary:
            summary = ", ".join(
                f"{k}={v}" for k, v in sorted(e.payload.items()) if not isinstance(v, dict | list)
            )
        state = ""
        if e.id in in_effect:
            state = "in effect" if in_effect[e.id] else "undone"
        out.append(
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "summary": summary,
                "state": state,
                "payload": e.payload,
            }
        )
    return out


def _revert(store: Store, pick: Any) -> Change:
    """Revert the event ``pick(events, in_effect)`` chooses, in one transaction."""
    with store.transaction() as con:
        events, in_effect = effective_events(con)
        target: EventRow = pick(con, events, in_effect)
        inverse = invert_effect(target.effect or {})
        problems = effect_conflicts(con, inverse)
        if problems:
            raise CodingError(
                f"event {target.id} ({target.action}) cannot be undone: "
                + "; ".join(problems)
                + ": a later change touched it; undo that first (see 'casekit history')"
            )
        apply_effect(con, inverse)
        what = target.payload.get("summary") or target.action
        verb = "redo" if target.action == UNDO_ACTION else "undo"
        summary = f"{verb} event {target.id}: {what}"
        event_id = Store.log_event(
            con,
            target.actor,
            UNDO_ACTION,
            {"summary": summary, "undoes": target.id, "effect": inverse},
        )
    ids = tuple(
        i for change in inverse.values() for key in ("added", "removed") for i in change[key]
    )
    return Change(event_id, summary, ids)


def undo(store: Store, *, coder: str | None = None, event_id: int | None = None) -> Change:
    """Revert the latest change still in effect (of ``coder``), or the event ``event_id``.

    Without ``event_id`` undo events themselves are passed over, so repeated undos walk back
    one change at a time. Undoing an undo event (by its id, or with :func:`redo`) re-applies
    the change it reverted. Every undo is itself an event.

    Raises
    ------
    CodingError
        Unknown coder; nothing to undo; the event is not a change or is no longer in effect;
        a later change touched the same rows.
    """
    if coder is not None:
        require_coder(store, coder)

    def pick(con: Any, events: list[EventRow], in_effect: dict[int, bool]) -> EventRow:
        if event_id is not None:
            event = get_event(con, event_id)
            if event is None:
                raise CodingError(f"no event {event_id}; 'casekit history' lists the events")
            if event.effect is None:
                raise CodingError(
                    f"event {event_id} ({event.action}) is not a change that can be undone"
                )
            if not in_effect.get(event_id, False):
                raise CodingError(f"event {event_id} is already undone")
            return event
        for event in reversed(events):
            if event.action == UNDO_ACTION or not in_effect[event.id]:
                continue
            if coder is None or event.actor == coder:
                return event
        who = f" by {coder}" if coder else ""
        raise CodingError(f"nothing to undo: no change{who} is in effect")

    return _revert(store, pick)


def redo(store: Store, *, coder: str | None = None) -> Change:
    """Undo the latest undo still in effect (of ``coder``): its change is made again."""
    if coder is not None:
        require_coder(store, coder)

    def pick(con: Any, events: list[EventRow], in_effect: dict[int, bool]) -> EventRow:
        actions = {e.id: e.action for e in events}
        for event in reversed(events):
            if event.action != UNDO_ACTION or not in_effect[event.id]:
                continue
            # A redo is an undo of an undo; redoing it again would undo the change.
            if actions.get(int(event.payload.get("undoes", 0))) == UNDO_ACTION:
                continue
            if coder is None or event.actor == coder:
                return event
        raise CodingError("nothing to redo: no undo is in effect")

    return _revert(store, pick)
