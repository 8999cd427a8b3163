"""Bounds on the work a small input can cause, each with the setting that raises it.

A few bytes of input must not buy minutes of work or gigabytes of memory: a year range of a million years,
a 1 MB zip that expands to terabytes, a download that trickles forever, a parameter value echoed back
whole. Every limit here has a default a real use stays far below, an environment variable to raise it, and
a message that names both when it is hit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bilateral.errors import ParameterError


@dataclass(frozen=True)
class Limit:
    """One bound: what it limits, its default, the unit, and the environment variable that overrides it."""

    what: str
    env: str
    default: int
    unit: str

    def value(self) -> int:
        text = os.environ.get(self.env)
        if text is None:
            return self.default
        try:
            value = int(text)
        except ValueError:
            raise ParameterError(f"{self.env}={shown(text)} is not a whole number of {self.unit}.") from None
        if value < 1:
            raise ParameterError(f"{self.env} must be 1 or more {self.unit}; got {value}.")
        return value

    def exceeded(self, found: str) -> str:
        """The sentence for a message: what was found, the limit, and how to raise it."""
        return (
            f"{found}, above the limit of {self.value():,} {self.unit} for {self.what}. If this is intended, raise it with "
            f"the environment variable {self.env}."
        )


YEARS_PER_FETCH = Limit("the years of one fetch", "BILATERAL_MAX_FETCH_YEARS", 100, "years")
ARCHIVE_MEMBER_BYTES = Limit(
    "one file inside a release archive", "BILATERAL_MAX_ARCHIVE_MEMBER_BYTES", 16 * 1024**3, "bytes"
)
ARCHIVE_EXPANSION = Limit(
    "how much a file inside a release archive expands",
    "BILATERAL_MAX_ARCHIVE_EXPANSION",
    200,
    "times its compressed size",
)
DOWNLOAD_BYTES = Limit("one download", "BILATERAL_MAX_DOWNLOAD_BYTES", 32 * 1024**3, "bytes")
DOWNLOAD_SECONDS = Limit("one download from start to end", "BILATERAL_MAX_DOWNLOAD_SECONDS", 4 * 3600, "seconds")
ECHO_CHARS = 80  # user input quoted back in a message is cut to this many characters


def shown(value: object, limit: int = ECHO_CHARS) -> str:
    """repr() of user input for a message, cut to `limit` characters with the full length stated."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(str(value)):,} characters)"
