"""Connect to a Dask cluster: a running scheduler by its address, or a LocalCluster on this machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from casekit.errors import CasekitError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["ClusterError", "dask_client", "n_worker_threads"]

# For debugging, Dask keeps the last 1,000 messages of every connection (each under 1 MB:
# tasks with their text batches) and the calling code of the last 100 submissions. A run
# submits thousands of batches, and on a LocalCluster the scheduler lives in this process:
# keep a few, so memory stays flat.
_QUIET_HISTORY = {
    "distributed.admin.low-level-log-length": 5,
    "distributed.diagnostics.computations.max-history": 5,
    "distributed.diagnostics.computations.nframes": 0,
}


class ClusterError(CasekitError):
    """Dask is missing, the scheduler cannot be reached, or its workers cannot run casekit."""


def _casekit_version() -> str:
    # Runs on every worker: importing casekit there proves tasks will unpickle.
    import casekit

    return casekit.__version__


@contextmanager
def dask_client(
    *, scheduler: str | None = None, n_workers: int = 2, timeout: float = 20.0
) -> Iterator[Client]:
    """A ``dask.distributed`` client for the length of a ``with`` block.

    Parameters
    ----------
    scheduler
        Address of a running scheduler (``tcp://host:8786``, as printed by
        ``dask scheduler``). ``None`` starts a ``LocalCluster`` of ``n_workers`` processes with
        one thread each (the rule engine is pure Python, so processes, not threads, run in
        parallel) and closes it at the end of the block.
    n_workers
        Worker processes of the local cluster.
    timeout
        Seconds to wait for the scheduler and for at least one worker.

    Raises
    ------
    ClusterError
        When Dask is not installed, the scheduler does not answer, it has no workers, or the
        workers cannot import casekit (or run another version of it).

    Examples
    --------
    >>> with dask_client(n_workers=2) as client:  # doctest: +SKIP
    ...     report = autocode_on_cluster(project, client)
    """
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            "Dask is not installed; install casekit with its dask extra: pip install 'casekit[dask]'"
        ) from exc
    if n_workers < 1:
        raise ClusterError(f"a local cluster needs at least 1 worker, not {n_workers}")
    with ExitStack() as stack:
        stack.enter_context(dask.config.set(_QUIET_HISTORY))
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster, timeout=timeout))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=timeout))
            except (OSError, TimeoutError) as exc:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
                    f"'dask scheduler' and workers with 'dask worker {scheduler}'"
                ) from exc
            _check_workers(client, scheduler, timeout)
        yield client


def _check_workers(client: Client, scheduler: str, timeout: float) -> None:
    import casekit

    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError as exc:
        raise ClusterError(
            f"the Dask scheduler at {scheduler} has no workers; start some with "
            f"'dask worker {scheduler}'"
        ) from exc
    try:
        versions = client.run(_casekit_version)
    except Exception as exc:  # whatever unpickling or importing raised on a worker
        raise ClusterError(
            f"the workers of {scheduler} cannot import casekit ({exc.__class__.__name__}: {exc}); "
            "install the same casekit (with its dask extra) in the workers' environment"
        ) from exc
    wrong = sorted(addr for addr, v in versions.items() if v != casekit.__version__)
    if wrong:
        raise ClusterError(
            f"workers {', '.join(wrong)} run casekit {versions[wrong[0]]}, this client "
            f"{casekit.__version__}; install the same version everywhere"
        )


def n_worker_threads(client: Client) -> int:
    """Threads across all workers now connected (at least 1)."""
    return max(sum(client.nthreads().values()), 1)
