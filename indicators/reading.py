"""Reading an indicators CSV file: every row checked, or a report of what is wrong (SPEC.md, "CSV import").

`read_file` turns bytes into checked rows or a list of errors (row, column, why, in the
reader's language); rows whose full ROME codes roll up to the same domain (F1703 and
F1704 → F) are summed into one observation. `indicators.importing` compares and writes them.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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
    lines: list = field(default_factory=list)  # the file's lines summed into this row
    previous: tuple | None = None  # (women, men, unknown) in the database, when the plan changes them

    def __post_init__(self):
        self.lines = self.lines or [self.line]

    @property
    def key(self):
        """The observation's key, after the roll-up (F1703 → F)."""
        return (self.year, self.month, self.territory_id, self.domain_id, self.stage)

    @property
    def raw_key(self):
        """The key as written: the same code twice in it is a duplicate, F1703 and F1704 are not."""
        return (*self.key, self.code)

    @property
    def is_detail(self):
        """Written as a full ROME code (F1703), rolled up to its domain: summed with its peers."""
        match = ROME_CODE.match(self.code)
        return bool(match and match.group(2))

    def absorb(self, other):
        """Add the counts of a row that rolls up to the same observation."""
        self.women += other.women
        self.men += other.men
        self.unknown += other.unknown
        self.lines.extend(other.lines)


@dataclass
class Parsed:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (line or None, column or None, message)

    @property
    def ok(self):
        return not self.errors

    def error(self, line, column, message):
        self.errors.append((line, column, message))

    def report(self):
        """The errors as French sentences, one a line."""
        lines = []
        for line, column, message in self.errors:
            where = []
            if line is not None:
                where.append(_("line %(line)s") % {"line": line})
            if column is not None:
                where.append(_("column “%(column)s”") % {"column": FRENCH_NAMES.get(column, column)})
            prefix = ", ".join(where)
            lines.append(f"{prefix[:1].upper()}{prefix[1:]} : {message}" if prefix else message)
        return lines


def decode(data):
    """UTF-8 with or without BOM, else Windows-1252 (French Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line):
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def parse_count(raw):
    """'1 234' (normal or no-break space), '1234' → 1234; anything else → a French reason."""
    text = THOUSANDS.sub("", raw or "")
    if text == "":
        return None, _("the count is missing")
    if re.fullmatch(r"\d+", text):
        return int(text), None
    if re.fullmatch(r"-\d+([.,]\d+)?", text):
        return None, _("the count “%(value)s” is negative") % {"value": raw.strip()}
    if re.fullmatch(r"\d+[.,]\d+", text):
        # "1,000" may be a thousand or one: a count is written without a decimal mark.
        return None, _("the count “%(value)s” is not a whole number") % {"value": raw.strip()}
    return None, _("“%(value)s” is not a number") % {"value": raw.strip()}


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


def read_file(data, lookups=None):
    """Parse and check every row of a CSV file given as bytes."""
    parsed = Parsed()
    text = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        parsed.error(None, None, _("The file is empty."))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    columns = None
    lookups = lookups or Lookups()
    seen = {}  # raw key → line
    merged = {}  # key after the roll-up → Row
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if columns is None:
            columns = _header(record, reader.line_num, parsed)
            if not parsed.ok:
                return parsed
            continue
        row = _check_row(record, reader.line_num, columns, lookups, parsed)
        if row is not None:
            _merge(row, seen, merged, parsed)
    if columns is None:
        parsed.error(None, None, _("The file is empty."))
    return parsed


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


def _merge(row, seen, merged, parsed):
    """Add a checked row: a duplicate key is an error; details of one domain (F1703, F1704) add up."""
    if row.raw_key in seen:
        parsed.error(row.line, None, _("the same key already appears on line %(line)s") % {"line": seen[row.raw_key]})
        return
    seen[row.raw_key] = row.line
    other = merged.get(row.key)
    if other is not None and not (row.is_detail and other.is_detail):
        # A domain's own total (F) beside its detail (F1703): summing would count twice.
        parsed.error(
            row.line,
            "domain",
            _(
                "“%(code)s” and “%(other)s” on line %(line)s count the same people (a domain's total and "
                "its detail): keep one or the other"
            )
            % {"code": row.code, "other": other.code, "line": other.line},
        )
    elif other is not None:
        other.absorb(row)
    else:
        merged[row.key] = row
        parsed.rows.append(row)


def _check_row(record, line, columns, lookups, parsed):
    def cell(column):
        index = columns.get(column)
        return record[index].strip() if index is not None and index < len(record) else ""

    errors_before = len(parsed.errors)
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
    if len(parsed.errors) > errors_before:
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
