"""The interactive coding session: a state machine over segments, driven by lines of input.

The session never touches a terminal itself: it takes a ``read_line(prompt) -> str``
callable (raising ``EOFError`` at the end of input) and a ``write(text)`` callable, so the CLI
wires it to the terminal and tests feed it keystrokes. Every action that changes something is
committed (one transaction, one event) before the next prompt, and the position is saved on
every move, so quitting and reopening resumes where the coder stopped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casekit.coding.manual import (
    Change,
    CodeInfo,
    add_coding,
    add_memo,
    check_coder_name,
    default_unit,
    find_codes,
    mark_spans,
    remove_coding_ids,
    require_document,
    undo,
)
from casekit.errors import CasekitError, CodingError
from casekit.store import Store
from casekit.store.codings import NewCoding
from casekit.store.manual import (
    DocumentRow,
    SegmentRow,
    document_segments,
    insert_codings,
    insert_rejections,
    known_coders,
    list_documents,
    load_position,
    rejected_spans,
    save_position,
    segment_codings,
    units_of_document,
)

__all__ = ["CodingSession", "SessionSummary", "Suggestion", "session_scope"]

ReadLine = Callable[[str], str]
Write = Callable[[str], None]

PROMPT = "> "
HEADER_WIDTH = 72  # display columns before "segment i/n (unit)"
CONTEXT_WIDTH = 100  # previous / next segments are clipped to this many columns
MAX_CANDIDATES = 9


def session_scope(document: str | None, unit: str | None) -> str:
    """The key under which a coder's position is saved for these session options."""
    return f"{document or '*'}|{unit or 'default'}"


@dataclass(frozen=True)
class Suggestion:
    """An automatic code on the current segment: its spans (document offsets) and rules."""

    code: CodeInfo
    spans: tuple[tuple[int, int, str | None], ...]  # (start, end, rule)
    quote: str


@dataclass
class SessionSummary:
    """What a session did: events written and where it stopped."""

    coder: str
    n_changes: int = 0
    position: str | None = None
    event_ids: list[int] = field(default_factory=list)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        if used + _width(ch) > width - 1:
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class CodingSession:
    """Walk segments one at a time and code them.

    Parameters
    ----------
    store
        The project store.
    coder
        Whose codings are made and shown.
    codes
        The codes that can be added (from :func:`~casekit.coding.manual.code_infos`).
    codebook_version
        Recorded on each coding.
    document
        Only this document (default: every document, by name).
    unit
        Segment unit (default per document: turns if it has them, else paragraphs).
    only_uncoded
        Start at, and move forward to, segments the coder has not coded; ``p`` and ``g``
        still reach every segment.
    review_auto
        Show automatic codings on the segment as suggestions to accept or reject.
    """

    def __init__(
        self,
        store: Store,
        *,
        coder: str,
        codes: Sequence[CodeInfo],
        codebook_version: str = "",
        document: str | None = None,
        unit: str | None = None,
        only_uncoded: bool = False,
        review_auto: bool = False,
    ) -> None:
        self.store = store
        self.coder = check_coder_name(coder)
        self.codes = list(codes)
        self.by_id = {c.id: c for c in self.codes}
        self.codebook_version = codebook_version
        self.only_uncoded = only_uncoded
        self.review_auto = review_auto
        self.scope = session_scope(document, unit)
        self.documents: dict[int, DocumentRow] = {}
        self.items: list[SegmentRow] = []
        self.place: list[tuple[int, int]] = []  # (index within its document, segments in it)
        docs = [require_document(store, document)] if document else list_documents(store)
        for doc in docs:
            doc_unit = unit or default_unit(units_of_document(store, doc.id))
            segments = document_segments(store, doc.id, doc_unit)
            self.documents[doc.id] = doc
            self.items += segments
            self.place += [(i + 1, len(segments)) for i in range(len(segments))]
        if not self.items:
            what = f"document {document}" if document else "the project"
            how = f"{unit} segments" if unit else "segments"
            raise CodingError(
                f"{what} has no {how} to code; run 'casekit ingest' or choose another --unit"
            )
        self.pos = 0
        self.pending: list[CodeInfo] = []
        self.summary = SessionSummary(self.coder)

    # -- state queries -----------------------------------------------------------------------
    @property
    def segment(self) -> SegmentRow:
        return self.items[self.pos]

    def _mine(self, segment: SegmentRow) -> list[dict[str, Any]]:
        return [
            r
            for r in segment_codings(self.store, segment)
            if r["source"] == "manual" and r["coder"] == self.coder
        ]

    def is_coded(self, index: int) -> bool:
        """Whether the coder has any coding on segment ``index``."""
        return bool(self._mine(self.items[index]))

    def my_codes(self) -> list[tuple[CodeInfo, list[dict[str, Any]]]]:
        """The coder's codes on the current segment, each with its codings, in code order."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in self._mine(self.segment):
            grouped.setdefault(row["code"], []).append(row)
        return [(self._info(code), rows) for code, rows in sorted(grouped.items())]

    def suggestions(self) -> list[Suggestion]:
        """Automatic codes on the current segment not yet coded or rejected by the coder."""
        if not self.review_auto:
            return []
        seg = self.segment
        mine = {code.id for code, _ in self.my_codes()}
        rejected = rejected_spans(self.store, coder=self.coder, document_id=seg.document_id)
        grouped: dict[str, list[tuple[int, int, str | None]]] = {}
        for row in segment_codings(self.store, seg):
            if row["source"] != "auto" or row["code"] in mine:
                continue
            if (row["code"], row["start"], row["end"]) in rejected:
                continue
            span = (row["start"], row["end"], row["rule"])
            if span not in grouped.setdefault(row["code"], []):
                grouped[row["code"]].append(span)
        text = self.documents[seg.document_id].text
        out = []
        for code, spans in sorted(
            grouped.items(), key=lambda kv: (min(s[0] for s in kv[1]), kv[0])
        ):
            first = spans[0]
            quote = text[max(first[0], seg.start) : min(first[1], seg.end)]
            out.append(Suggestion(self._info(code), tuple(spans), quote))
        return out

    def _info(self, code: str) -> CodeInfo:
        return self.by_id.get(code) or CodeInfo(id=code)

    # -- rendering ------------------------------------------------------------------------
    def _line(self, segment: SegmentRow, *, marks: Sequence[tuple[int, int]] = ()) -> str:
        text = mark_spans(segment.text, marks) if marks else segment.text
        speaker = f"{segment.speaker}：" if segment.speaker else ""
        return f"‹{segment.idx}› {speaker}{text}"

    def render(self) -> str:
        """The full view of the current segment: header, context, suggestions, codes, keys."""
        seg = self.segment
        doc = self.documents[seg.document_id]
        index, total = self.place[self.pos]
        attrs = [doc.name, doc.doc_type] + [
            str(doc.attributes[k]) for k in ("department", "level", "role") if doc.attributes.get(k)
        ]
        head = " · ".join(attrs)
        lines = [f"{_pad(head, HEADER_WIDTH)}  segment {index}/{total} ({seg.unit})"]
        if self.pos > 0 and self.items[self.pos - 1].document_id == seg.document_id:
            lines.append("  " + _clip(self._line(self.items[self.pos - 1]), CONTEXT_WIDTH))
        suggestions = self.suggestions()
        marks = [
            (max(s, seg.start) - seg.start, min(e, seg.end) - seg.start)
            for sug in suggestions
            for s, e, _ in sug.spans
        ]
        current = self._line(seg, marks=marks).split("\n")
        lines.append("▶ " + current[0])
        lines += ["      " + rest for rest in current[1:]]
        nxt = self.pos + 1
        if nxt < len(self.items) and self.items[nxt].document_id == seg.document_id:
            lines.append("  " + _clip(self._line(self.items[nxt]), CONTEXT_WIDTH))
        lines.append("")
        lines += self.render_codes(suggestions)
        lines.append(self.keys(bool(suggestions)))
        return "\n".join(lines)

    def render_codes(self, suggestions: list[Suggestion] | None = None) -> list[str]:
        """The "suggested (auto)" and "your codes" lines of the current segment."""
        seg = self.segment
        suggestions = self.suggestions() if suggestions is None else suggestions
        mine = self.my_codes()
        entries = [(s.code, f'"{_clip(s.quote, 40)}"') for s in suggestions]
        own = []
        for code, rows in mine:
            spans = sorted({(r["start"], r["end"]) for r in rows})
            whole = all(s <= seg.start and e >= seg.end for s, e in spans)
            text = self.documents[seg.document_id].text
            quote = "" if whole else f'"{_clip(text[spans[0][0] : spans[0][1]], 40)}"'
            own.append((code, quote))
        id_width = max([len(c.id) for c, _ in entries + own] or [0])
        name_width = max([_width(c.name_zh or c.name_en) for c, _ in entries + own] or [0])

        def block(label: str, items: list[tuple[CodeInfo, str]]) -> list[str]:
            if not items:
                return [f"{label:<19}—"]
            out = []
            for n, (code, quote) in enumerate(items, 1):
                name = _pad(code.name_zh or code.name_en, name_width)
                row = f"{n} {code.id:<{id_width}} {name} {quote}".rstrip()
                out.append(f"{label if n == 1 else '':<19}{row}")
            return out

        lines = block("suggested (auto):", entries) if self.review_auto else []
        return lines + block("your codes:", own)

    def keys(self, with_suggestions: bool) -> str:
        """The one-line key help."""
        parts = ["[1-9] accept  [x1] reject 1"] if with_suggestions else []
        parts += [
            "[a] add code  [d1] drop code 1  [m] memo  [u] undo  [n]/[p] next/prev  [g N] go to  "
            "[?] codes  [q] quit"
        ]
        return "  ".join(parts)

    def render_code_list(self) -> str:
        """Every code, indented by hierarchy level, with both names."""
        depth: dict[str, int] = {}

        def level(code: CodeInfo) -> int:
            if code.id not in depth:
                parent = self.by_id.get(code.parent or "")
                depth[code.id] = 0 if parent is None or parent.id == code.id else level(parent) + 1
            return depth[code.id]

        width = max((len(c.id) + 2 * level(c) for c in self.codes), default=0)
        lines = []
        for code in self.codes:
            names = " · ".join(n for n in (code.name_zh, code.name_en) if n)
            lines.append(f"  {_pad('  ' * level(code) + code.id, width)}  {names}")
        return "\n".join(lines) if lines else "  (no codes)"

    # -- moving ---------------------------------------------------------------------------------
    def _resume(self) -> None:
        key = load_position(self.store, coder=self.coder, scope=self.scope)
        keys = [s.key for s in self.items]
        self.pos = keys.index(key) if key in keys else 0
        if self.only_uncoded and self.is_coded(self.pos):
            found = self._next_uncoded(self.pos)
            if found is None:
                found = self._next_uncoded(-1)
            if found is not None:
                self.pos = found

    def _next_uncoded(self, after: int) -> int | None:
        for i in range(after + 1, len(self.items)):
            if not self.is_coded(i):
                return i
        return None

    def _goto(self, index: int) -> None:
        self.pos = index
        save_position(self.store, coder=self.coder, scope=self.scope, segment=self.segment.key)
        self.summary.position = self.segment.key

    def _forward(self, write: Write) -> bool:
        if self.only_uncoded:
            target = self._next_uncoded(self.pos)
        else:
            target = self.pos + 1 if self.pos + 1 < len(self.items) else None
        if target is None:
            what = "uncoded segment" if self.only_uncoded else "segment"
            write(f"— no further {what}: [p] goes back, [g N] goes to a segment, [q] quits")
            return False
        self._goto(target)
        return True

    # -- actions ----------------------------------------------------------------------------------
    def _saved(self, write: Write, change: Change, mark: str, text: str) -> None:
        if change.event_id is not None:
            self.summary.n_changes += 1
            self.summary.event_ids.append(change.event_id)
        n = len(self.my_codes())
        codes = "code" if n == 1 else "codes"
        write(f"{mark} {text}        saved · {n} {codes} on this segment")
        for line in self.render_codes():
            write(line)

    def add(self, code: CodeInfo, write: Write) -> None:
        """Code the whole current segment with ``code``."""
        change = add_coding(
            self.store,
            self.segment,
            code,
            coder=self.coder,
            codebook_version=self.codebook_version,
        )
        if change.event_id is None:
            write(f"= {code.label()} is already one of your codes here; nothing changed")
            return
        self._saved(write, change, "✓", f"{code.label()} ({self.coder})")

    def accept(self, suggestion: Suggestion, write: Write) -> None:
        """Turn an automatic suggestion into the coder's codings (its spans, clipped)."""
        seg = self.segment
        spans = sorted(
            {(max(s, seg.start), min(e, seg.end), rule) for s, e, rule in suggestion.spans}
        )
        text = self.documents[seg.document_id].text
        summary = f"{self.coder} accepted suggestion {suggestion.code.label()} on {seg.key}"
        with self.store.transaction() as con:
            ids = insert_codings(
                con,
                [
                    NewCoding(seg.id, suggestion.code.id, s, e, rule=rule, matched_text=text[s:e])
                    for s, e, rule in spans
                ],
                coder=self.coder,
                codebook_version=self.codebook_version,
            )
            event_id = Store.log_event(
                con,
                self.coder,
                "coding.add",
                {
                    "summary": summary,
                    "coder": self.coder,
                    "segment": seg.key,
                    "code": suggestion.code.id,
                    "suggested_by": sorted({r for _, _, r in spans if r}),
                    "codebook_version": self.codebook_version,
                    "effect": {"codings": {"added": ids, "removed": []}},
                },
            )
        self._saved(
            write,
            Change(event_id, summary, tuple(ids)),
            "✓",
            f"{suggestion.code.label()} ({self.coder})",
        )

    def reject(self, suggestion: Suggestion, write: Write) -> None:
        """Record that the coder rejects a suggestion, so it is not suggested to them again."""
        seg = self.segment
        summary = f"{self.coder} rejected suggestion {suggestion.code.label()} on {seg.key}"
        with self.store.transaction() as con:
            ids = insert_rejections(
                con,
                coder=self.coder,
                document_id=seg.document_id,
                spans=[(suggestion.code.id, s, e) for s, e, _ in suggestion.spans],
            )
            event_id = Store.log_event(
                con,
                self.coder,
                "suggestion.reject",
                {
                    "summary": summary,
                    "coder": self.coder,
                    "segment": seg.key,
                    "code": suggestion.code.id,
                    "effect": {"rejections": {"added": ids, "removed": []}},
                },
            )
        self._saved(
            write, Change(event_id, summary, tuple(ids)), "✗", f"{suggestion.code.label()} rejected"
        )

    def drop(self, number: int, write: Write) -> None:
        """Remove the coder's code ``number`` (as listed under "your codes")."""
        mine = self.my_codes()
        if not 1 <= number <= len(mine):
            write(f"? you have {len(mine)} codes here; d1 removes the first")
            return
        code, rows = mine[number - 1]
        summary = f"{self.coder} removed {code.label()} from {self.segment.key}"
        change = remove_coding_ids(
            self.store, [r["id"] for r in rows], coder=self.coder, summary=summary
        )
        self._saved(write, change, "−", f"{code.label()} removed")

    def memo(self, text: str, write: Write) -> None:
        change = add_memo(self.store, text, author=self.coder, segment=self.segment.key)
        self.summary.n_changes += 1
        if change.event_id is not None:
            self.summary.event_ids.append(change.event_id)
        write(f"✓ memo {change.ids[0]} on {self.segment.key}        saved")

    def undo(self, write: Write) -> None:
        if self.coder not in known_coders(self.store):
            # A coder new to the project is not "unknown" here: they just have nothing yet.
            write(f"! nothing to undo: no change by {self.coder} is in effect")
            return
        change = undo(self.store, coder=self.coder)
        if change.event_id is not None:
            self.summary.n_changes += 1
            self.summary.event_ids.append(change.event_id)
        write(f"↶ {change.summary}")
        for line in self.render_codes():
            write(line)

    def add_by_text(self, text: str, write: Write) -> None:
        found = find_codes(self.codes, text, fuzzy=True)
        if not found:
            write(f"? no code matches '{text}'; [?] lists the codes")
            return
        if len(found) == 1:
            self.add(found[0], write)
            return
        self.pending = found[:MAX_CANDIDATES]
        cells = [f"{n} {c.label()}" for n, c in enumerate(self.pending, 1)]
        line = "  " + "   ".join(cells)
        if _width(line) <= CONTEXT_WIDTH:
            write(line)
        else:
            for cell in cells:
                write("  " + cell)

    # -- the loop -----------------------------------------------------------------------------------
    def handle(self, line: str, write: Write) -> bool:
        """Act on one line of input; return False when the session should end."""
        command = line.strip()
        pending, self.pending = self.pending, []
        if command.isdigit() and pending:
            n = int(command)
            if 1 <= n <= len(pending):
                self.add(pending[n - 1], write)
            else:
                write(f"? pick 1-{len(pending)}")
                self.pending = pending
            return True
        head, _, rest = command.partition(" ")
        rest = rest.strip()
        if command in ("", "n"):
            if self._forward(write):
                write(self.render())
        elif command == "p":
            if self.pos == 0:
                write("— this is the first segment")
            else:
                self._goto(self.pos - 1)
                write(self.render())
        elif command == "q":
            return False
        elif command == "?":
            write(self.render_code_list())
        elif command == "u":
            self.undo(write)
        elif command.isdigit():
            suggestions = self.suggestions()
            n = int(command)
            if 1 <= n <= len(suggestions):
                self.accept(suggestions[n - 1], write)
            else:
                write(f"? no suggestion {n}" + (f" (1-{len(suggestions)})" if suggestions else ""))
        elif head in ("x", "d", "g") or (command[:1] in "xdg" and command[1:].isdigit()):
            arg = rest if head in ("x", "d", "g") else command[1:]
            self._numbered(command[0], arg, write)
        elif head == "a":
            if rest:
                self.add_by_text(rest, write)
            else:
                write("? a needs a code: an id, a prefix or part of a name, e.g. a 证明")
        elif head == "m":
            if rest:
                self.memo(rest, write)
            else:
                write("? m needs the memo text, e.g. m 受访者对平台不满")
        else:
            write(f"? unknown command '{command}'")
            write(self.keys(bool(self.suggestions())))
        return True

    def _numbered(self, key: str, arg: str, write: Write) -> None:
        if key == "g" and "/" in arg:
            keys = [s.key for s in self.items]
            if arg not in keys:
                write(f"? segment {arg} is not in this session")
                return
            self._goto(keys.index(arg))
            write(self.render())
            return
        if not arg.isdigit():
            write(f"? '{key}' needs a number, e.g. {key}1")
            return
        n = int(arg)
        if key == "x":
            suggestions = self.suggestions()
            if 1 <= n <= len(suggestions):
                self.reject(suggestions[n - 1], write)
            else:
                write(f"? no suggestion {n}")
        elif key == "d":
            self.drop(n, write)
        else:
            _, total = self.place[self.pos]
            index, _ = self.place[self.pos]
            if not 1 <= n <= total:
                write(f"? this document has segments 1-{total}")
                return
            self._goto(self.pos - index + n)
            write(self.render())

    def run(self, read_line: ReadLine, write: Write) -> SessionSummary:
        """Show segments and act on input until ``q`` or the end of input."""
        self._resume()
        self._goto(self.pos)
        if self.only_uncoded and self.is_coded(self.pos):
            write(f"all {len(self.items)} segments are coded by {self.coder}; nothing to do")
            return self.summary
        write(self.render())
        while True:
            try:
                line = read_line(PROMPT)
            except EOFError:
                break
            try:
                if not self.handle(line, write):
                    break
            except CasekitError as exc:
                # A refused action (nothing to undo, a conflict) must not end the session.
                write(f"! {exc}")
        write(
            f"session saved: {self.summary.n_changes} "
            f"change{'' if self.summary.n_changes == 1 else 's'} by {self.coder}; "
            f"stopped at {self.segment.key}"
        )
        return self.summary
