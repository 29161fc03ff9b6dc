from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from core.widgets import DateInput
from legal.models import JudicialStage


class ProgressForm(forms.Form):
    judicial_stage = forms.ChoiceField(label=_("Judicial stage"), choices=JudicialStage.choices)
    amount_recovered = forms.DecimalField(
        label=_("Recovered ($)"), min_value=0, decimal_places=2, max_digits=14
    )
    filed_on = forms.DateField(
        label=_("Claim filed on"),
        required=False,
        widget=DateInput,
        help_text=_(
            "When the stage reaches the claim filed: the day it was filed (today if left "
            "empty). It interrupts the prescription of the periods then due."
        ),
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
