"""What every POST view that calls a service shares: the outcome as a message.

    with reported(request, _("Referral accepted.")):
        services.referral_accept(referral=referral, actor=request.user)
    return redirect("legal:referral_detail", pk=referral.pk)

A business rule the service refuses (ValidationError) becomes an error message with
its reason; anything else is a bug and propagates."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest


def form_errors_text(form: Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class _Outcome:
    ok = False


@contextmanager
def reported(request: HttpRequest, success: str) -> Iterator[_Outcome]:
    """Run the block; say `success`, or why the service refused. `.ok` tells which."""
    outcome = _Outcome()
    try:
        yield outcome
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        outcome.ok = True
        messages.success(request, success)


def form_refused(request: HttpRequest, form: Form) -> bool:
    """True (and the errors said) when the posted form is invalid."""
    if form.is_valid():
        return False
    messages.error(request, form_errors_text(form))
    return True
