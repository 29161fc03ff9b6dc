import django_filters
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementStatus, PaymentAgreement
from people.access import sees_all_branches
from people.models import Branch, User
from people.roles import Role


class AgreementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=AgreementStatus.choices, empty_label=_("All")
    )
    branch = django_filters.ModelChoiceFilter(
        label=_("Branch"), queryset=Branch.objects.none(), empty_label=_("All")
    )
    agent = django_filters.ModelChoiceFilter(
        label=_("Agent"),
        field_name="case__agent",
        queryset=User.objects.none(),
        empty_label=_("All"),
    )
    next_due_before = django_filters.DateFilter(
        label=_("Next due up to"),
        field_name="next_due",
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
        branches = Branch.objects.filter(is_active=True)
        agents = User.objects.filter(groups__name=Role.AGENT.value)
        if user is not None and not sees_all_branches(user):
            branches = branches.filter(pk=user.branch_id)
            agents = agents.filter(branch_id=user.branch_id)
        self.filters["branch"].queryset = branches
        self.filters["agent"].queryset = agents.order_by("first_name")
