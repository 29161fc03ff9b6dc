from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(value):
    """$1,234.56"""
    return format_money(value)


@register.filter
def yearmonth(value):
    """A period as the institute writes it on paper and screen: MM/AAAA (06/2026).
    Exports keep AAAA-MM, which sorts and which the account system reads."""
    return value.strftime("%m/%Y") if value else ""
