from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import NOTE_MAX_CHARS
from core.widgets import DateInput
from prescription.models import NoticeService, PrescriptionRule


class NoticeServiceForm(forms.ModelForm):
    class Meta:
        model = NoticeService
        fields = ["letter", "served_on", "received_by", "acknowledgement", "notes"]
        widgets = {
            "served_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_CHARS}),
        }

    def clean_served_on(self):
        day = self.cleaned_data["served_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The notice cannot have been served in the future."))
        return day


class RuleForm(forms.ModelForm):
    class Meta:
        model = PrescriptionRule
        fields = ["valid_from", "years", "legal_basis", "confirmed"]
        widgets = {"valid_from": DateInput, "legal_basis": forms.Textarea(attrs={"rows": 3})}
