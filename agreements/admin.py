from django.contrib import admin

from agreements.models import AgreementPolicy, PaymentAgreement, PolicyTier


class PolicyTierInline(admin.TabularInline):
    model = PolicyTier
    extra = 1


@admin.register(AgreementPolicy)
class AgreementPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "valid_from",
        "valid_to",
        "min_down_payment_pct",
        "grace_days",
        "approval_threshold",
        "approver",
        "breach_installments",
        "breach_days",
    ]
    inlines = [PolicyTierInline]


@admin.register(PaymentAgreement)
class PaymentAgreementAdmin(admin.ModelAdmin):
    """Read-only here: agreements change through the application, which audits them."""

    list_display = ["pk", "employer", "branch", "status", "total_amount", "created_at"]
    list_filter = ["status", "branch"]
    list_select_related = ["employer", "branch"]
    search_fields = ["employer__legal_name", "employer__employer_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
