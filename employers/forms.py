from django import forms
from django.utils.translation import gettext_lazy as _

from employers.models import Employer


class ArrearsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Arrears file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class EmployerForm(forms.ModelForm):
    class Meta:
        model = Employer
        fields = Employer.EDITABLE_FIELDS
