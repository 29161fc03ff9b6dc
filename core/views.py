"""What every POST view that calls a service shares: the outcome as a message; and the
pages of the background jobs (core.background).

    with reported(request, _("Referral accepted.")):
        services.referral_accept(referral=referral, actor=request.user)
    return redirect("legal:referral_detail", pk=referral.pk)

A business rule the service refuses (ValidationError) becomes an error message with
its reason; anything else is a bug and propagates."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import HttpResponseClientRedirect

from core import background
from core.models import BackgroundJob, BackgroundJobStatus


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


@login_required
def job_list(request: HttpRequest):
    """The background jobs the user started: their state and their files."""
    jobs = BackgroundJob.objects.filter(created_by=request.user).order_by("-created_at")
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, token):
    """A job's progress. While it runs the page asks again every second (htmx); when it
    is done it sends the user where the job said, or offers its file."""
    job = get_object_or_404(BackgroundJob, token=token, created_by=request.user)
    if job.status == BackgroundJobStatus.DONE and job.redirect_url:
        if job.message:
            messages.success(request, job.message)
        if request.htmx:
            return HttpResponseClientRedirect(job.redirect_url)
        return redirect(job.redirect_url)
    context = {"job": job, "progress": _progress_view(job)}
    if request.htmx:
        return render(request, "core/job_detail.html#status", context)
    return render(request, "core/job_detail.html", context)


def _progress_view(job: BackgroundJob) -> dict:
    progress = background.progress_of(job)
    total, done = progress["total"], progress["done"]
    if job.status == BackgroundJobStatus.DONE:
        total, done = 1, 1
    percent = int(done * 100 / total) if total else 0
    return {**progress, "percent": min(percent, 100), "known": bool(total)}


@login_required
def job_download(request: HttpRequest, token):
    job = get_object_or_404(
        BackgroundJob, token=token, created_by=request.user, status=BackgroundJobStatus.DONE
    )
    path = background.output_dir() / job.output_file if job.output_file else None
    if path is None or not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.output_name,
        content_type=job.output_type,
    )


def health(request: HttpRequest):
    """`/salud/`: the app answers (a load balancer's check, and the pages benchmark's
    bare view: the whole middleware stack and one small template, no query)."""
    return render(request, "core/health.html")
