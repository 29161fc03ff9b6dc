import django_tables2 as tables

from core.money import format_money


class MoneyColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return format_money(value)
