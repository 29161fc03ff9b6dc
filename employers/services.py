"""Writes of the employers app: arrears imports (preview, apply, discard)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import background
from core.models import BackgroundJob
from employers.imports import (
    ImportFileError,
    ImportResult,
    file_sha256,
    log_rejected_file,
    record_counts,
    run_arrears_import,
)
from employers.models import ArrearsImport, ArrearsImportStatus, Employer

ALLOWED_EXTENSIONS = {".csv", ".txt", ".xlsx"}


def _imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store_upload(upload: UploadedFile) -> Path:
    extension = Path(upload.name or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="extension")
    if upload.size > settings.ARREARS_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.ARREARS_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="size",
        )
    target = _imports_dir() / f"{uuid.uuid4().hex}{extension}"
    with target.open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


def arrears_import_upload(*, upload: UploadedFile, actor) -> BackgroundJob:
    """Store an uploaded arrears file and start checking it in the background
    (`arrears_check`). ValidationError when the upload is refused at once (type, size)
    or the same file is being checked or applied right now."""
    path = _store_upload(upload)
    sha256 = file_sha256(path)
    try:
        return background.start(
            "arrears_check",
            actor=actor,
            title=_("Arrears import: checking %(file)s") % {"file": upload.name},
            params={"stored": path.name, "file_name": upload.name, "sha256": sha256},
            dedupe_key=f"arrears-file:{sha256}",
        )
    except background.AlreadyRunning:
        path.unlink(missing_ok=True)
        raise


def arrears_import_preview(
    *, path: Path, file_name: str, actor, progress=None, sha256: str | None = None
) -> ArrearsImport:
    """Check a stored arrears file without writing any period.

    Returns a PREVIEWED import to confirm, or a REJECTED one listing every bad row.
    Raises ValidationError when the file cannot be read at all (then the file is
    removed and the refusal logged)."""
    sha256 = sha256 or file_sha256(path)
    try:
        result = run_arrears_import(
            path=path,
            file_name=file_name,
            actor=actor,
            dry_run=True,
            progress=progress,
            sha256=sha256,
        )
    except ImportFileError as exc:
        # Refused as a whole: the file goes, its log entry stays.
        log_rejected_file(
            record=None,
            actor=actor,
            file_name=file_name,
            sha256=sha256,
            error=exc,
        )
        path.unlink(missing_ok=True)
        raise ValidationError(str(exc), code="file") from exc
    status = ArrearsImportStatus.PREVIEWED if result.ok else ArrearsImportStatus.REJECTED
    if not result.ok:
        path.unlink(missing_ok=True)
    record = ArrearsImport(
        created_by=actor,
        file_name=file_name,
        sha256=result.sha256,
        status=status,
        stored_file=path.name if result.ok else "",
    )
    record_counts(record, result)
    return record


def arrears_import_confirm(*, record: ArrearsImport, actor) -> BackgroundJob:
    """Start applying a previewed import in the background (`arrears_apply`)."""
    if record.status != ArrearsImportStatus.PREVIEWED or not record.stored_file:
        raise ValidationError(_("This import was already applied or discarded."))
    return background.start(
        "arrears_apply",
        actor=actor,
        title=_("Arrears import: applying %(file)s") % {"file": record.file_name},
        params={"import_id": record.pk},
        dedupe_key=f"arrears-file:{record.sha256}",
    )


def arrears_import_apply(*, record: ArrearsImport, actor, progress=None) -> ImportResult:
    """Apply a previewed import. The file is checked again: data may have changed."""
    with transaction.atomic():
        record = ArrearsImport.objects.select_for_update().get(pk=record.pk)
        if record.status != ArrearsImportStatus.PREVIEWED or not record.stored_file:
            raise ValidationError(_("This import was already applied or discarded."))
        # Claimed: a second click on "confirm" finds it applied and stops above. Who
        # uploaded it stays; who confirmed it is recorded beside.
        record.applied_by = actor
        path = _imports_dir() / record.stored_file
        try:
            result = run_arrears_import(
                path=path,
                file_name=record.file_name,
                actor=actor,
                record=record,
                progress=progress,
                sha256=record.sha256 or None,
            )
        except ImportFileError as exc:
            raise ValidationError(str(exc), code="file") from exc
    path.unlink(missing_ok=True)
    ArrearsImport.objects.filter(pk=record.pk).update(stored_file="")
    return result


def check_job(job: BackgroundJob, progress: background.Progress) -> background.Outcome:
    """The runner of `arrears_check`: the preview, then its page."""
    record = arrears_import_preview(
        path=_imports_dir() / job.params["stored"],
        file_name=job.params["file_name"],
        actor=job.created_by,
        progress=progress,
        sha256=job.params.get("sha256"),
    )
    return background.Outcome(redirect=reverse("employers:import_detail", args=[record.pk]))


def apply_job(job: BackgroundJob, progress: background.Progress) -> background.Outcome:
    """The runner of `arrears_apply`: the import applied, then its page."""
    record = ArrearsImport.objects.get(pk=job.params["import_id"])
    result = arrears_import_apply(record=record, actor=job.created_by, progress=progress)
    if not result.ok:
        message = _("The file no longer passes the checks; nothing was written.")
    elif result.changed:
        message = _("Import applied.")
    else:
        message = _("No changes: the data already matched this file.")
    return background.Outcome(
        message=message, redirect=reverse("employers:import_detail", args=[record.pk])
    )


def arrears_import_discard(*, record: ArrearsImport, actor) -> ArrearsImport:
    with transaction.atomic():
        record = ArrearsImport.objects.select_for_update().get(pk=record.pk)
        if record.status != ArrearsImportStatus.PREVIEWED:
            raise ValidationError(_("Only a previewed import can be discarded."))
        if record.stored_file:
            (_imports_dir() / record.stored_file).unlink(missing_ok=True)
        record.status = ArrearsImportStatus.DISCARDED
        record.stored_file = ""
        record.save(update_fields=["status", "stored_file"])
    return record


@transaction.atomic
def employer_update(*, employer, actor, data: dict):
    """Change an employer's contact and registry data (the history records who)."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    for name in Employer.EDITABLE_FIELDS:
        if name in data:
            setattr(employer, name, data[name])
    employer.full_clean()  # includes the department/municipality check
    employer.save()
    return employer
