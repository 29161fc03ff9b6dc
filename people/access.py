"""The one place that decides which rows a user may see.

Every model a user can reach has a `visible_to(user)` QuerySet method that calls
`scope_to_branch`, and every view fetches through it. A row of another branch is
simply not in the queryset, so a lookup of it is a 404 and its existence is not
leaked.
"""

from django.db.models import QuerySet

from people.roles import ALL_BRANCH_ROLES, BRANCH_ROLES


def sees_all_branches(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in ALL_BRANCH_ROLES


def scope_to_branch(queryset: QuerySet, user, *, branch_field: str) -> QuerySet:
    """Restrict `queryset` to the rows whose `branch_field` the user may see."""
    if sees_all_branches(user):
        return queryset
    if user.is_authenticated and user.role in BRANCH_ROLES and user.branch_id:
        return queryset.filter(**{f"{branch_field}_id": user.branch_id})
    return queryset.none()
