import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employers.models import Employer
from people.filters import branch_filter, visible_branches
from prescription.models import PeriodClock
from prescription.services import warning_days


class ClockFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Employer"),
        method="filter_employer",
        widget=forms.TextInput(attrs={"placeholder": _("Name, NIT or number"), "type": "search"}),
    )
    branch = branch_filter()
    branch.field_name = "employer__branch"
    state = django_filters.ChoiceFilter(
        label=_("Periods"),
        choices=[
            ("soon", _("About to prescribe")),
            ("prescribed", _("Prescribed")),
            ("running", _("Every period still collectable")),
        ],
        empty_label=None,
        method="by_state",
    )

    class Meta:
        model = PeriodClock
        fields = ["q", "branch", "state"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["branch"].queryset = visible_branches(user)

    def filter_employer(self, queryset, name, value):
        return queryset.filter(employer__in=Employer.objects.search(value))

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "prescribed":
            return queryset.prescribed()
        if value == "running":
            return queryset.running(today)
        return queryset.prescribing_within(today, warning_days())

    @property
    def qs(self):
        # "About to prescribe" unless another choice is made (the empty form's default).
        queryset = super().qs
        if not self.data.get("state"):
            queryset = queryset.prescribing_within(timezone.localdate(), warning_days())
        return queryset
