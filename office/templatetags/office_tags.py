from decimal import Decimal

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def figure(line: dict) -> str:
    """A frozen evaluation figure ({"value": text, "kind": ...}) as the pages print it."""
    value, kind = line.get("value", ""), line.get("kind", "text")
    if value == "":
        return "—"
    if kind == "money":
        return format_money(Decimal(value))
    if kind == "percent":
        return f"{Decimal(value) * 100:.1f} %"
    if kind == "count":
        return f"{int(value):,}"
    return value
