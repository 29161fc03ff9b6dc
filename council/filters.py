import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from council.models import (
    BoardSession,
    RequestKind,
    RequestStatus,
    SettlementRequest,
    Waiver,
    WaiverStatus,
)
from people.access import sees_all_branches
from people.filters import branch_filter
from people.models import Branch

MAX_MONEY_FILTER = 999_999_999_999


def _branches_of(user):
    """Every active branch, or only the user's own."""
    branches = Branch.objects.filter(is_active=True)
    if user is not None and not sees_all_branches(user):
        branches = branches.filter(pk=user.branch_id)
    return branches


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Employer"),
        method="filter_employer",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, NIT, number or request"), "type": "search"}
        ),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RequestKind.choices, empty_label=_("All")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=RequestStatus.choices, widget=forms.SelectMultiple
    )
    branch = branch_filter()
    session = django_filters.ModelChoiceFilter(
        label=_("Session"),
        field_name="submission__session",
        queryset=BoardSession.objects.all(),
        empty_label=_("All"),
    )
    waived_min = django_filters.NumberFilter(
        label=_("Waiver from ($)"),
        method="filter_waived_min",
        min_value=0,
        max_value=MAX_MONEY_FILTER,
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("Received up to"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = SettlementRequest
        fields = ["q", "kind", "status", "branch", "session"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["branch"].queryset = _branches_of(user)

    def filter_employer(self, queryset, name, value):
        from employers.search import normalize_search

        value = value.strip()
        if value.upper().startswith(("ST-", "DE-")):
            return queryset.filter(number__iexact=value)
        for word in normalize_search(value).split():
            queryset = queryset.filter(employer__search_text__contains=word)
        return queryset

    def filter_waived_min(self, queryset, name, value):
        from django.db.models import F

        return queryset.alias(waived=F("total_fines") + F("total_surcharges")).filter(
            waived__gte=value
        )


class WaiverFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=WaiverStatus.choices, empty_label=_("All")
    )
    branch = django_filters.ModelChoiceFilter(
        label=_("Branch"),
        field_name="request__branch",
        queryset=Branch.objects.none(),
        empty_label=_("All"),
    )

    class Meta:
        model = Waiver
        fields = ["status", "branch"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["branch"].queryset = _branches_of(user)
