"""Reading an indicators CSV file: every row checked, or a report of what is wrong (SPEC.md, "CSV import").

`check_rows` streams a file into checked rows and a list of errors (row, column, why, in
the reader's language). `indicators.staging` puts the rows in a table, where the database
finds duplicate keys, sums full ROME codes of one domain (F1703 and F1704 → F) and
compares them with the observations; `indicators.importing` chains the steps.
"""

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reference.models import STAGE_ORDER, Domain, Nomenclature, Territory
from reference.pickers import insee_code

# Canonical column → accepted headers, compared without accents, case or punctuation.
COLUMNS = {
    "period": ("period", "periode", "annee_mois", "date"),
    "territory": ("territory", "territoire", "code_territoire", "territory_code"),
    "level": ("niveau", "level", "niveau_territoire", "territory_level"),
    "nomenclature": ("nomenclature",),
    "domain": ("domain", "domaine", "code_domaine", "domain_code", "rome", "code_rome"),
    "stage": ("stage", "etape"),
    "women": ("women", "femmes", "f"),
    "men": ("men", "hommes", "h"),
    "unknown": ("unknown", "non_renseigne", "non_renseignes", "nr", "inconnu"),
}
REQUIRED = ("period", "territory", "domain", "stage", "women", "men")
# The French header named in reports.
FRENCH_NAMES = {
    "period": "période",
    "territory": "territoire",
    "level": "niveau",
    "nomenclature": "nomenclature",
    "domain": "domaine",
    "stage": "étape",
    "women": "femmes",
    "men": "hommes",
    "unknown": "non_renseigne",
}
STAGE_ALIASES = {
    **{s: s for s in STAGE_ORDER},
    "sensibilise": "sensibilises",
    "accueilli": "accueillis",
    "oriente": "orientes",
    "awareness": "sensibilises",
    "reception": "accueillis",
    "oriented": "orientes",
    "training": "formation",
    "work_study": "alternance",
    "apprenticeship": "alternance",
    "employment": "emploi",
}
LEVEL_ALIASES = {
    "pays": Territory.Level.COUNTRY,
    "country": Territory.Level.COUNTRY,
    "region": Territory.Level.REGION,
    "departement": Territory.Level.DEPARTEMENT,
    "department": Territory.Level.DEPARTEMENT,
    "mission_locale": Territory.Level.MISSION_LOCALE,
    "ml": Territory.Level.MISSION_LOCALE,
}
NOMENCLATURE_ALIASES = {"rome": "rome", "fap2009": "fap2009", "fap": "fap2009"}
PERIOD = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?$")
ROME_CODE = re.compile(r"^([A-N])(\d{4})?$")
THOUSANDS = re.compile(r"[\s\u00a0\u202f']")


def normalise(text):
    """Lower case, no accents, words joined by underscores: 'Non renseigné' → 'non_renseigne'."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


MAX_COUNT = 2_147_483_647  # what the database's integer columns hold
MAX_CELL = 200  # characters: no code, period or count is longer; a longer cell is an error
ERRORS_KEPT = 200  # errors named in a report; the others are counted


@dataclass
class Row:
    line: int
    year: int
    month: int
    territory_id: int
    domain_id: int
    stage: str
    women: int
    men: int
    unknown: int
    code: str = ""  # the domain code as written in the file (F1703), before the roll-up

    @property
    def is_detail(self):
        """Written as a full ROME code (F1703), rolled up to its domain: summed with its peers."""
        match = ROME_CODE.match(self.code)
        return bool(match and match.group(2))


@dataclass
class Parsed:
    """What is wrong with a file: the first ERRORS_KEPT errors, and how many there are."""

    errors: list = field(default_factory=list)  # (line or None, column or None, message)
    error_count: int = 0

    @property
    def ok(self):
        return not self.error_count

    def error(self, line, column, message):
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append((line, column, message))

    def report(self):
        """The errors as French sentences, one a line, in the order of the file."""
        lines = []
        for line, column, message in sorted(self.errors, key=lambda e: e[0] or 0):
            where = []
            if line is not None:
                where.append(_("line %(line)s") % {"line": line})
            if column is not None:
                where.append(_("column “%(column)s”") % {"column": FRENCH_NAMES.get(column, column)})
            prefix = ", ".join(where)
            lines.append(f"{prefix[:1].upper()}{prefix[1:]} : {message}" if prefix else message)
        more = self.error_count - len(self.errors)
        if more > 0:
            lines.append(ngettext("… and %(n)s other error.", "… and %(n)s other errors.", more) % {"n": more})
        return lines


BOM = b"\xef\xbb\xbf"
CHUNK = 1 << 20


def open_text(binary):
    """A text stream over a binary file: UTF-8 (BOM or not) when all of it decodes, else Windows-1252.

    One pass over the bytes decides, a chunk at a time; then the file is read again as text.
    """
    bom = binary.read(3) == BOM
    start = 3 if bom else 0
    binary.seek(start)
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding = "utf-8"
    try:
        for chunk in iter(lambda: binary.read(CHUNK), b""):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        encoding = "cp1252"
    binary.seek(start)
    head = binary.read(64 * 1024).decode(encoding, errors="replace")
    binary.seek(start)
    first = next((line for line in head.splitlines() if line.strip()), "")
    return io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline=""), first


def _delimiter(header_line):
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def parse_count(raw):
    """'1 234' (normal or no-break space), '1234' → 1234; anything else → a French reason."""
    text = THOUSANDS.sub("", raw or "")
    if text == "":
        return None, _("the count is missing")
    if re.fullmatch(r"\d+", text):
        if int(text) > MAX_COUNT:
            return None, _("the count “%(value)s” is larger than the database holds (%(max)s)") % {
                "value": raw.strip(),
                "max": number_format(MAX_COUNT, force_grouping=True),
            }
        return int(text), None
    if re.fullmatch(r"-\d+([.,]\d+)?", text):
        return None, _("the count “%(value)s” is negative") % {"value": raw.strip()}
    if re.fullmatch(r"\d+[.,]\d+", text):
        # "1,000" may be a thousand or one: a count is written without a decimal mark.
        return None, _("the count “%(value)s” is not a whole number") % {"value": raw.strip()}
    return None, _("“%(value)s” is not a number") % {"value": raw.strip()[:MAX_CELL]}


class Lookups:
    """The reference codes, loaded once per file."""

    def __init__(self):
        rows = list(Territory.objects.values_list("code", "id", "level"))
        self.territories = {code: pk for code, pk, _level in rows}
        # With a `niveau` column, a code is read at that level: "53" as a département is Mayenne (D53).
        self.at_level = {(level, code): pk for code, pk, level in rows}
        self.at_level.update({(level, insee_code(code, level)): pk for code, pk, level in rows})
        self.domains = {(n, c): pk for n, c, pk in Domain.objects.values_list("nomenclature", "code", "id")}

    def territory(self, raw, level=None):
        code = raw.strip().upper()
        if code.isdigit() and len(code) == 1:  # spreadsheets drop the leading zero
            code = "0" + code
        if level:
            return self.at_level.get((level, code))
        return self.territories.get(code)

    def domain(self, nomenclature, raw):
        code = raw.strip().upper()
        if nomenclature == Nomenclature.ROME:
            match = ROME_CODE.match(code)
            code = match.group(1) if match else code
        return self.domains.get((nomenclature, code))


def check_rows(binary, parsed, lookups=None, progress=None):
    """Yield each good row of a CSV file (a binary file object); errors go to `parsed`.

    The file is streamed: memory does not grow with its size. `progress(rows, bytes)` is
    called every PROGRESS_EVERY rows. Duplicate keys and the roll-up of full ROME codes
    are left to indicators.staging, which sees the whole file.
    """
    text, first = open_text(binary)
    if not first:
        parsed.error(None, None, _("The file is empty."))
        return
    reader = csv.reader(text, delimiter=_delimiter(first))
    columns = None
    lookups = lookups or Lookups()
    rows = 0
    for record in _records(reader, parsed):
        if columns is None:
            columns = _header(record, reader.line_num, parsed)
            if not parsed.ok:
                return
            continue
        rows += 1
        if progress is not None and rows % PROGRESS_EVERY == 0:
            progress(rows, binary.tell())
        row = _check_row(record, reader.line_num, columns, lookups, parsed)
        if row is not None:
            yield row
    if columns is None:
        parsed.error(None, None, _("The file is empty."))
    if progress is not None:
        progress(rows, binary.tell())


PROGRESS_EVERY = 10_000


def _records(reader, parsed):
    """The file's non-blank records; a cell past the csv module's limit (131,072 characters)
    stops the reader with a row error: the rest cannot be read."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            parsed.error(reader.line_num, None, _("a cell is too long or malformed; the file cannot be read further"))
            return
        if any(cell.strip() for cell in record):
            yield record


def _header(record, line, parsed):
    """{column: index} from the header row; unknown, repeated or missing columns are errors."""
    columns = {}
    for index, name in enumerate(record):
        key = normalise(name)
        if not key:
            continue  # a trailing separator
        column = HEADER_TO_COLUMN.get(key)
        if column is None:
            parsed.error(line, None, _("unknown column “%(name)s”") % {"name": name.strip()})
        elif column in columns:
            parsed.error(line, column, _("this column appears twice"))
        else:
            columns[column] = index
    for column in REQUIRED:
        if column not in columns:
            parsed.error(None, column, _("this column is missing"))
    return columns


def _check_row(record, line, columns, lookups, parsed):
    def cell(column):
        index = columns.get(column)
        return record[index].strip() if index is not None and index < len(record) else ""

    with_nul = [i for i, value in enumerate(record) if "\x00" in value]
    if with_nul:  # no database stores it (PostgreSQL refuses it outright)
        parsed.error(line, {i: c for c, i in columns.items()}.get(with_nul[0]), _("this cell holds a NUL character"))
        return None
    too_long = [i for i, value in enumerate(record) if len(value) > MAX_CELL]
    if too_long:
        names = {i: c for c, i in columns.items()}
        column = names.get(too_long[0])
        parsed.error(
            line,
            column,
            _("this cell holds %(n)s characters, more than %(max)s") % {"n": len(record[too_long[0]]), "max": MAX_CELL},
        )
        return None
    errors_before = parsed.error_count
    year, month = _period(cell("period"), line, parsed)
    territory_id = _territory(cell("territory"), cell("level"), line, lookups, parsed)
    domain_id = _domain(cell("nomenclature"), cell("domain"), line, lookups, parsed)
    stage = STAGE_ALIASES.get(normalise(cell("stage")))
    if stage is None:
        parsed.error(line, "stage", _("unknown stage “%(value)s”") % {"value": cell("stage")})
    counts = {}
    for column in ("women", "men", "unknown"):
        raw = cell(column)
        if column == "unknown" and raw == "":
            counts[column] = 0
            continue
        value, problem = parse_count(raw)
        if problem:
            parsed.error(line, column, problem)
        counts[column] = value
    if parsed.error_count > errors_before:
        return None
    return Row(line, year, month, territory_id, domain_id, stage, **counts, code=cell("domain").upper())


def _territory(code, level_cell, line, lookups, parsed):
    """The territory's id, read at the row's level when the file has a `niveau` column."""
    level = None
    if level_cell:
        level = LEVEL_ALIASES.get(normalise(level_cell))
        if level is None:
            parsed.error(line, "level", _("unknown level “%(value)s”") % {"value": level_cell})
            return None
    territory_id = lookups.territory(code, level)
    if territory_id is None and level:
        parsed.error(
            line,
            "territory",
            _("unknown territory “%(value)s” at the level “%(level)s”") % {"value": code, "level": level_cell},
        )
    elif territory_id is None:
        parsed.error(line, "territory", _("unknown territory “%(value)s”") % {"value": code})
    return territory_id


def _period(value, line, parsed):
    """(year, month) of "2024" or "2024-03"; month 0 is the whole year."""
    match = PERIOD.match(value)
    if match and 1900 <= int(match.group(1)) <= 2100 and 0 <= int(match.group(2) or 0) <= 12:
        return int(match.group(1)), int(match.group(2) or 0)
    parsed.error(line, "period", _("“%(value)s” is not a year (2024) or a month (2024-03)") % {"value": value})
    return None, None


def _domain(nomenclature_cell, domain_cell, line, lookups, parsed):
    """The domain's id in its nomenclature (ROME when the column is absent), or None with an error."""
    nomenclature = NOMENCLATURE_ALIASES.get(normalise(nomenclature_cell) or "rome")
    if nomenclature is None:
        parsed.error(line, "nomenclature", _("unknown nomenclature “%(value)s”") % {"value": nomenclature_cell})
        return None
    domain_id = lookups.domain(nomenclature, domain_cell)
    if domain_id is None:
        parsed.error(
            line,
            "domain",
            _("unknown domain “%(value)s” in the %(nomenclature)s nomenclature")
            % {"value": domain_cell, "nomenclature": nomenclature},
        )
    return domain_id
