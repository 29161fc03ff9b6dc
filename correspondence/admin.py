from django.contrib import admin

from correspondence.models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """The department's response templates (placeholders in the README)."""

    list_display = ["name", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "body"]
