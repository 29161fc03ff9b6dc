import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListedModelChoiceField
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from people.models import User
from people.roles import Role
from recovery.models import (
    CaseStatus,
    CloseReason,
    FollowUpKind,
    FollowUpOutcome,
    HoldReason,
    LetterKind,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices)
    contact_person = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promise_amount = forms.DecimalField(
        label=_("Amount promised ($)"),
        required=False,
        min_value=0.01,
        decimal_places=2,
        max_digits=14,
    )
    promise_date = forms.DateField(label=_("Promised for"), required=False, widget=DATE_WIDGET)
    next_action = forms.CharField(label=_("Next action"), max_length=200, required=False)
    next_action_on = forms.DateField(label=_("On"), required=False, widget=DATE_WIDGET)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == FollowUpOutcome.PROMISED:
            if not data.get("promise_amount"):
                self.add_error("promise_amount", _("Required when the employer promises."))
            if not data.get("promise_date"):
                self.add_error("promise_date", _("Required when the employer promises."))
        if data.get("next_action_on") and not data.get("next_action"):
            self.add_error("next_action", _("Say what the next action is."))
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    close_reason = forms.ChoiceField(
        label=_("Close reason"), choices=[("", "—"), *CloseReason.choices], required=False
    )
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HoldForm(forms.Form):
    hold_reason = forms.ChoiceField(label=_("Reason"), choices=HoldReason.choices)
    until = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Explanation"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.localdate():
            raise forms.ValidationError(_("The hold must end after today."))
        if until > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("A hold lasts a year at most."))
        return until


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    agent = ListedModelChoiceField(label=_("Agent"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, branch_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        agents = User.objects.filter(groups__name=Role.AGENT.value, is_active=True)
        if branch_id is not None:
            agents = agents.filter(branch_id=branch_id)
        self.fields["agent"].queryset = agents.select_related("branch").order_by(
            "first_name", "last_name"
        )
        self.fields["agent"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.branch.code if u.branch else '—'})"
        )


class DemandForm(forms.Form):
    letter = forms.ChoiceField(label=_("Letter"), choices=LetterKind.choices)
    deadline_days = forms.IntegerField(label=_("Days to pay"), min_value=1, max_value=60, initial=8)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    missing = forms.BooleanField(label=_("Mark as missing"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("missing"):
            raise forms.ValidationError(_("Upload the file or mark it as missing."))
        return data
