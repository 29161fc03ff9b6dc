from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import PaymentAgreement
from core.forms import ListedModelChoiceField
from core.money import MAX_AMOUNT
from core.text import NOTE_MAX_CHARS, REASON_MAX_CHARS
from council.models import DRAFT_MAX_CHARS, BoardSession, PaymentTerms, SessionKind
from employers.models import Employer

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money(label):
    return forms.DecimalField(
        label=label, min_value=0, max_value=MAX_AMOUNT, decimal_places=2, max_digits=14
    )


class RequestForm(forms.Form):
    employer_number = forms.CharField(label=_("Employer no."), max_length=20)
    received_on = forms.DateField(label=_("Received"), widget=_DATE)
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    agreement = ListedModelChoiceField(
        label=_("Payment agreement"), queryset=PaymentAgreement.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, employers=None, agreements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employers = employers if employers is not None else Employer.objects.none()
        if agreements is not None:
            self.fields["agreement"].queryset = agreements
        self.fields["received_on"].initial = timezone.localdate()

    def clean_employer_number(self):
        number = self.cleaned_data["employer_number"].strip()
        employer = self.employers.filter(employer_number=number).first()
        if employer is None:
            raise forms.ValidationError(_("No employer of yours has that number."))
        self.cleaned_data["employer"] = employer
        return number


class AmountsForm(forms.Form):
    fines = _money(_("Fines to waive ($)"))
    surcharges = _money(_("Surcharges to waive ($)"))


class DraftForm(forms.Form):
    draft_text = forms.CharField(
        label=_("Draft resolution"),
        max_length=DRAFT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 18}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SessionForm(forms.Form):
    number = forms.CharField(label=_("Session number"), max_length=20)
    date = forms.DateField(label=_("Date"), widget=_DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if BoardSession.objects.filter(number=number).exists():
            raise forms.ValidationError(_("That session is already recorded."))
        return number


class SubmissionForm(forms.Form):
    session = ListedModelChoiceField(label=_("Session"), queryset=BoardSession.objects.none())
    sent_on = forms.DateField(label=_("Sent"), widget=_DATE)
    memo = forms.CharField(
        label=_("Cover memo"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["session"].queryset = BoardSession.objects.filter(date__gte=today).order_by(
            "date"
        )
        self.fields["sent_on"].initial = today


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The Board"),
        choices=[("approved", _("approved")), ("rejected", _("rejected"))],
    )
    resolution_number = forms.CharField(
        label=_("Resolution"),
        max_length=40,
        help_text=_("As the Board numbers it, e.g. %(example)s")
        % {"example": settings.COUNCIL_RESOLUTION_EXAMPLE},
    )
    resolution_date = forms.DateField(label=_("Resolution date"), widget=_DATE)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConfirmAppliedForm(forms.Form):
    note = forms.CharField(
        label=_("How it was checked"),
        max_length=255,
        help_text=_("e.g. the account system's reference"),
    )


class DispatchForm(forms.Form):
    sent_on = forms.DateField(label=_("Sent"), widget=_DATE)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
