from django.contrib import admin

from reporting.models import BranchTarget, MonthlyReport, PlanBranch, RecoveryPlan


class BranchTargetInline(admin.TabularInline):
    model = BranchTarget
    extra = 0


class PlanBranchInline(admin.TabularInline):
    model = PlanBranch
    extra = 0
    readonly_fields = ["confirmed_by", "confirmed_at"]


@admin.register(RecoveryPlan)
class RecoveryPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "version", "status", "approved_at"]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "approved_by", "approved_at", "created_by"]
    inlines = [PlanBranchInline, BranchTargetInline]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["month", "requested_by", "requested_at", "pages"]
    readonly_fields = ["month", "job", "requested_by", "pdf", "xlsx", "pages", "finished_at"]
