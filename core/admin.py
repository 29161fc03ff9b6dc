from django.contrib import admin

from core.calendar import clear_holiday_cache
from core.models import Holiday, JobRun


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


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "run_date", "started_at", "finished_at", "counts"]
    list_filter = ["job"]

    def has_change_permission(self, request, obj=None):
        return False
