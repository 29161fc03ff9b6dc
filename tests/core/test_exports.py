"""Exports are safe to open: text that a spreadsheet would run as a formula is
neutralised in the one place every export goes through; numbers stay numbers."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.exports import safe_cell
from tests.factories import EmployerFactory, PeriodFactory

FORMULA = '=HYPERLINK("http://evil.example/","clic")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_would_start_a_formula_is_prefixed(start):
    assert safe_cell(start + "1+1") == "'" + start + "1+1"


def test_numbers_and_plain_text_are_left_alone():
    assert safe_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert safe_cell(-3) == -3
    assert safe_cell("Panadería") == "Panadería"


@pytest.mark.django_db
def test_a_formula_typed_as_a_name_is_text_in_both_formats(client, head, branch_ss):
    employer = EmployerFactory(branch=branch_ss, legal_name=FORMULA)
    PeriodFactory(employer=employer)
    client.force_login(head)
    url = reverse("employers:employer_list")

    csv_body = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body
    assert "\n=HYPERLINK" not in csv_body and ",=HYPERLINK" not in csv_body

    xlsx = client.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    names = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert names and all(cell.data_type == "s" and cell.value.startswith("'") for cell in names)
    assert any(isinstance(cell.value, (int, float)) for cell in cells)  # numbers stay numbers
