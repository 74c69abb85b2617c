"""Stable REFI-QDA GUIDs: the same project object gets the same GUID in every export."""

from __future__ import annotations

import re
import uuid

from casekit.codebook.export import CASEKIT_GUID_NAMESPACE, code_guid

__all__ = ["OBJECT_NAMESPACE", "code_guid", "normalize_guid", "object_guid"]

# Objects other than codes (documents, users, selections, codings, memos, variables, cases)
# live in their own namespace under casekit's, so they can never collide with code GUIDs.
OBJECT_NAMESPACE = uuid.uuid5(CASEKIT_GUID_NAMESPACE, "refi-qda project objects")

_GUID_RE = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)


def object_guid(kind: str, *parts: str | int) -> str:
    """The GUID of a project object from its kind and project-stable keys.

    Parameters
    ----------
    kind
        ``document``, ``user``, ``selection``, ``coding``, ``memo``, ``variable``, ``case``...
    parts
        Keys that identify the object within the project (names, offsets, ids of codes).

    Examples
    --------
    >>> object_guid("user", "li") == object_guid("user", "li")
    True
    """
    key = "\x1f".join([kind, *(str(p) for p in parts)])
    return str(uuid.uuid5(OBJECT_NAMESPACE, key))


def normalize_guid(value: str | None) -> str | None:
    """A GUID in the canonical form (lower case, no braces), or None when ``value`` is not one.

    REFI-QDA accepts ``8-4-4-4-12`` hex digits in either case, optionally in braces.
    """
    if value is None:
        return None
    match = _GUID_RE.match(value.strip())
    return match.group(1).lower() if match else None
