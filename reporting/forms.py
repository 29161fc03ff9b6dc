from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import MONEY
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from reporting.models import MONTHS, TARGET_FIELDS
from reporting.services import XLSX_MONTHS


class MonthField(forms.DateField):
    """A month as the browser's month picker sends it (YYYY-MM)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Write the month as YYYY-MM (e.g. 2026-11).")}


class PeriodForm(forms.Form):
    first = MonthField(label=_("From"), required=False)
    last = MonthField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            raise forms.ValidationError(_("The first month comes after the last."))
        if data.get("first") and data.get("last"):
            months = (data["last"].year - data["first"].year) * 12 + (
                data["last"].month - data["first"].month
            )
            if months >= 36:
                raise forms.ValidationError(_("At most 36 months at a time."))
        return data


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class PlanTextForm(forms.Form):
    strategies = forms.CharField(
        label=_("Strategies"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    policies = forms.CharField(
        label=_("Policies"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the plan changes"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TargetsImportForm(forms.Form):
    file = forms.FileField(label=_("Targets workbook (XLSX or CSV)"))


class ReportForm(forms.Form):
    month = MonthField(label=_("Month"))

    def clean_month(self):
        return self.cleaned_data["month"].replace(day=1)


FIELD_LABELS = {
    "amount": _("Amount to recover"),
    "cases_closed": _("Cases to close"),
    "agreements_signed": _("Agreements to sign"),
    "referrals": _("Referrals"),
}


class TargetsForm(forms.Form):
    """A branch's twelve months in a row per figure, like the department's sheet."""

    def __init__(self, *args, targets: dict[int, dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = targets or {}
        for name in TARGET_FIELDS:
            for month in MONTHS:
                key = f"{name}_{month}"
                initial = targets.get(month, {}).get(name, 0)
                if name == "amount":
                    field = forms.DecimalField(
                        min_value=0,
                        max_digits=MONEY["max_digits"],
                        decimal_places=MONEY["decimal_places"],
                        initial=initial,
                    )
                else:
                    field = forms.IntegerField(min_value=0, max_value=1_000_000, initial=initial)
                field.label = f"{FIELD_LABELS[name]} · {XLSX_MONTHS[month - 1]}"
                field.widget.attrs.update({"class": "cell", "aria-label": field.label})
                self.fields[key] = field

    def rows(self):
        return [
            (FIELD_LABELS[name], [self[f"{name}_{month}"] for month in MONTHS])
            for name in TARGET_FIELDS
        ]

    def values(self) -> dict[int, dict]:
        return {
            month: {name: self.cleaned_data[f"{name}_{month}"] for name in TARGET_FIELDS}
            for month in MONTHS
        }
