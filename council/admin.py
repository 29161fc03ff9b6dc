from django.contrib import admin

from council.models import BoardSession, DocumentType, DraftTemplate, SettlementRequest


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["kind", "order", "name", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "is_active"]


@admin.register(DraftTemplate)
class DraftTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "updated_at"]
    readonly_fields = ["placeholders"]

    @admin.display(description="Marcadores")
    def placeholders(self, obj):
        from council.services import PLACEHOLDERS

        return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


@admin.register(BoardSession)
class BoardSessionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "kind"]


@admin.register(SettlementRequest)
class SettlementRequestAdmin(admin.ModelAdmin):
    """Read-only: requests change only through their services (and their timeline)."""

    list_display = ["number", "kind", "employer", "status", "received_on"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "employer__employer_number", "employer__legal_name"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
