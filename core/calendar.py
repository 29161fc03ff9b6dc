"""The business-day calendar: weekends, national holidays and the institute's closing
days (the `Holiday` table), and the due dates computed from it."""

import datetime
from functools import lru_cache


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[datetime.date]:
    from core.models import Holiday

    return frozenset(Holiday.objects.filter(date__year=year).values_list("date", flat=True))


def preload_holidays(years) -> None:
    """Read the holiday table for these years now (e.g. before a COPY keeps the
    connection busy)."""
    for year in years:
        _holidays(year)


def clear_holiday_cache() -> None:
    _holidays.cache_clear()
    period_due_date.cache_clear()


def is_business_day(day: datetime.date) -> bool:
    """Not a weekend, a national holiday or an institutional closing day (the table)."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_business_day(day: datetime.date) -> datetime.date:
    """The day itself if it is a business day, else the next one."""
    while not is_business_day(day):
        day += datetime.timedelta(days=1)
    return day


@lru_cache(maxsize=4096)
def period_due_date(period: datetime.date, business_days: int = 10) -> datetime.date:
    """The 10th business day of the month after `period` (Planilla Única since 2023)."""
    day = (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    counted = 0
    while True:
        if is_business_day(day):
            counted += 1
            if counted == business_days:
                return day
        day += datetime.timedelta(days=1)


def add_months(period: datetime.date, months: int) -> datetime.date:
    index = period.year * 12 + period.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)
