"""What each app declares about itself and people collects: the permissions of each
role and the menu entries. An app declares them on its AppConfig:

    class RecoveryConfig(AppConfig):
        role_permissions = {Role.AGENT: ["recovery.view_recoverycase", ...], ...}
        menu_entries = [MenuEntry(_("Cases"), "recovery:case_list",
                                  "recovery.view_recoverycase", order=20)]

so that adding an app touches no other app's code. The groups get exactly the
permissions the installed apps declare after every `migrate` (post_migrate): the
table in code is the source of truth, not edits made in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps

from people.roles import Role


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permission: str
    order: int
    # The landing page: the home page sends a user to the first entry (lowest
    # `landing`) they may use whose `landing_roles` include their role (empty: all).
    landing: int | None = None
    landing_roles: frozenset = field(default_factory=frozenset)


def menu_entries() -> list[MenuEntry]:
    entries = [
        entry
        for app_config in apps.get_app_configs()
        for entry in getattr(app_config, "menu_entries", [])
    ]
    return sorted(entries, key=lambda entry: entry.order)


def page_panels(page: str) -> list:
    """The panels higher apps add to a lower app's page: each a function `(request)`
    returning {"template", "context"} or None. An app declares them on its AppConfig
    as `page_panels = {"queue": ["app.views.function"]}`."""
    from django.utils.module_loading import import_string

    return [
        import_string(path)
        for app_config in apps.get_app_configs()
        for path in getattr(app_config, "page_panels", {}).get(page, [])
    ]


def page_panels_for(page: str, request, **context) -> list[dict]:
    """The panels of `page` that have something to show; `context` is the page's own
    object (the case of a case's page)."""
    return [panel for function in page_panels(page) if (panel := function(request, **context))]


def role_permissions() -> dict[str, list[str]]:
    """Role -> every "app_label.codename" the installed apps grant it."""
    table: dict[str, list[str]] = {role: [] for role in Role}
    for app_config in apps.get_app_configs():
        for role, perms in getattr(app_config, "role_permissions", {}).items():
            table[role].extend(perms)
    return table


def role_groups_sync(*, using: str = "default") -> None:
    """One group per role, with exactly the permissions the installed apps declare."""
    from django.contrib.auth.models import Group, Permission

    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perms in role_permissions().items():
        missing = [perm for perm in perms if perm not in known]
        if missing:
            raise RuntimeError(f"Role {role} is declared permissions that do not exist: {missing}")
        group, _created = Group.objects.using(using).get_or_create(name=str(role))
        group.permissions.set([known[perm] for perm in perms])


def sync_role_groups(sender, using="default", **kwargs) -> None:
    """post_migrate handler. Django sends post_migrate once per app, in INSTALLED_APPS
    order, creating each app's permissions in its own handler first: the last app's
    signal is the one after which every declared permission exists."""
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender.label == last.label:
        role_groups_sync(using=using)
