from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(value):
    """$1,234.56"""
    return format_money(value)


@register.filter
def yearmonth(value):
    """A period as AAAA-MM."""
    return value.strftime("%Y-%m") if value else ""
