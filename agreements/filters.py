import django_filters
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementStatus, PaymentAgreement
from people.filters import agent_filter, branch_filter, scope_branch_and_agent


class AgreementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, empty_label=_("All")
    )
    branch = branch_filter()
    agent = agent_filter("case__agent")
    next_due_before = django_filters.DateFilter(
        label=_("Next due up to"),
        field_name="next_due",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    signed_from = django_filters.DateFilter(
        label=_("Signed from"),
        field_name="signed_on",
        lookup_expr="gte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    signed_to = django_filters.DateFilter(
        label=_("Signed up to"),
        field_name="signed_on",
        lookup_expr="lte",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    overdue_min = django_filters.NumberFilter(
        label=_("Overdue installments, at least"), field_name="overdue", lookup_expr="gte"
    )

    class Meta:
        model = PaymentAgreement
        fields = ["status", "branch", "agent"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_branch_and_agent(self, user)
