"""Errors meant for people.

Every error the workbench raises on bad input derives from `BilateralError`, so the CLI can print
the message (what was wrong, which value, what to do) and exit non-zero without a traceback.
"""


class BilateralError(Exception):
    """Base class: the message is the whole story a user needs."""


class ParameterError(BilateralError, ValueError):
    """A report or query parameter is unknown, malformed or out of range."""


class DataError(BilateralError):
    """A data file is missing, corrupt, fails its checksum or its schema."""


class FetchError(BilateralError):
    """An upstream source could not be reached or answered with an error (not the same as 'no data')."""


class ReportError(BilateralError):
    """A notebook failed while executing or rendering; no report file was left behind."""
