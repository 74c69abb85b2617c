"""Errors of the REFI-QDA exchange and of pseudonymisation (all are ``CasekitError``)."""

from __future__ import annotations

from casekit.errors import CasekitError

__all__ = ["AnonymizeError", "RefiError"]


class RefiError(CasekitError):
    """A ``.qdpx``, ``.qde`` or ``.qdc`` file cannot be imported or exported; nothing was changed."""


class AnonymizeError(CasekitError):
    """A name mapping is invalid or a pseudonymised copy cannot be written; nothing was changed."""
