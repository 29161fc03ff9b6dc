from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.money import amount_in_words

UNITS = {
    "CERO": 0,
    "UN": 1,
    "UNO": 1,
    "DOS": 2,
    "TRES": 3,
    "CUATRO": 4,
    "CINCO": 5,
    "SEIS": 6,
    "SIETE": 7,
    "OCHO": 8,
    "NUEVE": 9,
    "DIEZ": 10,
    "ONCE": 11,
    "DOCE": 12,
    "TRECE": 13,
    "CATORCE": 14,
    "QUINCE": 15,
    "DIECISÉIS": 16,
    "DIECISIETE": 17,
    "DIECIOCHO": 18,
    "DIECINUEVE": 19,
    "VEINTE": 20,
    "VEINTIÚN": 21,
    "VEINTIDÓS": 22,
    "VEINTITRÉS": 23,
    "VEINTICUATRO": 24,
    "VEINTICINCO": 25,
    "VEINTISÉIS": 26,
    "VEINTISIETE": 27,
    "VEINTIOCHO": 28,
    "VEINTINUEVE": 29,
    "TREINTA": 30,
    "CUARENTA": 40,
    "CINCUENTA": 50,
    "SESENTA": 60,
    "SETENTA": 70,
    "OCHENTA": 80,
    "NOVENTA": 90,
    "CIEN": 100,
    "CIENTO": 100,
    "DOSCIENTOS": 200,
    "TRESCIENTOS": 300,
    "CUATROCIENTOS": 400,
    "QUINIENTOS": 500,
    "SEISCIENTOS": 600,
    "SETECIENTOS": 700,
    "OCHOCIENTOS": 800,
    "NOVECIENTOS": 900,
}


def parse_spanish(words: str) -> int:
    """An independent reader of the words, to check them against the number."""
    total, group = 0, 0
    for word in words.split():
        if word == "Y":
            continue
        if word == "MIL":
            group = group or 1
            total += group * 1000
            group = 0
        elif word in {"MILLÓN", "MILLONES"}:
            total = (total + group) * 1_000_000
            group = 0
        else:
            group += UNITS[word]
    return total + group


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1234.56", "UN MIL DOSCIENTOS TREINTA Y CUATRO 56/100 DÓLARES"),
        ("0.00", "CERO 00/100 DÓLARES"),
        ("1.00", "UN 00/100 DÓLAR"),
        ("1.01", "UN 01/100 DÓLAR"),
        ("1.99", "UN 99/100 DÓLAR"),
        ("21000.00", "VEINTIÚN MIL 00/100 DÓLARES"),
        ("100.10", "CIEN 10/100 DÓLARES"),
        ("1000000.00", "UN MILLÓN 00/100 DÓLARES"),
        ("1001000.05", "UN MILLÓN UN MIL 05/100 DÓLARES"),
        ("71.01", "SETENTA Y UN 01/100 DÓLARES"),
    ],
)
def test_known_amounts_are_written_as_the_institute_writes_them(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@settings(max_examples=300)
@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2))
def test_the_words_always_say_the_amount(amount):
    text = amount_in_words(amount)
    words, cents, currency = text.rsplit(" ", 2)
    assert text == text.upper()
    assert currency in {"DÓLARES", "DÓLAR"}
    assert cents == f"{int(amount * 100) % 100:02d}/100"
    assert parse_spanish(words) == int(amount)
    assert " UNO " not in f" {words} " and "VEINTIUNO" not in words
    assert not words.startswith("MIL")


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1"))
