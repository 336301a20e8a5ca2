"""Every CSV the course writes for people goes through here, so no cell of it can run
as a spreadsheet formula.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (OWASP's "CSV injection"). A student
controls some of the text that reaches our CSVs (a folder name becomes an id, a
notebook's text becomes a note), so each such cell is neutralised the usual way: a
leading ``'``, which spreadsheets show as text and do not display. Numbers stay numbers:
``-1.5`` is a number, not a formula, and is written as it is.
"""
import csv
import math
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text):
    try:
        return math.isfinite(float(text)) and text.strip() == text
    except ValueError:
        return False


def safe_cell(value):
    """``value`` as a CSV cell a spreadsheet shows as text or a number, never runs."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def safe_row(row):
    """A row of :func:`safe_cell` values."""
    return [safe_cell(v) for v in row]


def write_csv(path, header, rows):
    """Write ``header`` and ``rows`` to ``path`` with every cell made safe; return the path."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(safe_row(header))
        for row in rows:
            w.writerow(safe_row(row))
    return Path(path)


def make_safe(path):
    """Rewrite a CSV another tool wrote (``nbgrader export``) with every cell made safe;
    return the path. Cells already safe are unchanged; one made safe is not quoted twice."""
    with open(path, newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f)) or [[]]
    return write_csv(path, header, rows)
