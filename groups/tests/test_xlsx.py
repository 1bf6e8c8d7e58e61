"""The shared spreadsheet writer: French headers as given, real dates, text never read as a formula."""

import datetime as dt
import io

import openpyxl
import pytest

from groups import xlsx
from reference.timezones import PARIS


def read(columns, rows, title="Feuille"):
    return openpyxl.load_workbook(xlsx.workbook(columns, rows, title=title))


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+33 6 12", "-2+3", "@SUM(A1)", "=1+1"])
def test_it_writes_what_looks_like_a_formula_as_text(value):
    sheet = read([xlsx.Column("Nom")], [[value]]).active
    assert sheet["A2"].value == value and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix


def test_it_writes_dates_and_times_as_dates_in_paris_time():
    moment = dt.datetime(2027, 3, 8, 8, 30, tzinfo=dt.UTC)
    sheet = read([xlsx.Column("Jour"), xlsx.Column("Heure")], [[dt.date(2027, 3, 8), moment]]).active
    assert sheet["A2"].value.date() == dt.date(2027, 3, 8) and sheet["A2"].is_date
    assert sheet["A2"].number_format == "DD/MM/YYYY"
    # Spreadsheets have no time zones: the Paris wall-clock time (UTC+1 in March).
    assert sheet["B2"].value.replace(tzinfo=PARIS) == moment and sheet["B2"].is_date


def test_it_freezes_a_bold_header_and_sets_the_widths():
    book = read([xlsx.Column("Échéance", 12), xlsx.Column("Titre", 40)], [["a", "b"]], title="Actions")
    assert book.sheetnames == ["Actions"]
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Échéance", "Titre"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 12 and sheet.column_dimensions["B"].width == 40


def test_it_keeps_numbers_and_drops_what_xml_cannot_hold():
    sheet = read([xlsx.Column("n"), xlsx.Column("t"), xlsx.Column("v")], [[3, "a\x00b\x1fc", None]]).active
    assert sheet["A2"].value == 3 and sheet["B2"].value == "abc" and sheet["C2"].value is None


def test_it_names_a_sheet_safely():
    name = read([xlsx.Column("a")], [], title="Groupe : [test]/x?" * 3).sheetnames[0]
    assert len(name) == 31 and not set("[]:*?/\\") & set(name)


def test_it_answers_a_download():
    response = xlsx.response([xlsx.Column("a")], [["b"]], title="T", filename="t.xlsx")
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="t.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["A2"].value == "b"
