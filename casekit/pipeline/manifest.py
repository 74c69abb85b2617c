"""``outputs/manifest.json``: every output with its hash, the step and inputs that made it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_NAME",
    "RunManifest",
    "StepRecord",
    "fingerprint",
    "package_versions",
    "read_manifest",
    "sha256_file",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
# Packages whose versions can change an output; recorded so a rebuild can be compared.
VERSIONED_PACKAGES = (
    "casekit",
    "spacy",
    "jieba",
    "pyahocorasick",
    "pandas",
    "numpy",
    "scipy",
    "scikit-learn",
    "networkx",
    "matplotlib",
    "krippendorff",
)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(*parts: Any) -> str:
    """A stable hash of JSON-serialisable parts (sorted keys), used to decide whether to rerun."""
    blob = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def package_versions() -> dict[str, str]:
    out = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@dataclass
class StepRecord:
    """One step of a run: what went in (fingerprint, parameters) and what came out."""

    fingerprint: str
    parameters: dict[str, Any] = field(default_factory=dict)
    # output path (relative to the outputs folder) -> {"sha256": ..., "caption": ...}
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class RunManifest:
    """The whole manifest; written without timestamps so identical runs give identical bytes."""

    inputs: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, StepRecord] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        data = {
            "format": "casekit-manifest/1",
            "inputs": self.inputs,
            "steps": {
                name: {
                    "fingerprint": rec.fingerprint,
                    "parameters": rec.parameters,
                    "outputs": rec.outputs,
                }
                for name, rec in self.steps.items()
            },
            "versions": self.versions,
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def outputs(self) -> dict[str, dict[str, str]]:
        """Every output of every step: path -> record (with the step name added)."""
        out = {}
        for name, rec in self.steps.items():
            for path, info in rec.outputs.items():
                out[path] = {**info, "step": name}
        return out


def write_manifest(folder: Path, manifest: RunManifest) -> Path:
    path = folder / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(manifest.to_json(), encoding="utf-8")
    tmp.replace(path)  # atomic: an interrupted write never leaves half a manifest
    return path


def read_manifest(folder: Path) -> RunManifest:
    """The manifest in ``folder``, or an empty one when there is none or it is unreadable."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return RunManifest()
    steps = {
        name: StepRecord(
            rec.get("fingerprint", ""), rec.get("parameters", {}), rec.get("outputs", {})
        )
        for name, rec in data.get("steps", {}).items()
    }
    return RunManifest(data.get("inputs", {}), steps, data.get("versions", {}))
