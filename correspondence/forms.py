from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListedModelChoiceField
from core.widgets import DateInput
from correspondence.models import BODY_MAX_CHARS as BODY_MAX
from correspondence.models import CorrespondenceItem, ResponseTemplate


class ItemForm(forms.ModelForm):
    employer_number = forms.CharField(
        label=_("Employer number"),
        required=False,
        max_length=12,
        help_text=_("Optional: the employer the letter concerns."),
    )
    case_number = forms.IntegerField(label=_("Case"), required=False, min_value=1)
    scan = forms.FileField(label=_("Scan (PDF or image, up to 10 MB)"), required=False)

    class Meta:
        model = CorrespondenceItem
        fields = [
            "direction",
            "reference",
            "sender_kind",
            "counterpart",
            "subject",
            "dated_on",
            "deadline",
            "notes",
        ]
        widgets = {
            "dated_on": DateInput(format="%Y-%m-%d"),
            "deadline": DateInput(format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        from employers.models import Employer
        from people.roles import Role
        from recovery.models import RecoveryCase

        data = super().clean()
        # The secretary registers the whole department's mail: any employer or case.
        national = self.user is not None and self.user.role == Role.SECRETARY
        employers = Employer.objects.all() if national else Employer.objects.visible_to(self.user)
        cases = (
            RecoveryCase.objects.all() if national else RecoveryCase.objects.visible_to(self.user)
        )
        number = (data.get("employer_number") or "").strip()
        data["employer"] = data["case"] = None
        if number:
            data["employer"] = employers.filter(employer_number=number).first()
            if data["employer"] is None:
                self.add_error("employer_number", _("No employer with this number."))
        if data.get("case_number"):
            data["case"] = cases.filter(pk=data["case_number"]).select_related("employer").first()
            if data["case"] is None:
                self.add_error("case_number", _("No case with this number."))
        if data.get("deadline") and data.get("dated_on") and data["deadline"] < data["dated_on"]:
            self.add_error("deadline", _("The deadline cannot come before the letter's date."))
        return data


class AssignForm(forms.Form):
    assignee = ListedModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users
        self.fields["assignee"].label_from_instance = lambda u: u.display_name


class ResponseForm(forms.Form):
    template = ListedModelChoiceField(
        label=_("From the template"),
        queryset=ResponseTemplate.objects.filter(is_active=True),
        required=False,
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
    )


class DispatchForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
