import datetime
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from employers.models import Department, Employer, EmployerStatus, Sector
from people.access import sees_all_branches
from people.models import Branch

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A year-month typed as AAAA-MM (what <input type=month> sends)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Write the month as AAAA-MM."), code="month")
        return datetime.date(int(match[1]), int(match[2]), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, trade name, NIT or number"), "type": "search"}
        ),
    )
    branch = django_filters.ModelChoiceFilter(
        label=_("Branch"), queryset=Branch.objects.none(), empty_label=_("All")
    )
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmployerStatus.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), empty_label=_("All")
    )
    min_arrears = django_filters.NumberFilter(
        label=_("Minimum arrears ($)"),
        field_name="arrears",
        lookup_expr="gte",
        min_value=0,
        max_value=999_999_999_999,  # the most a money column holds
    )
    oldest_before = MonthFilter(
        label=_("Oldest period owed up to"),
        field_name="oldest_arrears_period",
        lookup_expr="lte",
    )

    class Meta:
        model = Employer
        fields = ["q", "branch", "sector", "status", "department", "min_arrears", "oldest_before"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.filter(is_active=True)
        if user is not None and not sees_all_branches(user):
            branches = branches.filter(pk=user.branch_id)
        self.filters["branch"].queryset = branches
        for name in ("sector", "status"):
            self.filters[name].extra["empty_label"] = _("All")

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
