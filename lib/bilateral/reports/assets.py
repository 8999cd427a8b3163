"""The vendored JavaScript that offline reports inline, checked before use.

Reports must open from a file with no network, so vega, vega-lite, vega-embed, require.js and the
ipywidgets html-manager are shipped in `vendor/` and described in `vendor/vendor.yml`. A report is
only as trustworthy as these files: each is verified against its recorded sha256 on every load, and
the vega-lite build must be the exact version altair writes into its charts' `$schema`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import yaml

from bilateral.data import yaml_text
from bilateral.errors import ReportError

VENDOR_DIR = Path(__file__).parent / "vendor"
MANIFEST_NAME = "vendor.yml"

# npm package -> the altair constant whose version the vendored build must match, and how closely.
_ALTAIR_PINS: dict[str, tuple[str, str]] = {
    "vega-lite": ("VEGALITE_VERSION", "exact"),
    "vega": ("VEGA_VERSION", "major"),
    "vega-embed": ("VEGAEMBED_VERSION", "major"),
}


@dataclass(frozen=True)
class VendorFile:
    """One vendored file as recorded in vendor.yml."""

    file: str
    npm_package: str
    version: str
    package_path: str
    licence: str
    sha256: str


@dataclass(frozen=True)
class VendorScripts:
    """The verified JavaScript sources a report template inlines (text, not paths)."""

    vega: str
    vega_lite: str
    vega_embed: str
    requirejs: str
    html_manager: str
    versions: dict[str, str]


_SCRIPT_FIELDS = {
    "vega": "vega",
    "vega-lite": "vega_lite",
    "vega-embed": "vega_embed",
    "requirejs": "requirejs",
    "@jupyter-widgets/html-manager": "html_manager",
}


def read_manifest(vendor_dir: Path = VENDOR_DIR) -> list[VendorFile]:
    """Parse vendor.yml; a missing or malformed manifest is a ReportError naming the problem."""
    path = vendor_dir / MANIFEST_NAME
    try:
        entries = yaml_text.load(path.read_text(encoding="utf-8"))["files"]
        return [VendorFile(**{key: str(value) for key, value in entry.items()}) for entry in entries]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise ReportError(f"Cannot read the vendored-JavaScript manifest {path}: {exc}") from exc


def verify_file(entry: VendorFile, vendor_dir: Path = VENDOR_DIR) -> str:
    """Return the file's text if its sha256 matches vendor.yml; otherwise raise ReportError."""
    path = vendor_dir / entry.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"Vendored file {entry.file} is missing from {vendor_dir}: {exc}") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != entry.sha256:
        raise ReportError(
            f"Vendored file {entry.file} fails its checksum (sha256 {actual}, vendor.yml says "
            f"{entry.sha256}). Restore it from npm: `npm pack {entry.npm_package}@{entry.version}` "
            f"and copy package/{entry.package_path}; never edit vendored files by hand."
        )
    return data.decode("utf-8")


def check_altair_pins(manifest: list[VendorFile]) -> None:
    """Raise ReportError when the vendored vega builds do not match what the installed altair emits."""
    versions = {entry.npm_package: entry.version for entry in manifest}
    for package, (constant, how) in _ALTAIR_PINS.items():
        wanted = str(getattr(alt, constant))
        have = versions.get(package, "missing")
        matches = have == wanted if how == "exact" else have.split(".")[0] == wanted.split(".")[0]
        if not matches:
            raise ReportError(
                f"Vendored {package} is {have} but altair {alt.__version__} expects {wanted} "
                f"(altair.{constant}). Re-vendor: `npm pack {package}@{wanted}`, copy its built "
                f"file into {VENDOR_DIR}, update vendor.yml (file, version, sha256) and LICENSES.txt."
            )


def load_vendor_scripts(vendor_dir: Path = VENDOR_DIR) -> VendorScripts:
    """Load every vendored script, verified against vendor.yml and the installed altair."""
    manifest = read_manifest(vendor_dir)
    check_altair_pins(manifest)
    texts = {entry.npm_package: verify_file(entry, vendor_dir) for entry in manifest}
    missing = sorted(set(_SCRIPT_FIELDS) - set(texts))
    if missing:
        raise ReportError(f"vendor.yml in {vendor_dir} lists no file for: {', '.join(missing)}")
    fields = {field: texts[package] for package, field in _SCRIPT_FIELDS.items()}
    return VendorScripts(**fields, versions={entry.npm_package: entry.version for entry in manifest})
