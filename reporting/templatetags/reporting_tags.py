from decimal import Decimal

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def kpi_format(value, kind: str) -> str:
    """A KPI's value as the pages print it: money, percent, days or a count."""
    if value is None:
        return "—"
    if kind == "money":
        return format_money(value)
    if kind == "percent":
        return f"{Decimal(value) * 100:.1f} %".replace(".", ",", 0)
    if kind == "days":
        return f"{value} d"
    return f"{value:,}" if isinstance(value, int) else str(value)
