"""REFI-QDA exchange (``.qdpx`` projects, ``.qdc`` codebooks) and pseudonymisation of projects.

Modules: :mod:`~casekit.refi.export` writes a project, :mod:`~casekit.refi.importer` and
:mod:`~casekit.refi.codebook_import` read other tools' work, :mod:`~casekit.refi.pseudonyms`
and :mod:`~casekit.refi.anonymize` replace names. Nothing heavy is imported here.
"""

from __future__ import annotations

__all__: list[str] = []
