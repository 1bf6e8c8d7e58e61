"""Spreadsheets for partners: `.xlsx` files written in openpyxl's write-only mode.

Shared by the exports of two sibling layers (meetings: actions and attendance; directory:
partners), so it sits in the highest layer both import, beside the other helpers they
share (`groups.filters`). It knows nothing of their models: a list of `Column`s and rows
of plain values.

- One sheet, a bold header row that stays in view (frozen) and is repeated on each printed
  page, column widths set.
- Dates and times are real spreadsheet dates (Paris wall-clock time for a datetime).
- Formula-safe: text is always written as text; a value that starts like a formula
  (`=`, `+`, `-`, `@`) is also marked "quote prefix", so that editing the cell in Excel or
  LibreOffice does not turn it into one.
- Bounded memory: write-only mode streams rows to a temporary file; the finished file is
  spooled to disk past a few megabytes and streamed to the client.
"""

import datetime as dt
import re
import tempfile
from dataclasses import dataclass

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reference.timezones import PARIS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# Control characters the XML of a spreadsheet cannot hold (openpyxl refuses them).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32_767  # Excel's limit for one cell
SPOOL_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 16


def cell(sheet, value):
    """One cell: dates as dates, numbers as numbers, everything else as text that is never a formula."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(PARIS).replace(tzinfo=None) if value.tzinfo else value
        result = WriteOnlyCell(sheet, value=value)
        result.number_format = DATETIME_FORMAT
        return result
    if isinstance(value, dt.date):
        result = WriteOnlyCell(sheet, value=value)
        result.number_format = DATE_FORMAT
        return result
    if value is None or isinstance(value, bool):
        value = "" if value is None else value
    elif not isinstance(value, int | float):
        value = ILLEGAL.sub("", str(value))[:MAX_TEXT]
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        result.data_type = "s"
        if value.startswith(FORMULA_START):
            result.quotePrefix = True
    return result


def workbook(columns, rows, *, title):
    """A finished `.xlsx` in a temporary file (rewound): one sheet named `title`, a header, the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=ILLEGAL.sub("", re.sub(r"[\[\]:*?/\\]", " ", str(title)))[:31] or "Export")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    bold, fill = Font(bold=True), PatternFill("solid", start_color="DDE3EA")
    header = []
    for column in columns:
        heading = cell(sheet, str(column.header))
        heading.font, heading.fill = bold, fill
        heading.alignment = Alignment(vertical="top", wrap_text=True)
        header.append(heading)
    sheet.append(header)
    for row in rows:
        sheet.append([cell(sheet, value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 – the response closes it
    book.save(out)
    out.seek(0)
    return out


def response(columns, rows, *, title, filename):
    """The `.xlsx` as a download."""
    return FileResponse(
        workbook(columns, rows, title=title), as_attachment=True, filename=filename, content_type=CONTENT_TYPE
    )
