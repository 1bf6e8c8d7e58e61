from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.importing import counts_text, import_file


class Command(BaseCommand):
    help = "Import indicator observations from a CSV file: all rows or none. Exit status 1 when rejected."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (comma or semicolon, UTF-8 or Windows-1252)")
        parser.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}, returncode=1
            ) from None
        parsed, plan, record = import_file(data, file_name=path.name, dry_run=dry_run)
        if not parsed.ok:
            for line in parsed.report():
                self.stderr.write(line)
            raise CommandError(
                ngettext(
                    "File rejected: %(count)s error, nothing was imported.",
                    "File rejected: %(count)s errors, nothing was imported.",
                    len(parsed.errors),
                )
                % {"count": len(parsed.errors)},
                returncode=1,
            )
        figures = (len(plan.added), len(plan.changed), plan.unchanged)
        if plan.combined_rows:
            self.stdout.write(
                ngettext(
                    "%(rows)s rows of the file with full ROME codes were combined into %(observations)s "
                    "observation: their counts are summed by domain.",
                    "%(rows)s rows of the file with full ROME codes were combined into %(observations)s "
                    "observations: their counts are summed by domain.",
                    plan.combined_into,
                )
                % {"rows": plan.combined_rows, "observations": plan.combined_into}
            )
        if dry_run:
            self.stdout.write(
                _("Dry run: %(counts)s. Nothing written.") % {"counts": counts_text(*figures, planned=True)}
            )
        else:
            self.stdout.write(_("Imported: %(counts)s.") % {"counts": counts_text(*figures)})
