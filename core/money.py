"""Money: Decimal with two places, rounded half up. The one rounding helper."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Every money column: DecimalField(**MONEY).
MONEY = {"max_digits": 14, "decimal_places": 2}
# The largest amount such a column holds.
MAX_AMOUNT = Decimal("999999999999.99")


def to_cents(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(value: Decimal | None) -> str:
    """$1,234.56 as El Salvador writes US dollars; negatives as -$1,234.56."""
    if value is None:
        return ""
    amount = to_cents(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def amount_in_words(value: Decimal | str) -> str:
    """The amount as the institute writes it on documents.

    1234.56 -> "UN MIL DOSCIENTOS TREINTA Y CUATRO 56/100 DÓLARES". Before a noun
    (mil, millones, dólares) "uno" becomes "un" and "veintiuno" "veintiún"; a thousand
    is written "un mil".
    """
    import re

    from num2words import num2words

    amount = to_cents(value)
    if amount < 0:
        raise ValueError("Amounts in words are never negative.")
    units = int(amount)
    cents = int((amount - units) * 100)
    words = "cero" if units == 0 else num2words(units, lang="es")
    words = re.sub(r"\bveintiuno\b", "veintiún", words)
    words = re.sub(r"\buno\b", "un", words)
    words = re.sub(r"(^|millón |millones )mil\b", r"\1un mil", words)
    # The noun agrees with the whole dollars written before it, whatever the cents:
    # "UN 00/100 DÓLAR" and "UN 01/100 DÓLAR", like "DOS 50/100 DÓLARES".
    currency = "DÓLAR" if units == 1 else "DÓLARES"
    return f"{words.upper()} {cents:02d}/100 {currency}"
