from django import forms
from django.utils.translation import gettext_lazy as _


class ArrearsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Arrears file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class EmployerForm(forms.ModelForm):
    class Meta:
        from employers.models import Employer

        model = Employer
        fields = [
            "trade_name",
            "nrc",
            "economic_activity",
            "sector",
            "status",
            "address",
            "department",
            "municipality",
            "phone",
            "email",
            "legal_representative",
        ]
