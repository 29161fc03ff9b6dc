import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from office.models import ActionItem, ActionStatus, Guideline, GuidelineKind, Training


class GuidelineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=GuidelineKind.choices, empty_label=_("All")
    )
    state = django_filters.ChoiceFilter(
        label=_("Versions"),
        choices=[("current", _("In force")), ("all", _("Every version"))],
        empty_label=None,
        method="by_state",
        initial="current",
    )

    class Meta:
        model = Guideline
        fields = ["q", "kind", "state"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def by_state(self, queryset, name, value):
        return queryset if value == "all" else queryset.current()

    @property
    def qs(self):
        # "In force" unless every version is asked for (the default of an empty form).
        queryset = super().qs
        if not self.data.get("state"):
            queryset = queryset.current()
        return queryset


class ActionFilter(django_filters.FilterSet):
    pending = django_filters.ChoiceFilter(
        label=_("Pending"),
        choices=[("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done"))],
        empty_label=_("All"),
        method="by_pending",
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=None, empty_label=_("Anyone")
    )

    class Meta:
        model = ActionItem
        fields = ["pending", "owner"]

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = owners
        self.filters["owner"].field.label_from_instance = lambda u: u.display_name

    def by_pending(self, queryset, name, value):
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        if value == "open":
            return queryset.open()
        if value == "done":
            return queryset.filter(status=ActionStatus.DONE)
        return queryset


class TrainingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # A year Python's dates can hold: beyond it the lookup itself fails (a 500).
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="starts_at__year", min_value=1900, max_value=2100
    )

    class Meta:
        model = Training
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(topic__icontains=value) | Q(trainer__icontains=value))
