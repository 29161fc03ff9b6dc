import pytest
from django.db import connection

from core.sql import set_based


def _setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_set_based_statements_plan_without_nested_loops_and_the_caller_gets_its_settings_back():
    with set_based() as cursor:
        cursor.execute("SHOW enable_nestloop")
        inside = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit_inside = cursor.fetchone()[0]

    assert (inside, jit_inside) == ("off", "off")
    assert _setting("enable_nestloop") == "on"


@pytest.mark.django_db
def test_a_failed_set_based_block_leaves_the_settings_as_they_were():
    with pytest.raises(ValueError), set_based():
        raise ValueError("a statement failed")
    assert _setting("enable_nestloop") == "on"
