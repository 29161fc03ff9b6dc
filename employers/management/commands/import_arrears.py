from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from employers.imports import ImportFileError, run_arrears_import


class Command(BaseCommand):
    help = "Import the arrears export of the employer account system (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument("--user", help="User name recorded as the importer.")

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self._run(file, dry_run, user)

    def _run(self, file: Path, dry_run: bool, username: str | None) -> None:
        if not file.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(_("Unknown user: %(user)s") % {"user": username})
        try:
            result = run_arrears_import(
                path=file, file_name=file.name, actor=actor, dry_run=dry_run
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            self.stderr.write(
                _("%(count)s invalid rows; nothing was imported.") % {"count": result.error_count}
            )
            for error in result.errors:
                self.stderr.write(
                    _("line %(line)s, column %(column)s, value %(value)r: %(reason)s")
                    % {
                        "line": error.line,
                        "column": error.column or "-",
                        "value": error.value,
                        "reason": error.reason,
                    }
                )
            if result.error_count > len(result.errors):
                self.stderr.write(
                    _("... and %(more)s more.") % {"more": result.error_count - len(result.errors)}
                )
            raise SystemExit(1)
        prefix = _("Dry run, nothing written: ") if dry_run else ""
        self.stdout.write(
            prefix
            + _(
                "%(rows)s rows: %(employers)s employers created, %(created)s periods created, "
                "%(updated)s updated, %(unchanged)s unchanged."
            )
            % {
                "rows": result.rows_total,
                "employers": result.employers_created,
                "created": result.periods_created,
                "updated": result.periods_updated,
                "unchanged": result.periods_unchanged,
            }
        )
        if not result.changed:
            self.stdout.write(_("No changes: the data already matched this file."))
        if result.previous_import:
            self.stdout.write(
                _("This same file (SHA-256) was already applied on %(date)s.")
                % {"date": localtime(result.previous_import.applied_at).strftime("%d/%m/%Y %H:%M")}
            )
