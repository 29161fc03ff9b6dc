from django.contrib import admin

from employers.models import ArrearsImport, Department, Employer, Municipality


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department"]
    list_filter = ["department"]
    list_select_related = ["department"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["employer_number", "legal_name", "nit", "branch", "sector", "status"]
    list_filter = ["branch", "sector", "status"]
    list_select_related = ["branch"]
    search_fields = ["employer_number", "nit", "legal_name", "trade_name"]
    autocomplete_fields = []
    raw_id_fields = []


@admin.register(ArrearsImport)
class ArrearsImportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "file_name", "status", "rows_total", "error_count"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ArrearsImport._meta.fields]

    def has_add_permission(self, request):
        return False
