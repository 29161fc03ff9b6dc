from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from legal.models import JudicialStage


class ProgressForm(forms.Form):
    judicial_stage = forms.ChoiceField(label=_("Judicial stage"), choices=JudicialStage.choices)
    amount_recovered = forms.DecimalField(
        label=_("Recovered ($)"), min_value=0, decimal_places=2, max_digits=14
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )
