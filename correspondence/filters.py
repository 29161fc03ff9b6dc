import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from correspondence.models import CorrespondenceItem, Direction, ItemStatus


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    direction = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Direction.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ItemStatus.choices, empty_label=_("All")
    )
    pending = django_filters.ChoiceFilter(
        label=_("Pending"),
        choices=[("open", _("Awaiting")), ("overdue", _("Overdue"))],
        empty_label=_("All"),
        method="by_pending",
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=None, empty_label=_("Anyone")
    )

    class Meta:
        model = CorrespondenceItem
        fields = ["q", "direction", "status", "pending", "assigned_to"]

    def __init__(self, *args, user=None, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["assigned_to"].queryset = assignees
        self.filters["assigned_to"].field.label_from_instance = lambda u: u.display_name

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value)
            | Q(counterpart__icontains=value)
            | Q(reference__icontains=value)
            | Q(responses__number__iexact=value)
            | Q(employer__employer_number=value)
        ).distinct()

    def by_pending(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        if value == "open":
            return queryset.awaiting()
        return queryset
