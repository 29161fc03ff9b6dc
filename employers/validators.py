"""Salvadoran identifiers: NIT (tax id) and DUI (personal id).

Both are stored as digits only and shown with their hyphens.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.sv import nit as stdnum_nit

DUI_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def digits_only(value: str) -> str:
    return "".join(ch for ch in str(value) if not ch.isspace() and ch != "-")


def dui_check_digit(first_eight: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_eight, DUI_WEIGHTS, strict=True))
    return str((10 - total % 10) % 10)


def normalize_dui(value: str) -> str:
    """Return the DUI as 9 digits, or raise ValidationError with the reason."""
    number = digits_only(value)
    if not number.isdigit() or len(number) != 9:
        raise ValidationError(
            _("A DUI has 9 digits (########-#)."), code="dui_format", params={"value": value}
        )
    if number[-1] != dui_check_digit(number[:8]):
        raise ValidationError(_("The DUI check digit is not valid."), code="dui_check")
    return number


def normalize_nit(value: str) -> str:
    """Return the NIT as digits: 14 for a NIT, 9 for a person's DUI used as NIT.

    Since 2021 a natural person's NIT is their DUI, so both forms are accepted.
    """
    number = digits_only(value)
    if len(number) == 9:
        try:
            return normalize_dui(number)
        except ValidationError:
            raise ValidationError(
                _("The NIT (a DUI) check digit is not valid."), code="nit_check"
            ) from None
    if not number.isdigit() or len(number) != 14:
        raise ValidationError(
            _("A NIT has 14 digits (####-######-###-#) or is a DUI (########-#)."),
            code="nit_format",
        )
    try:
        return stdnum_nit.validate(number)
    except StdnumError:
        raise ValidationError(_("The NIT check digit is not valid."), code="nit_check") from None


def validate_nit(value: str) -> None:
    normalize_nit(value)


def validate_dui(value: str) -> None:
    normalize_dui(value)


def format_nit(value: str) -> str:
    if len(value) == 14:
        return f"{value[:4]}-{value[4:10]}-{value[10:13]}-{value[13]}"
    return format_dui(value)


def format_dui(value: str) -> str:
    if len(value) == 9:
        return f"{value[:8]}-{value[8]}"
    return value
