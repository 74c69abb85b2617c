"""Reconcile two coders: copy what they agree on to a consensus coder and decide the rest.

Coders are compared per segment of a unit and per code (presence: did the coder put the
code anywhere on the segment). Codes both coders gave are copied to the consensus coder
(the first coder's spans); for the codes only one of them gave, a person decides: keep the
first coder's, the second's, both, neither, or a custom choice. Every copy and decision is
an event of the consensus coder, so each can be undone, and a decided segment is not asked
again unless its decision is undone.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from casekit.coding.manual import (
    Change,
    CodeInfo,
    check_coder_name,
    code_infos,
    default_unit,
    descendants,
    require_coder,
    resolve_code,
)
from casekit.errors import CasekitError, CodingError
from casekit.store import Store
from casekit.store.codings import NewCoding
from casekit.store.manual import (
    SegmentRow,
    coding_rows,
    document_segments,
    effective_events,
    get_document,
    insert_codings,
    manual_coding_keys,
    units_of_document,
)

__all__ = [
    "DECISION_ACTION",
    "ReconcileSummary",
    "SegmentComparison",
    "compare_coders",
    "copy_agreed",
    "decide",
    "run_reconcile",
]

DECISION_ACTION = "reconcile.decision"
AGREED_ACTION = "reconcile.agreed"
Choice = Literal["first", "second", "both", "neither"]
ReadLine = Callable[[str], str]
Write = Callable[[str], None]


@dataclass
class SegmentComparison:
    """What two coders put on one segment: code -> their codings (dicts from the store)."""

    segment: SegmentRow
    first: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    second: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def agreed(self) -> list[str]:
        return sorted(self.first.keys() & self.second.keys())

    @property
    def only_first(self) -> list[str]:
        return sorted(self.first.keys() - self.second.keys())

    @property
    def only_second(self) -> list[str]:
        return sorted(self.second.keys() - self.first.keys())

    @property
    def disagrees(self) -> bool:
        return bool(self.only_first or self.only_second)


@dataclass
class ReconcileSummary:
    """What a reconcile run did."""

    n_agreed_copied: int = 0
    n_decided: int = 0
    n_remaining: int = 0
    event_ids: list[int] = field(default_factory=list)


def _check_names(store: Store, coders: Sequence[str], name: str) -> tuple[str, str, str]:
    if len(coders) != 2:
        raise CodingError("reconcile compares two coders: give --coders A B")
    first, second = coders
    if first == second:
        raise CodingError("give two different coders to reconcile")
    for coder in (first, second):
        require_coder(store, coder)
    name = check_coder_name(name)
    if name in (first, second):
        raise CodingError(
            f"the consensus coder must be a new name, not one of the coders ({first}, {second})"
        )
    return first, second, name


def compare_coders(
    store: Store,
    *,
    coders: Sequence[str],
    unit: str | None = None,
    codes: Sequence[str] | None = None,
) -> list[SegmentComparison]:
    """Per segment of ``unit`` that either coder coded: each coder's codes there.

    Parameters
    ----------
    coders
        The two coders.
    unit
        Segment unit compared on; default per document: turns if it has them, else paragraphs.
    codes
        Only these codes (id, prefix or name; the codes below them included).

    Returns
    -------
    list of SegmentComparison
        In document then reading order; a coding spanning several segments of ``unit``
        counts on each.
    """
    first, second = coders
    wanted = None
    if codes:
        infos = code_infos(store)
        wanted = sorted({d for c in codes for d in descendants(infos, resolve_code(infos, c).id)})
    rows = coding_rows(store, coders=[first, second], codes=wanted, source="manual")
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_doc.setdefault(row["document"], []).append(row)
    out: list[SegmentComparison] = []
    for name in sorted(by_doc):
        doc = get_document(store, name)
        assert doc is not None
        doc_unit = unit or default_unit(units_of_document(store, doc.id))
        segments = document_segments(store, doc.id, doc_unit)
        if not segments:
            continue
        starts = [s.start for s in segments]
        table: dict[int, SegmentComparison] = {}
        for row in by_doc[name]:
            i = max(bisect.bisect_right(starts, row["start"]) - 1, 0)
            end = max(row["end"], row["start"] + 1)
            while i < len(segments) and segments[i].start < end:
                seg = segments[i]
                if seg.end > row["start"]:
                    item = table.setdefault(i, SegmentComparison(seg))
                    side = item.first if row["coder"] == first else item.second
                    side.setdefault(row["code"], []).append(row)
                i += 1
        out += [table[i] for i in sorted(table)]
    return out


def _decided(store: Store, *, name: str, coders: Sequence[str]) -> set[str]:
    """Segment keys with a decision of ``name`` for these coders still in effect."""
    events, in_effect = effective_events(store.con)
    return {
        str(e.payload.get("segment"))
        for e in events
        if e.action == DECISION_ACTION
        and e.actor == name
        and in_effect[e.id]
        and e.payload.get("coders") == list(coders)
    }


def _copy(
    con: Any, rows: Iterable[dict[str, Any]], *, name: str, existing: set[tuple[Any, ...]]
) -> list[int]:
    """Copy codings to ``name`` (same segment, span and code), skipping ones it already has."""
    fresh = []
    for row in rows:
        key = (row["doc_id"], row["start"], row["end"], row["code"], name)
        if key in existing:
            continue
        existing.add(key)
        fresh.append(
            NewCoding(
                row["segment_id"],
                row["code"],
                row["start"],
                row["end"],
                rule=row["rule"],
                matched_text=row["text"],
            )
        )
    return insert_codings(con, fresh, coder=name, codebook_version="") if fresh else []


def copy_agreed(
    store: Store,
    items: Sequence[SegmentComparison],
    *,
    coders: Sequence[str],
    name: str,
) -> Change:
    """Copy the codes both coders gave (the first coder's codings) to ``name``; one event."""
    with store.transaction() as con:
        existing = manual_coding_keys(con, {i.segment.document_id for i in items})
        rows = [row for item in items for code in item.agreed for row in item.first[code]]
        ids = _copy(con, rows, name=name, existing=existing)
        if not ids:
            return Change(None, f"{name} already has every agreed coding of {' and '.join(coders)}")
        n_segments = sum(1 for i in items if i.agreed)
        summary = (
            f"{name}: copied {_n(len(ids), 'coding')} {' and '.join(coders)} agree on "
            f"({_n(n_segments, 'segment')})"
        )
        event_id = Store.log_event(
            con,
            name,
            AGREED_ACTION,
            {
                "summary": summary,
                "coders": list(coders),
                "effect": {"codings": {"added": ids, "removed": []}},
            },
        )
    return Change(event_id, summary, tuple(ids))


def decide(
    store: Store,
    item: SegmentComparison,
    choice: Choice | set[str],
    *,
    coders: Sequence[str],
    name: str,
) -> Change:
    """Record ``name``'s decision on a disagreement; one event.

    ``choice`` is ``"first"`` / ``"second"`` (keep that coder's codes), ``"both"``,
    ``"neither"``, or the set of disputed codes to keep (each copied from whoever gave it).
    """
    if isinstance(choice, set):
        keep = sorted(choice)
        label = "custom"
    else:
        keep = {
            "first": item.only_first,
            "second": item.only_second,
            "both": item.only_first + item.only_second,
            "neither": [],
        }[choice]
        label = {"first": f"keep {coders[0]}", "second": f"keep {coders[1]}"}.get(choice, choice)
    disputed = set(item.only_first) | set(item.only_second)
    if not set(keep) <= disputed:
        raise CodingError(
            f"can only keep disputed codes on {item.segment.key}: {', '.join(sorted(disputed))}"
        )
    rows = [r for code in keep for r in (item.first.get(code) or item.second.get(code) or [])]
    with store.transaction() as con:
        existing = manual_coding_keys(con, [item.segment.document_id])
        ids = _copy(con, rows, name=name, existing=existing)
        kept = ", ".join(sorted(keep)) or "none of the disputed codes"
        summary = f"{name} decided {item.segment.key} ({label}): {kept}"
        event_id = Store.log_event(
            con,
            name,
            DECISION_ACTION,
            {
                "summary": summary,
                "coders": list(coders),
                "segment": item.segment.key,
                "decision": label,
                "kept": sorted(keep),
                "effect": {"codings": {"added": ids, "removed": []}},
            },
        )
    return Change(event_id, summary, tuple(ids))


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _describe(codes: Sequence[str], infos: dict[str, CodeInfo]) -> str:
    return ", ".join(infos[c].label() if c in infos else c for c in codes) or "—"


def run_reconcile(
    store: Store,
    *,
    coders: Sequence[str],
    name: str,
    read_line: ReadLine | None = None,
    write: Write | None = None,
    unit: str | None = None,
    codes: Sequence[str] | None = None,
) -> ReconcileSummary:
    """Copy agreements to ``name``, then ask about each undecided disagreement.

    Without ``read_line`` only the agreements are copied (``--auto-agreed-only``). Input
    per disagreement: ``1`` keep the first coder's codes, ``2`` the second's, ``3`` both,
    ``4`` neither, ``5`` custom (a y/n question per disputed code), ``s`` skip, ``q`` quit;
    end of input quits. Decisions already made (and not undone) are not asked again.
    """
    first, second, name = _check_names(store, coders, name)
    pair = [first, second]
    items = compare_coders(store, coders=pair, unit=unit, codes=codes)
    summary = ReconcileSummary()
    change = copy_agreed(store, items, coders=pair, name=name)
    if change.event_id is not None:
        summary.n_agreed_copied = len(change.ids)
        summary.event_ids.append(change.event_id)
    decided = _decided(store, name=name, coders=pair)
    todo = [i for i in items if i.disagrees and i.segment.key not in decided]
    summary.n_remaining = len(todo)
    if read_line is None or write is None:
        return summary
    write(change.summary)
    infos = {c.id: c for c in code_infos(store)}
    width = max(len(first), len(second), len("agreed")) + 7
    for n, item in enumerate(todo, 1):
        seg = item.segment
        speaker = f"{seg.speaker}：" if seg.speaker else ""
        write(f"\ndisagreement {n}/{len(todo)} · {seg.key} ({seg.unit})")
        write(f"  {speaker}{seg.text}")
        write(f"  {'agreed:':<{width}}{_describe(item.agreed, infos)}")
        write(f"  {first + ' only:':<{width}}{_describe(item.only_first, infos)}")
        write(f"  {second + ' only:':<{width}}{_describe(item.only_second, infos)}")
        keys = (
            f"[1] keep {first}  [2] keep {second}  [3] both  [4] neither  [5] custom  "
            "[s] skip  [q] quit"
        )
        write(keys)
        while True:
            try:
                answer = read_line("> ").strip().lower()
            except EOFError:
                answer = "q"
            if answer == "q":
                write(
                    f"reconcile saved: {summary.n_decided} decided, "
                    f"{summary.n_remaining} disagreements left"
                )
                return summary
            if answer == "s":
                break
            choice: Choice | set[str] | None = {
                "1": "first",
                "2": "second",
                "3": "both",
                "4": "neither",
            }.get(answer)  # type: ignore[assignment]
            if answer == "5":
                choice = set()
                for code in item.only_first + item.only_second:
                    who = first if code in item.first else second
                    reply = ""
                    while reply not in ("y", "n"):
                        try:
                            reply = read_line(f"  keep {_describe([code], infos)} ({who})? [y/n] ")
                        except EOFError:
                            reply = "n"
                        reply = reply.strip().lower()[:1]
                    if reply == "y":
                        choice.add(code)
            if choice is None:
                write(f"? {keys}")
                continue
            try:
                change = decide(store, item, choice, coders=pair, name=name)
            except CasekitError as exc:
                write(f"! {exc}")
                continue
            summary.n_decided += 1
            summary.n_remaining -= 1
            if change.event_id is not None:
                summary.event_ids.append(change.event_id)
            write(f"✓ {change.summary}")
            break
    write(f"reconcile saved: {summary.n_decided} decided, {summary.n_remaining} disagreements left")
    return summary
