import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Frequency
from core.text import REASON_MAX_CHARS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementTermsForm(forms.Form):
    periods = forms.MultipleChoiceField(
        label=_("Periods covered"), widget=forms.CheckboxSelectMultiple, required=True
    )
    down_payment = forms.DecimalField(
        label=_("Down payment ($)"), min_value=0, decimal_places=2, max_digits=14
    )
    installments = forms.IntegerField(label=_("Number of installments"), min_value=1, max_value=120)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    first_due_date = forms.DateField(label=_("First installment due"), widget=DATE)

    def __init__(self, *args, debts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["periods"].choices = [
            (str(debt.period.pk), f"{debt.period.period:%Y-%m} · ${debt.total:,.2f}")
            for debt in debts
        ]
        if not self.is_bound:
            self.initial.setdefault("periods", [str(debt.period.pk) for debt in debts])
            self.initial.setdefault(
                "first_due_date", timezone.localdate() + datetime.timedelta(days=30)
            )

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            "period_ids": [int(pk) for pk in data["periods"]],
            "down_payment": data["down_payment"],
            "installments": data["installments"],
            "frequency": data["frequency"],
            "first_due_date": data["first_due_date"],
        }


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class LegalizeForm(forms.Form):
    legalized_on = forms.DateField(label=_("Legalized on"), widget=DATE)
    notary = forms.CharField(label=_("Notary"), max_length=150)
    protocol = forms.CharField(label=_("Protocol data (book, folio)"), max_length=200)
    document = forms.FileField(label=_("Scanned document (PDF)"), required=False)


class PaymentForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=40)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount ($)"), min_value=0.01, decimal_places=2, max_digits=14
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2})
    )
