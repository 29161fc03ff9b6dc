import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agreements.schedule import build_schedule, split_in_cents
from core.calendar import is_business_day


def test_remainder_goes_on_the_last_installment():
    assert split_in_cents(Decimal("100.00"), 3) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]


@pytest.mark.django_db
def test_due_dates_move_off_weekends_and_holidays():
    # 15/09/2024 (Independence Day) was a Sunday; 16/09 a Monday.
    plan = build_schedule(
        total=Decimal("300"),
        down_payment=Decimal("0"),
        installments=3,
        first_due_date=datetime.date(2024, 8, 15),
    )
    assert [p.due_date for p in plan] == [
        datetime.date(2024, 8, 15),
        datetime.date(2024, 9, 16),
        datetime.date(2024, 10, 15),
    ]
    christmas = build_schedule(
        total=Decimal("10"),
        down_payment=Decimal("0"),
        installments=1,
        first_due_date=datetime.date(2025, 12, 25),
    )
    assert christmas[0].due_date == datetime.date(2025, 12, 26)


@pytest.mark.django_db
def test_institutional_closing_days_count_as_holidays():
    from core.calendar import clear_holiday_cache
    from core.models import Holiday

    Holiday.objects.create(date=datetime.date(2030, 12, 30), name="Cierre", kind="institutional")
    clear_holiday_cache()
    assert not is_business_day(datetime.date(2030, 12, 30))
    clear_holiday_cache()


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(
    total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
    down_share=st.integers(min_value=0, max_value=100),
    installments=st.integers(min_value=1, max_value=48),
    first=st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2035, 12, 1)),
    frequency=st.sampled_from(["monthly", "biweekly"]),
)
def test_installments_always_add_up_none_negative_all_on_business_days(
    total, down_share, installments, first, frequency
):
    down = (total * down_share / 100).quantize(Decimal("0.01"))
    plan = build_schedule(
        total=total,
        down_payment=down,
        installments=installments,
        first_due_date=first,
        frequency=frequency,
        down_payment_date=first,
    )
    assert sum(p.amount for p in plan) == total
    assert all(p.amount >= 0 for p in plan)
    assert all(is_business_day(p.due_date) for p in plan)
    dates = [p.due_date for p in plan if p.number > 0]
    assert dates == sorted(dates)
    assert len([p for p in plan if p.number > 0]) == installments
