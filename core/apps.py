from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kit: nothing of any one business app lives here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Shared kit")
