"""Date-times between REFI-QDA (``xsd:dateTime``) and the store (UTC, microseconds, ``Z``)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["store_time"]

_STORE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def store_time(value: str | None) -> str | None:
    """``value`` in the store's format (UTC), or None when it is missing or not a date-time.

    A time without a zone is taken as UTC. The result is a valid ``xsd:dateTime`` too, so
    a stored time is written back to a REFI-QDA file unchanged.

    Examples
    --------
    >>> store_time("2025-06-08T14:42:55+02:00")
    '2025-06-08T12:42:55.000000Z'
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime(_STORE_FORMAT)
