import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.filters import agent_filter, branch_filter, scope_branch_and_agent
from recovery.models import CaseStatus, RecoveryCase

# A century of days; the largest amount a money column (14 digits, 2 decimals) holds.
MAX_DAYS_FILTER = 36_500
MAX_MONEY_FILTER = 999_999_999_999


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Employer"),
        method="filter_employer",
        widget=forms.TextInput(attrs={"placeholder": _("Name, NIT or number"), "type": "search"}),
    )
    branch = branch_filter()
    agent = agent_filter()
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=CaseStatus.choices, widget=forms.SelectMultiple
    )
    # Every numeric filter has a ceiling the column and the date arithmetic can hold:
    # a larger number is a form error shown beside the field, never a 500.
    debt_min = django_filters.NumberFilter(
        label=_("Debt from ($)"),
        field_name="debt",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_MONEY_FILTER,
    )
    debt_max = django_filters.NumberFilter(
        label=_("Debt up to ($)"),
        field_name="debt",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_MONEY_FILTER,
    )
    days_late = django_filters.NumberFilter(
        label=_("Days late at least"),
        method="filter_days_late",
        min_value=0,
        max_value=MAX_DAYS_FILTER,
    )
    closed_from = django_filters.DateFilter(
        label=_("Closed from"),
        field_name="closed_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closed_to = django_filters.DateFilter(
        label=_("Closed up to"),
        field_name="closed_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    idle_days = django_filters.NumberFilter(
        label=_("No action for N days"),
        method="filter_idle",
        min_value=0,
        max_value=MAX_DAYS_FILTER,
    )

    class Meta:
        model = RecoveryCase
        fields = ["q", "branch", "agent", "status", "debt_min", "debt_max"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_branch_and_agent(self, user)

    def filter_employer(self, queryset, name, value):
        from employers.search import normalize_search

        for word in normalize_search(value).split():
            queryset = queryset.filter(employer__search_text__contains=word)
        return queryset

    def filter_days_late(self, queryset, name, value):
        limit = timezone.localdate() - datetime.timedelta(days=int(value))
        return queryset.filter(oldest_due__lte=limit)

    def filter_idle(self, queryset, name, value):
        limit = timezone.localdate() - datetime.timedelta(days=int(value))
        return queryset.filter(Q(last_action_on__lte=limit) | Q(last_action_on__isnull=True))
