"""Reading corpus files and the manifest into the project store."""

from casekit.ingest.ingest import IngestReport, collect_files, ingest_corpus
from casekit.ingest.manifest import MANIFEST_COLUMNS, Manifest, read_manifest
from casekit.ingest.readers import SUPPORTED_SUFFIXES, SourceText, decode_bytes, read_source

__all__ = [
    "MANIFEST_COLUMNS",
    "SUPPORTED_SUFFIXES",
    "IngestReport",
    "Manifest",
    "SourceText",
    "collect_files",
    "decode_bytes",
    "ingest_corpus",
    "read_manifest",
    "read_source",
]
