"""The one shape of every "do this to that object" POST in the app.

Read the form (if any), call the service, turn a business-rule ValidationError into a
message, redirect back to the object's page. Views stay thin and say only which
object, which form, which service.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def form_errors_text(form: Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def service_action(
    request: HttpRequest,
    *,
    obj,
    action: Callable[[object, dict], object],
    success: str,
    back: str,
    form: Form | None = None,
) -> HttpResponse:
    """Run `action(obj, cleaned_data)` and come back to `back` (a URL name) with a message."""
    data = {}
    if form is not None:
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(back, pk=obj.pk)
        data = form.cleaned_data
    try:
        action(obj, data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(back, pk=obj.pk)
