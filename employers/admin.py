from django.contrib import admin

from employers.models import ArrearsImport, Branch, Department, Employer, Holiday, Municipality
from employers.periods import clear_holiday_cache


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


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


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind"]
    list_filter = ["kind"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        clear_holiday_cache()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        clear_holiday_cache()
