"""The small kit every loader uses: a verified reader, number parsing and "present but unparsed" checks.

Loaders used to carry their own copies of these (`_read_csv`, `_number`, `_fail_on_unparsed`); one copy
means one behaviour: every corrupt cell is reported the same way, with the file, the row as a spreadsheet
numbers it (row 2 = first data line) and the offending text, and a gap is never confused with damage.
Typed columns themselves are checked by `schemas.validate`, which also names the row of a bad value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from bilateral.data.paths import raw_dir
from bilateral.data.provenance import read_source, require_verified
from bilateral.errors import DataError

RESTORE = "Restore the file with git (`bilateral data verify` names changed files)."
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d*)?")
# (resolved path, bytes, mtime_ns, what) -> the frame parsed from that file as it was verified
_PARSED: dict[tuple[str, int, int, str], pl.DataFrame] = {}


def parsed_once(path: Path, what: str, parse: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """`parse()` of a file the caller has just verified against its checksum, kept for this process.

    A warm kernel runs report after report: a file that takes seconds to parse in Python (Wind's wide
    exports) is parsed once, not once per report. Every call still goes through the caller's verification;
    an edited file (other size or mtime) is parsed again. The frame is a pure function of the verified bytes,
    and each caller gets its own clone (cheap in polars), so no report can change what the next one reads.
    """
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, what)
    if key not in _PARSED:
        _PARSED[key] = parse()
    return _PARSED[key].clone()


def read_verified_csv(source: str, relative: str, *, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """A CSV of a shipped source as text columns (no type guessing), after its checksum is verified.

    `columns`, when given, must be the file's exact header: a file from another version of the upstream is
    refused by name instead of being half-parsed.
    """
    folder = raw_dir() / source
    path = require_verified(folder, read_source(folder), relative)
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except Exception as exc:
        raise DataError(f"{path}: cannot be read as CSV ({exc}). Restore it with git or re-import it.") from exc
    if columns is not None and tuple(frame.columns) != tuple(columns):
        raise DataError(
            f"{source}/{relative}: header is {', '.join(frame.columns)}; expected {', '.join(columns)}. "
            "Is the file from another version of the upstream?"
        )
    return frame


def parse_number(text: str | None, where: str, *, empty_ok: bool = False, thousands_ok: bool = False) -> float | None:
    """A cell as a finite float. Empty is None when `empty_ok` (a gap), otherwise damage; so is non-numeric text.

    `thousands_ok` accepts "1,234.5" (seen in some upstream versions); it never accepts a decimal comma.
    """
    stripped = (text or "").strip()
    if not stripped:
        if empty_ok:
            return None
        raise DataError(f"{where}: the cell is empty; expected a number. {RESTORE}")
    if thousands_ok and _THOUSANDS.fullmatch(stripped):
        stripped = stripped.replace(",", "")
    try:
        value = float(stripped)
    except ValueError:
        raise DataError(f"{where}: expected a number, found {stripped!r}. {RESTORE}") from None
    if not math.isfinite(value):
        raise DataError(f"{where}: expected a finite number, found {stripped!r}.")
    return value


def fail_on_unparsed(
    raw: pl.DataFrame,
    parsed: pl.DataFrame,
    columns: Sequence[tuple[str, str]],
    *,
    dataset: str,
    what: str = "a number",
    header_rows: int = 1,
) -> None:
    """Raise DataError for the first cell present in `raw` whose parsed value (same row) is missing.

    `columns` pairs a raw column with the parsed column made from it. A present value that did not parse
    ("84,07", "nan") is a corrupt file, not a gap; an empty raw cell stays a gap. Non-finite floats count
    as unparsed.
    """
    for raw_column, parsed_column in columns:
        values = parsed.get_column(parsed_column)
        unusable = values.is_null()
        if values.dtype.is_float():
            unusable = unusable | ~values.is_finite().fill_null(False)
        bad = raw.with_row_index("_row").filter(raw.get_column(raw_column).is_not_null() & unusable)
        if len(bad):
            row = bad.row(0, named=True)
            raise DataError(
                f"{dataset}: row {row['_row'] + 1 + header_rows} has {raw_column}={row[raw_column]!r}, which is not "
                f"{what}. {RESTORE}"
            )
