"""Tables for analysts: pandas DataFrames when pandas imports, else lists
of dicts (one per row), from CSV text or from rows made here.

The switch: bssim.use_pandas(False) (or BSSIM_NO_PANDAS=1 in the
environment before import) makes every table a list of dicts even when
pandas is installed; use_pandas(True) asks for DataFrames and raises
ImportError when pandas does not import. pandas is imported on the first
table, not with the package (it takes about half a second).
"""
import csv
import io
import math
import os

# None: DataFrames when pandas imports; True: DataFrames (required);
# False: lists of dicts
_want = False if os.environ.get("BSSIM_NO_PANDAS") else None
_pd = None

# Columns that hold names or codes, never numbers, whatever they look like
# (a station_id "00010001" stays as written).
TEXT_COLUMNS = frozenset(("station_id", "name", "ward", "from_ward",
                          "to_ward", "metric", "label"))


def use_pandas(flag=None):
    """Tables as DataFrames (True), as lists of dicts (False), or
    DataFrames when pandas imports (None, the default). Returns whether
    tables are DataFrames from now on."""
    global _want
    if flag is not None and not isinstance(flag, bool):
        raise TypeError("use_pandas: expected True, False or None")
    _want = flag
    return pandas() is not None


def pandas():
    """The pandas module when tables are DataFrames, else None."""
    global _pd
    if _want is False:
        return None
    if _pd is None:
        try:
            import pandas as pd
        except ImportError:
            if _want:
                raise
            return None
        _pd = pd
    return _pd


def _number(s):
    """int or float for a cell bssim wrote (%.12g, "NaN"), or None."""
    if s == "NaN":
        return math.nan
    try:
        if s.lstrip("-").isdigit():
            return int(s)
        return float(s)
    except ValueError:
        return None


def _column(name, cells):
    """The column's cells as numbers when every one is a number (ints
    when every one is an int) and none is written with leading zeros, else
    as the strings they are. Empty cells are None in either case."""
    if name in TEXT_COLUMNS:
        return [c if c != "" else None for c in cells]
    out = []
    for c in cells:
        if c == "":
            out.append(None)
            continue
        digits = c.lstrip("-")
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
            return [x if x != "" else None for x in cells]
        v = _number(c)
        if v is None:
            return [x if x != "" else None for x in cells]
        out.append(v)
    if any(isinstance(v, float) for v in out):
        out = [float(v) if isinstance(v, int) else v for v in out]
    return out


def parse_csv(text):
    """(columns, rows as lists) of CSV text, cells converted by column."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], []
    raw = list(reader)
    cols = [_column(h, [r[i] if i < len(r) else "" for r in raw])
            for i, h in enumerate(header)]
    return header, [list(r) for r in zip(*cols)] if cols else []


def frame(columns, rows):
    """A DataFrame, or a list of dicts, of rows (lists in column order)."""
    pd = pandas()
    if pd is not None:
        return pd.DataFrame(rows, columns=columns)
    return [dict(zip(columns, r)) for r in rows]


def from_csv(text):
    return frame(*parse_csv(text))


def matrix(values, labels, index_name, columns_name):
    """A square table: a DataFrame indexed by labels, or nested lists in
    the order of labels."""
    pd = pandas()
    if pd is None:
        return values
    df = pd.DataFrame(values, index=list(labels), columns=list(labels))
    df.index.name = index_name
    df.columns.name = columns_name
    return df
