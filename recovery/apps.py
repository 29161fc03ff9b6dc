from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecoveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "recovery"
    verbose_name = _("Recovery cases")
