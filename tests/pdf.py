"""Text of a generated PDF, as a reader would copy it, for tests that read documents."""

import io
import re

from pypdf import PdfReader


def pdf_pages(content: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_text(content: bytes) -> str:
    return " ".join(pdf_pages(content))
