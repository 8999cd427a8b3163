"""YAML of the project's own files (provenance sidecars, reference tables, the vendor manifest, cache records).

Parsed with libyaml when PyYAML was built with it (the wheels are): pure-Python parsing of the source.yml
files was about 1 s of CPU in a run of the 16 default reports, libyaml is six times faster, and the results
are the same plain dicts, lists and scalars. Files people write by hand (plans, the claims ledger) keep
PyYAML's pure-Python loader, whose error messages the CLI quotes.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Parse one YAML document with the safe loader (libyaml when available); raises yaml.YAMLError."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader
