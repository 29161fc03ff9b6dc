from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_money, to_cents


def test_money_is_written_as_el_salvador_writes_dollars():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    assert format_money(Decimal("-0.456")) == "-$0.46"
    assert format_money(Decimal("1000000")) == "$1,000,000.00"


def test_rounding_is_half_up():
    assert to_cents("0.005") == Decimal("0.01")
    assert to_cents("2.675") == Decimal("2.68")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_cents(0.1)


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False))
def test_formatting_keeps_every_cent(amount):
    text = format_money(amount)
    assert Decimal(text.replace("$", "").replace(",", "")) == amount
