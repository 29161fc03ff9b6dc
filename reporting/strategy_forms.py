from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementPolicy
from agreements.services import POLICY_FIELDS
from core.widgets import DateInput
from recovery.models import CaseOpeningRule, StrategyLevel

REASON = forms.CharField(
    label=_("Why"),
    max_length=500,
    widget=forms.Textarea(attrs={"rows": 2}),
    help_text=_("Kept in the history with who and when."),
)


class ReasonForm(forms.Form):
    reason = REASON


class ChallengerForm(ReasonForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    share = forms.IntegerField(label=_("Share of the new cases (%)"), min_value=1, max_value=50)
    notes = forms.CharField(
        label=_("What it changes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["name", "share", "notes", "reason"]


class ShareForm(ReasonForm):
    share = forms.IntegerField(label=_("Share of the new cases (%)"), min_value=1, max_value=50)
    field_order = ["share", "reason"]


class EndForm(ReasonForm):
    promote = forms.TypedChoiceField(
        label=_("Ending the test"),
        choices=[("0", _("Stop it: the champion stays")), ("1", _("Promote it to champion"))],
        coerce=lambda value: value == "1",
    )
    field_order = ["promote", "reason"]


class LevelForm(forms.ModelForm):
    reason = REASON

    class Meta:
        model = StrategyLevel
        fields = [
            "order",
            "name",
            "min_days_late",
            "min_debt",
            "sector",
            "action",
            "letter",
            "is_active",
        ]


class OpeningRuleForm(forms.ModelForm):
    reason = REASON

    class Meta:
        model = CaseOpeningRule
        fields = ["valid_from", "min_arrears", "min_days_late"]
        widgets = {"valid_from": DateInput}


class PolicyForm(forms.ModelForm):
    reason = REASON

    class Meta:
        model = AgreementPolicy
        fields = POLICY_FIELDS
