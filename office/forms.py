from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput, DateTimeInput, MonthInput
from office.models import CRITERIA, GuidelineKind, Meeting, Rating, Training
from people.models import Branch
from people.roles import Role
from reporting.models import PlanStatus, RecoveryPlan


def person(user) -> str:
    branch = f" · {user.branch.code}" if user.branch_id else ""
    return f"{user.display_name}{branch}"


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return person(obj)


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person(obj)


class GuidelineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=GuidelineKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=20)
    summary = forms.CharField(
        label=_("What changes"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        help_text=_("What staff must know; the notification quotes its beginning."),
    )
    document = forms.FileField(label=_("Document (PDF or office file, up to 10 MB)"))


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read this document and will apply it."), required=True
    )


class MeetingForm(forms.ModelForm):
    attendees = PeopleField(label=_("Attendees"), queryset=None)

    class Meta:
        model = Meeting
        fields = ["title", "held_on", "place", "branch", "attendees", "minutes"]
        widgets = {"held_on": DateInput(), "minutes": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, staff=None, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff
        self.fields["branch"].queryset = branches
        self.fields["branch"].empty_label = _("The whole department")


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=300)
    owner = PersonField(label=_("Owner"), queryset=None)
    due_on = forms.DateField(label=_("Due"), widget=DateInput())

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TrainingForm(forms.ModelForm):
    online_link = forms.URLField(
        label=_("Online link"), required=False, assume_scheme="https", max_length=200
    )
    material_file = forms.FileField(
        label=_("Material (PDF, images or office files, up to 10 MB)"), required=False
    )

    class Meta:
        model = Training
        fields = ["topic", "starts_at", "place", "online_link", "trainer", "plan"]
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = RecoveryPlan.objects.filter(status=PlanStatus.APPROVED)
        self.fields["plan"].empty_label = _("Not on the plan")

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("online_link"):
            raise forms.ValidationError(_("Give a place or an online link."))
        return data


STAFF_ROLE_CHOICES = [
    (Role.BRANCH_HEAD.value, Role.BRANCH_HEAD.label),
    (Role.AGENT.value, Role.AGENT.label),
    (Role.ADMIN_STAFF.value, Role.ADMIN_STAFF.label),
]


class InviteForm(forms.Form):
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches"),
        queryset=Branch.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every branch."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=STAFF_ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every role of the collection staff."),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Plan year"), min_value=2000, max_value=2100)


class InductionStartForm(forms.Form):
    user = PersonField(label=_("New staff member"), queryset=None)
    started_on = forms.DateField(label=_("Started"), widget=DateInput())

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class EvaluationForm(forms.Form):
    person = PersonField(label=_("Staff member"), queryset=None)
    first_month = forms.DateField(
        label=_("From (month)"), input_formats=["%Y-%m", "%m/%Y"], widget=MonthInput()
    )
    last_month = forms.DateField(
        label=_("To (month)"), input_formats=["%Y-%m", "%m/%Y"], widget=MonthInput()
    )
    overall = forms.TypedChoiceField(label=_("Overall"), choices=Rating.choices, coerce=int)
    strengths = forms.CharField(
        label=_("Strengths"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )
    improvements = forms.CharField(
        label=_("To improve"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        for key, label in CRITERIA.items():
            self.fields[f"rating_{key}"] = forms.TypedChoiceField(
                label=label, choices=Rating.choices, coerce=int
            )

    def clean(self):
        data = super().clean()
        first, last = data.get("first_month"), data.get("last_month")
        if first and last and first > last:
            raise forms.ValidationError(_("The period ends before it begins."))
        return data

    def ratings(self) -> dict[str, int]:
        return {key: self.cleaned_data[f"rating_{key}"] for key in CRITERIA}


class EvaluationAcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )
