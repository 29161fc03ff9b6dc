from django.contrib import admin

from recovery.models import (
    CaseOpeningRule,
    DocumentRequirement,
    RecoveryCase,
    StrategyLevel,
)


@admin.register(CaseOpeningRule)
class CaseOpeningRuleAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "min_arrears", "min_days_late"]


@admin.register(StrategyLevel)
class StrategyLevelAdmin(admin.ModelAdmin):
    list_display = ["strategy", "order", "name", "min_days_late", "min_debt", "sector", "action"]
    list_editable = ["min_days_late", "min_debt"]
    list_filter = ["strategy", "is_active", "action"]


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "is_active"]
    list_editable = ["is_active"]


@admin.register(RecoveryCase)
class RecoveryCaseAdmin(admin.ModelAdmin):
    """Read-only here: cases change through the application, which audits why."""

    list_display = ["pk", "employer", "branch", "agent", "status", "opened_on"]
    list_filter = ["status", "branch"]
    list_select_related = ["employer", "branch", "agent"]
    search_fields = ["employer__legal_name", "employer__employer_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
