"""The exception agreement and evaluation raise for problems the user can fix."""

from __future__ import annotations

from casekit.errors import CasekitError

__all__ = ["AgreementError"]


class AgreementError(CasekitError):
    """Agreement or evaluation cannot be computed: unknown coder or code, nothing in scope."""
