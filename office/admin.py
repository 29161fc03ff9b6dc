from django.contrib import admin

from office.models import InductionItem


@admin.register(InductionItem)
class InductionItemAdmin(admin.ModelAdmin):
    """The steps of the induction plan: added, reordered or retired here; a new
    induction takes the active ones."""

    list_display = ["order", "title", "active"]
    list_display_links = ["title"]
    list_editable = ["order", "active"]
