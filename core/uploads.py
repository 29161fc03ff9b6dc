"""The one check every uploaded document goes through (case attachments, case
documents, the agreement's scanned deed): size, extension, and content that matches
the extension."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
}
# The first bytes each type starts with: the extension alone proves nothing.
MAGIC = {
    ".pdf": [b"%PDF"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".odt": [b"PK\x03\x04"],
}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def check_upload(upload: UploadedFile) -> str:
    """The content type of an accepted upload (PDF, image, office file up to 10 MB
    whose first bytes match its extension), or ValidationError saying why not."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("%(name)s: only PDF, images (JPG, PNG) and office files are accepted.")
            % {"name": upload.name},
            code="attachment_type",
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 10 MB.") % {"name": upload.name}, code="attachment_size"
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[extension]):
        raise ValidationError(
            _("%(name)s is not really a %(ext)s file.") % {"name": upload.name, "ext": extension},
            code="attachment_content",
        )
    return ATTACHMENT_TYPES[extension]
