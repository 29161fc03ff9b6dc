"""HTML to PDF with WeasyPrint: the one place every printed document goes through.

Documents are templates extending `pdf/base.html` (the institute's heading, one print
stylesheet, one self-hosted font). Resources are resolved only from the project's
static files: the fetcher refuses file:// and every outside URL, so a value typed by
a user can never make the server read a local file or call out.
"""

from __future__ import annotations

import mimetypes

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_BASE = "https://recupera.invalid/static/"


def _data_response(url: str):
    """A data: URL (a chart's SVG inline in the document): decoded here, nothing read."""
    import base64
    from urllib.parse import unquote_to_bytes

    from weasyprint.urls import URLFetcherResponse

    header, _comma, payload = url[len("data:") :].partition(",")
    content_type, *params = header.split(";")
    body = base64.b64decode(payload) if "base64" in params else unquote_to_bytes(payload)
    return URLFetcherResponse(
        url, body=body, headers={"Content-Type": content_type or "text/plain"}
    )


def _static_response(url: str):
    from weasyprint.urls import URLFetcherResponse

    if url.startswith("data:"):
        return _data_response(url)
    if not url.startswith(STATIC_BASE):
        raise ValueError(f"Refused to fetch {url!r}: only the project's static files.")
    relative = url[len(STATIC_BASE) :].split("?")[0]
    if ".." in relative.split("/"):
        raise ValueError(f"Refused to fetch {url!r}.")
    path = finders.find(relative)
    if not path:
        raise ValueError(f"Static file not found: {relative!r}")
    with open(path, "rb") as fh:
        body = fh.read()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def _fetcher():
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return _static_response(url)

    return StaticOnlyFetcher()


def render_pdf(template: str, context: dict) -> bytes:
    return render_pdf_pages(template, context)[0]


def render_pdf_pages(template: str, context: dict) -> tuple[bytes, int]:
    """The PDF and its number of pages."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "pdf_static": STATIC_BASE})
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=_fetcher()).render()
    return document.write_pdf(), len(document.pages)


def render_pdf_batch(template: str, contexts: list[dict], progress=None) -> bytes:
    """One PDF of several documents (a batch of letters), each laid out on its own so
    that its pages are numbered "Página 1 de 2" within it, not across the batch.
    `progress(done, total)` hears after each one (a background job's bar)."""
    from weasyprint import HTML

    documents = []
    for done, context in enumerate(contexts, start=1):
        documents.append(
            HTML(
                string=render_to_string(template, {**context, "pdf_static": STATIC_BASE}),
                base_url=STATIC_BASE,
                url_fetcher=_fetcher(),
            ).render()
        )
        if progress:
            progress(done, len(contexts))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
