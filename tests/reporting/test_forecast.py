"""The recovery forecast: roll rates and calibration fitted on hand-made months, the
projection rolling the buckets, the year beside the plan's targets, the back-test
against what happened, and the page (scoped to the branch)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.calendar import add_months
from reporting import forecast
from reporting.models import MonthlySummary

pytestmark = pytest.mark.django_db
D = Decimal


def month(m, stock, recovered="0"):
    return forecast.MonthFigures(
        m, {k: D(v) for k, v in zip(forecast.BUCKETS, stock, strict=True)}, D(recovered)
    )


def test_roll_rates_inflow_and_calibration_from_consecutive_months():
    jan, feb, mar = (datetime.date(2026, m, 1) for m in (1, 2, 3))
    months = [
        month(jan, ["100", "0", "0", "0", "0"]),
        # Of the 100: 60 rolled to 31-90 days, 40 left (30 recovered); 100 new arrears.
        month(feb, ["100", "60", "0", "0", "0"], recovered="30"),
        # Of the 100 new: 60 rolled; of the 60: 30 rolled (20 of what left recovered).
        month(mar, ["100", "60", "30", "0", "0"], recovered="50"),
    ]
    model = forecast.fit(months)
    assert model.roll["d0_30"] == D("0.6")
    assert model.roll["d31_90"] == D("0.5")
    assert model.inflow == D("100")
    # What left: 40 + (40 + 30) = 110; recovered 80.
    assert model.k == D("80") / D("110")
    [(_m, first), (_m2, second)] = forecast.project(
        model, months[-1].stock, [datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)]
    )
    # April: k x (100 x 0.4 + 60 x 0.5 + 30 x (1 - roll d91_180)).
    left = D("100") * D("0.4") + D("60") * D("0.5") + D("30") * (1 - model.roll["d91_180"])
    assert first == (model.k * left).quantize(D("0.01"))
    assert second > 0


def _summaries(branch, first, months, recovered):
    for i in range(months):
        m = add_months(first, i)
        MonthlySummary.objects.create(
            month=m,
            branch=branch,
            as_of=m,
            is_final=True,
            snapshot_on=m,
            recovered_accounts=D(recovered),
            aging_d0_30=D("1000"),
            aging_d31_90=D("600"),
            aging_d91_180=D("300"),
            aging_d181_365=D("150"),
            aging_d365_plus=D("2000"),
        )


def test_the_year_and_the_backtest_from_the_summaries(branch_ss):
    today = datetime.date(2026, 12, 1)
    _summaries(branch_ss, datetime.date(2024, 12, 1), 24, "250")
    year = forecast.forecast_year([branch_ss.pk], today)
    assert [m.month for m in year.months] == [datetime.date(2026, 12, 1)]
    # A steady state: the forecast recovers what every month recovered.
    assert year.months[0].forecast == D("250.00")
    test = forecast.backtest([branch_ss.pk], today)
    assert len(test.months) == 12 and test.months[0].month == datetime.date(2025, 12, 1)
    assert test.total_actual == D("3000.00") and test.error_pct == D("0.0")


def test_too_little_history_says_so(client, head):
    client.force_login(head)
    page = client.get(reverse("reporting:forecast")).content.decode()
    assert "Muy poca historia" in page and "Método" in page


def test_the_page_with_the_demo_like_history(client, head, branch_ss, branch_sm, agent_ss):
    _summaries(branch_ss, datetime.date(2024, 12, 1), 24, "250")
    client.force_login(head)
    page = client.get(reverse("reporting:forecast"), {"sucursal": branch_ss.pk}).content.decode()
    assert "Prueba retrospectiva" in page and "$250.00" in page
    assert client.get(reverse("reporting:forecast")).status_code == 200
    client.force_login(agent_ss)
    assert client.get(reverse("reporting:forecast")).status_code == 403


def test_the_forecast_page_has_bounded_queries(
    client, head, branch_ss, branch_sm, django_assert_max_num_queries
):
    _summaries(branch_ss, datetime.date(2024, 12, 1), 24, "250")
    _summaries(branch_sm, datetime.date(2024, 12, 1), 24, "100")
    client.force_login(head)
    # The two years of summaries read once (stock and flows); the plan and its targets;
    # the branches; the session's own.
    with django_assert_max_num_queries(18):
        assert client.get(reverse("reporting:forecast")).status_code == 200
