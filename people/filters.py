"""The branch and agent filters every list of the branches' work shares (cases,
agreements): the choices each offers are what the user's scope lets them see."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.forms import ListedModelChoiceField
from people.access import sees_all_branches
from people.models import Branch, User
from people.roles import Role


class PersonChoiceField(ListedModelChoiceField):
    """People by their names (the user name only when no name is recorded)."""

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class BranchFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField


def branch_filter() -> django_filters.ModelChoiceFilter:
    return BranchFilter(label=_("Branch"), queryset=Branch.objects.none(), empty_label=_("All"))


def agent_filter(field_name: str = "agent") -> django_filters.ModelChoiceFilter:
    return PersonFilter(
        label=_("Agent"), field_name=field_name, queryset=User.objects.none(), empty_label=_("All")
    )


def visible_branches(user):
    """The active branches a filter offers the user: all, or only the user's own."""
    branches = Branch.objects.filter(is_active=True)
    if user is not None and not sees_all_branches(user):
        branches = branches.filter(pk=user.branch_id)
    return branches


def scope_branch_and_agent(filterset: django_filters.FilterSet, user) -> None:
    """Offer every active branch and agent, or only the user's own branch and its agents."""
    agents = User.objects.filter(groups__name=Role.AGENT.value)
    if user is not None and not sees_all_branches(user):
        agents = agents.filter(branch_id=user.branch_id)
    filterset.filters["branch"].queryset = visible_branches(user)
    filterset.filters["agent"].queryset = agents.order_by("first_name", "last_name")
