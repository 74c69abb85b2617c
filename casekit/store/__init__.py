"""The embedded SQLite project store."""

from casekit.store.db import Store, utc_now
from casekit.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "utc_now"]
