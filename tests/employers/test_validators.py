import pytest
from django.core.exceptions import ValidationError

from employers.validators import format_nit, normalize_dui, normalize_nit


@pytest.mark.parametrize("dui", ["00016297-5", "02495046-3", "12345678-4", "024950463"])
def test_valid_dui_is_normalised_to_digits(dui):
    assert normalize_dui(dui) == dui.replace("-", "")


@pytest.mark.parametrize("dui", ["00016297-4", "12345678-0", "1234567-4", "abcdefgh-i", ""])
def test_invalid_dui_is_refused(dui):
    with pytest.raises(ValidationError):
        normalize_dui(dui)


@pytest.mark.parametrize(
    "nit", ["0614-050707-104-8", "0614-051286-129-4", "9615-050483-100-4", "06140507071048"]
)
def test_valid_nit_is_normalised_to_14_digits(nit):
    assert normalize_nit(nit) == nit.replace("-", "")


def test_a_persons_dui_is_accepted_as_nit():
    assert normalize_nit("02495046-3") == "024950463"


@pytest.mark.parametrize(
    "nit, code",
    [
        ("0614-050707-104-0", "nit_check"),
        ("0614-050707-104", "nit_format"),
        ("0614-05O707-104-8", "nit_format"),
        ("02495046-4", "nit_check"),
    ],
)
def test_invalid_nit_is_refused_with_its_reason(nit, code):
    with pytest.raises(ValidationError) as info:
        normalize_nit(nit)
    assert info.value.code == code


def test_nit_is_shown_with_its_hyphens():
    assert format_nit("06140507071048") == "0614-050707-104-8"
    assert format_nit("024950463") == "02495046-3"
