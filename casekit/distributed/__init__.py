"""Scale-out on Dask: auto-coding and co-occurrence counts on a LocalCluster or a remote cluster.

Importing this package does not import Dask; the functions do, and raise
:class:`casekit.distributed.cluster.ClusterError` when it is not installed.
"""

__all__: list[str] = []
