from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from people.models import Branch, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "branch", "is_active"]
    list_filter = ["groups", "branch", "is_active"]
    list_select_related = ["branch"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Branch"), {"fields": ["branch"]}),
    )


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]
