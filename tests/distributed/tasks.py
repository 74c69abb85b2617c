"""Batch tasks that fail on purpose, for the retry tests; workers import them from here."""

from __future__ import annotations

import os
import signal

from casekit.coding.autocode import DocumentBatch
from casekit.distributed.autocode import CodebookFile, code_batch


def _first_time(marker: str) -> bool:
    """True for exactly one caller across processes: the one that creates ``marker``."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def kill_worker_first_time(
    marker: str, codebook: CodebookFile, documents: list[DocumentBatch]
) -> bytes:
    """The first batch to run kills its worker process mid-batch; later ones code normally."""
    code_batch(codebook, documents[:1])  # some work done, then lost with the process
    if _first_time(marker):
        os.kill(os.getpid(), signal.SIGKILL)
    return code_batch(codebook, documents)


def raise_first_time(marker: str, codebook: CodebookFile, documents: list[DocumentBatch]) -> bytes:
    """The first batch to run raises; its retry codes normally."""
    if _first_time(marker):
        raise RuntimeError("injected failure")
    return code_batch(codebook, documents)


def raise_after_first(marker: str, codebook: CodebookFile, documents: list[DocumentBatch]) -> bytes:
    """The first batch to run succeeds; every other fails, every time it is tried."""
    if not _first_time(marker):
        raise RuntimeError("injected failure")
    return code_batch(codebook, documents)
