"""`{% estimate e rate %}` and `{% difference d rate %}`: a comparison's figure with its
95 % interval, a rate as a percentage and an amount in dollars."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from core.money import format_money

register = template.Library()


def _figure(value, rate: bool) -> str:
    if rate:
        return f"{value * 100:.1f} %"
    return format_money(Decimal(str(round(value, 2))))


@register.simple_tag
def estimate(e, rate: bool):
    if e.value is None:
        return "—"
    if e.low is None:
        return _figure(e.value, rate)
    return format_html(
        '{}<br><small class="muted">{} – {}</small>',
        _figure(e.value, rate),
        _figure(e.low, rate),
        _figure(e.high, rate),
    )


@register.simple_tag
def difference(d, rate: bool):
    if d.value is None:
        return "—"
    sign = "+" if d.value > 0 else ""
    return format_html(
        '{}{}<br><small class="muted">{} – {}</small>',
        sign,
        _figure(d.value, rate),
        _figure(d.low, rate),
        _figure(d.high, rate),
    )
