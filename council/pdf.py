"""The Board path's documents: the draft resolution, the submission's cover memo with
its index, and the archive dispatch memo."""

from django.db.models import Prefetch

from core.money import ZERO, amount_in_words
from core.pdf import render_pdf
from council.models import (
    ArchiveDispatch,
    RequestPeriod,
    SettlementRequest,
    Submission,
    line_totals,
)


def _with_lines(requests):
    return requests.select_related("employer", "branch").prefetch_related(
        Prefetch("periods", queryset=RequestPeriod.objects.select_related("period"))
    )


def render_draft_pdf(request: SettlementRequest) -> bytes:
    request = _with_lines(SettlementRequest.objects.filter(pk=request.pk)).get()
    totals = line_totals(request.periods.all())
    return render_pdf(
        "council/draft_pdf.html",
        {
            "request": request,
            "totals": totals,
            "waived_words": amount_in_words(totals["waived"]),
        },
    )


def submission_index(submission: Submission) -> tuple[list, dict]:
    requests = list(_with_lines(submission.requests.order_by("number")))
    rows = [(request, line_totals(request.periods.all())) for request in requests]
    grand = {
        key: sum((totals[key] for _request, totals in rows), ZERO)
        for key in ("contributions", "fines", "surcharges", "waived")
    }
    return rows, grand


def render_submission_pdf(submission: Submission) -> bytes:
    """The cover memo and the index of the requests with their amounts: one PDF,
    whatever the number of requests (a table, not a page per request)."""
    rows, grand = submission_index(submission)
    return render_pdf(
        "council/submission_pdf.html",
        {
            "submission": submission,
            "rows": rows,
            "grand": grand,
            "grand_words": amount_in_words(grand["waived"]),
        },
    )


def render_dispatch_pdf(dispatch: ArchiveDispatch) -> bytes:
    requests = (
        dispatch.requests.select_related("employer", "submission__session")
        .prefetch_related("documents__document_type")
        .order_by("number")
    )
    return render_pdf("council/dispatch_pdf.html", {"dispatch": dispatch, "requests": requests})
