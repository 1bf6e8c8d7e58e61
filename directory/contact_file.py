"""Reading a spreadsheet of contacts (CSV or .xlsx): its header recognised, its rows as dicts of text.

CSV: UTF-8 (with or without BOM) or Windows-1252, comma, semicolon or tab separated.
.xlsx: the first sheet, read in openpyxl's read-only mode. Headers in French or English,
compared without accents, case or punctuation.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# Column → accepted headers (normalised).
COLUMNS = {
    "last_name": ("nom", "nom_de_famille", "last_name", "lastname", "surname", "family_name", "name"),
    "first_name": ("prenom", "first_name", "firstname", "given_name"),
    "organisation": ("organisation", "organization", "structure", "organisme", "employeur", "company"),
    "job_title": ("fonction", "poste", "job_title", "job", "title", "titre"),
    "email": ("e_mail", "email", "courriel", "mail", "adresse_electronique", "adresse_e_mail", "adresse_mail"),
    "phone": ("telephone", "tel", "phone", "phone_number", "portable", "mobile"),
}
REQUIRED = ("last_name", "first_name", "organisation", "email")
HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def normalise(text):
    """'Prénom ' → 'prenom', 'E-mail' → 'e_mail'."""
    text = unicodedata.normalize("NFKD", str(text or "").strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def clean(value):
    """A cell as one line of text (a date or a number as written)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%d/%m/%Y")
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(CONTROL.sub(" ", str(value)).split())


def read(upload):
    """[(line number, {column: text})] of the file's non-empty rows; a ValidationError for an unreadable file."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s): %(max)s at most.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_BYTES)}
        )
    name = str(upload.name).lower()
    upload.seek(0)
    if name.endswith(".xlsx"):
        table = _xlsx_rows(upload)
    elif name.endswith((".csv", ".txt")):
        table = _csv_rows(upload.read())
    else:
        raise ValidationError(_("Choose a .csv or .xlsx file."))
    return _records(table)


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValidationError(_("This file is not a CSV file."))
    sample = text[:4096]
    delimiter = max([";", ",", "\t"], key=lambda d: sample.split("\n", 1)[0].count(d))
    return enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def _xlsx_rows(upload):
    from openpyxl import load_workbook

    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationError(_("This file is not a readable .xlsx spreadsheet.")) from None
    sheet = book.worksheets[0]
    return enumerate(sheet.iter_rows(values_only=True), start=1)


def _records(table):
    records, columns = [], None
    for line, cells in table:
        values = [clean(cell) for cell in cells]
        if not any(values):
            continue
        if columns is None:
            columns = _header(values)
            continue
        if len(records) >= MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)s rows: split it.") % {"max": MAX_ROWS})
        record = {column: values[index] if index < len(values) else "" for index, column in columns.items()}
        records.append((line, record))
    if columns is None:
        raise ValidationError(_("The file is empty."))
    return records


def _header(values):
    """{cell index: column} from the header row; a ValidationError naming the missing columns."""
    columns = {}
    for index, heading in enumerate(values):
        column = HEADER_TO_COLUMN.get(normalise(heading))
        if column and column not in columns.values():
            columns[index] = column
    missing = [column for column in REQUIRED if column not in columns.values()]
    if missing:
        names = ", ".join(column_names()[column] for column in missing)
        raise ValidationError(
            _(
                "Columns missing from the first row: %(names)s. Expected: last name, first name, organisation, "
                "job title, e-mail, phone."
            )
            % {"names": names}
        )
    return columns


def column_names():
    """The columns as a person calls them, in the reader's language."""
    return {
        "last_name": _("last name"),
        "first_name": _("first name"),
        "organisation": _("organisation"),
        "job_title": _("job title"),
        "email": _("e-mail"),
        "phone": _("phone"),
    }
