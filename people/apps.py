from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from people.roles import Role


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and access")
    role_permissions = {
        role: ["people.view_branch"]
        for role in (
            Role.DEPARTMENT_HEAD,
            Role.BRANCH_HEAD,
            Role.AGENT,
            Role.ADMIN_STAFF,
            Role.AUDITOR,
        )
    }

    def ready(self):
        from people.registry import sync_role_groups

        post_migrate.connect(sync_role_groups, dispatch_uid="people.sync_role_groups")
