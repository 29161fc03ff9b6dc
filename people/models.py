from functools import cached_property

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.roles import Role


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    branch = models.ForeignKey(
        "employers.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Required for branch heads and collection agents."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role(self) -> Role | None:
        """The user's role: the first of the department's groups the user is in."""
        names = {group.name for group in self.groups.all()}
        for role in Role:
            if role.value in names:
                return role
        return None

    @property
    def role_label(self) -> str:
        return self.role.label if self.role else ""
